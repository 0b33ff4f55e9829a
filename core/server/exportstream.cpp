#include "server/exportstream.h"

#include "server/httpio.h"

#include <QSocketNotifier>
#include <QTcpSocket>
#include <QThread>

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace pairlens::server {
namespace {
constexpr qint64 kHighWater = 1 << 20; // stop reading the pipe above this much unsent data
constexpr qint64 kLowWater = 256 * 1024;
constexpr qsizetype kReadSize = 256 * 1024;
} // namespace

ExportStream::ExportStream(ServerStore::ExportJob job, exporting::ExportOptions options, QTcpSocket *socket,
                           QByteArray contentType, QString fileName, bool closeAfter, QObject *parent)
    : QObject(parent), m_job(std::move(job)), m_options(std::move(options)), m_socket(socket),
      m_contentType(std::move(contentType)), m_fileName(std::move(fileName)), m_closeAfter(closeAfter)
{}

ExportStream::~ExportStream()
{
    if (m_thread) {
        m_cancel = true;
        closeReadEnd();
        m_thread->wait();
        delete m_thread;
    }
    closeReadEnd();
}

void ExportStream::closeReadEnd()
{
    if (m_notifier) {
        m_notifier->setEnabled(false);
        delete m_notifier;
        m_notifier = nullptr;
    }
    if (m_readFd >= 0) {
        ::close(m_readFd);
        m_readFd = -1;
    }
}

bool ExportStream::start(QString *error)
{
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        *error = u"Cannot start the export: %1."_s.arg(QString::fromLocal8Bit(strerror(errno)));
        return false;
    }
    m_readFd = fds[0];
    m_writeFd = fds[1];
    ::fcntl(m_readFd, F_SETFL, ::fcntl(m_readFd, F_GETFL) | O_NONBLOCK);
    ::fcntl(m_writeFd, F_SETPIPE_SZ, 1 << 20); // fewer wake-ups; the default 64 KiB works too

    m_options.target = u"-"_s;
    m_options.outputFd = m_writeFd;
    m_options.writeManifest = false;
    m_options.audit = false; // the server writes its own entry, with the key's name

    const int writeFd = m_writeFd;
    m_thread = QThread::create([this, writeFd] {
        m_result = m_job(m_options, &m_cancel); // a dataset it cannot open: a failed result
        ::close(writeFd);                       // the reader sees the end
    });
    m_writeFd = -1;
    connect(m_thread, &QThread::finished, this, [this] {
        m_workerDone = true;
        maybeFinish();
    });
    m_notifier = new QSocketNotifier(m_readFd, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &ExportStream::pump);
    if (m_socket) {
        connect(m_socket, &QTcpSocket::bytesWritten, this, [this] {
            if (m_socket && m_notifier && !m_notifier->isEnabled() && m_socket->bytesToWrite() < kLowWater) {
                m_notifier->setEnabled(true);
                pump();
            }
        });
        connect(m_socket, &QTcpSocket::disconnected, this, &ExportStream::onClientGone);
        connect(m_socket, &QObject::destroyed, this, &ExportStream::onClientGone);
    }
    m_thread->start();
    return true;
}

void ExportStream::sendHead()
{
    if (m_headSent || !m_socket)
        return;
    m_headSent = true;
    QByteArray head = "HTTP/1.1 200 OK\r\nContent-Type: " + m_contentType +
                      "\r\nContent-Disposition: attachment; filename=\"" + m_fileName.toUtf8() +
                      "\"\r\nTransfer-Encoding: chunked\r\n";
    if (m_closeAfter)
        head += "Connection: close\r\n";
    head += "\r\n";
    m_socket->write(head);
}

void ExportStream::sendChunk(const char *data, qsizetype size)
{
    sendHead();
    QByteArray chunk = QByteArray::number(size, 16) + "\r\n";
    chunk.append(data, size);
    chunk += "\r\n";
    m_socket->write(chunk);
    m_bytesSent += size;
}

void ExportStream::pump()
{
    if (m_readFd < 0)
        return;
    QByteArray buffer(kReadSize, Qt::Uninitialized);
    while (m_socket && m_socket->bytesToWrite() < kHighWater) {
        const ssize_t n = ::read(m_readFd, buffer.data(), size_t(buffer.size()));
        if (n > 0) {
            sendChunk(buffer.constData(), qsizetype(n));
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            return;
        m_eof = true; // end of the pipe (or an error reading it: the worker's result tells)
        closeReadEnd();
        maybeFinish();
        return;
    }
    if (m_notifier && m_socket)
        m_notifier->setEnabled(false); // resumed by bytesWritten below the low-water mark
}

void ExportStream::onClientGone()
{
    if (m_clientGone || m_done)
        return;
    m_clientGone = true;
    m_cancel = true;
    closeReadEnd(); // the worker's next write fails at once (EPIPE)
    maybeFinish();
}

void ExportStream::maybeFinish()
{
    if (m_done || !m_workerDone || !(m_eof || m_clientGone))
        return;
    m_done = true;
    if (!m_clientGone && m_socket) {
        if (m_result.ok) {
            sendHead();
            m_socket->write("0\r\n\r\n");
            if (m_closeAfter)
                m_socket->disconnectFromHost();
        } else if (!m_headSent) {
            if (m_reachable && !m_reachable())
                writeJson(m_socket, 503, errorBody(m_result.error), {{"Retry-After", "5"}}, m_closeAfter);
            else
                writeJson(m_socket, 500, errorBody(m_result.error), {}, m_closeAfter);
        } else {
            m_socket->abort(); // no last chunk: the client sees a cut-off response, not a short file
        }
    }
    Q_EMIT finished();
    deleteLater();
}

} // namespace pairlens::server
