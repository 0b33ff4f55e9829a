#include "server/httpio.h"

#include <QJsonDocument>
#include <QRegularExpression>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace pairlens::server {
namespace {
constexpr qsizetype kMaxHead = 64 * 1024;
} // namespace

QByteArray statusText(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 409:
        return "Conflict";
    case 411:
        return "Length Required";
    case 413:
        return "Payload Too Large";
    case 415:
        return "Unsupported Media Type";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    }
    return "Status";
}

QJsonObject errorBody(const QString &message)
{
    return QJsonObject{{u"error"_s, message}};
}

void writeRaw(QTcpSocket *socket, int status, const QByteArray &contentType, const QByteArray &body,
              const HeaderList &headers, bool close)
{
    if (!socket || socket->state() != QAbstractSocket::ConnectedState)
        return;
    QByteArray head;
    head.reserve(200 + body.size());
    head += "HTTP/1.1 " + QByteArray::number(status) + ' ' + statusText(status) + "\r\n";
    head +=
        "Content-Type: " + contentType + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n";
    for (const auto &h : headers)
        head += h.first + ": " + h.second + "\r\n";
    if (close)
        head += "Connection: close\r\n";
    head += "\r\n";
    head += body;
    socket->write(head);
    if (close)
        socket->disconnectFromHost();
}

void writeJson(QTcpSocket *socket, int status, const QJsonObject &body, const HeaderList &headers, bool close)
{
    writeRaw(socket, status, "application/json", QJsonDocument(body).toJson(QJsonDocument::Compact), headers,
             close);
}

GuardedTcpServer::GuardedTcpServer(qint64 maxBodyBytes, std::optional<QSslConfiguration> tls, QObject *parent)
    : QTcpServer(parent), m_maxBody(maxBodyBytes), m_tls(std::move(tls))
{}

void GuardedTcpServer::incomingConnection(qintptr descriptor)
{
    QTcpSocket *socket = nullptr;
    if (m_tls) {
        auto *ssl = new QSslSocket(this);
        if (!ssl->setSocketDescriptor(descriptor)) {
            delete ssl;
            return;
        }
        ssl->setSslConfiguration(*m_tls);
        // A client that fails the handshake (plain HTTP on the TLS port) is dropped.
        connect(ssl, &QSslSocket::sslErrors, ssl, [ssl](const QList<QSslError> &) { ssl->abort(); });
        ssl->startServerEncryption();
        socket = ssl;
    } else {
        socket = new QTcpSocket(this);
        if (!socket->setSocketDescriptor(descriptor)) {
            delete socket;
            return;
        }
    }
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    new RequestGuard(socket, m_maxBody); // a child of the socket: connected first, so it reads first
    addPendingConnection(socket);
}

RequestGuard::RequestGuard(QTcpSocket *socket, qint64 maxBodyBytes)
    : QObject(socket), m_socket(socket), m_maxBody(maxBodyBytes)
{
    connect(socket, &QTcpSocket::readyRead, this, &RequestGuard::onReadyRead);
}

void RequestGuard::onReadyRead()
{
    if (m_refused) {
        m_socket->readAll(); // drain what the client still sends, so it reads the answer
        return;
    }
    // The HTTP server reads everything available after this slot, so each call sees new bytes only.
    const QByteArray data = m_socket->peek(m_socket->bytesAvailable());
    qsizetype pos = 0;
    while (pos < data.size() && !m_refused) {
        if (m_bodyLeft > 0) {
            const qsizetype n = qsizetype(std::min<qint64>(m_bodyLeft, data.size() - pos));
            m_bodyLeft -= n;
            pos += n;
            continue;
        }
        const qsizetype before = m_head.size();
        m_head += data.mid(pos, kMaxHead + 4);
        const qsizetype end = m_head.indexOf("\r\n\r\n");
        if (end < 0) {
            if (m_head.size() > kMaxHead)
                refuse(431, u"The request head is larger than 64 KiB."_s);
            return;
        }
        pos += end + 4 - before;
        const QByteArray head = m_head.left(end);
        m_head.clear();
        if (!inspectHead(head))
            return;
    }
}

bool RequestGuard::inspectHead(const QByteArray &head)
{
    // "METHOD TARGET HTTP/1.x": anything else would make Qt HttpServer 6.4 drop the connection's
    // signals and leave the client waiting; it gets a clear 400 instead.
    static const QRegularExpression requestLine(u"^[A-Z]{1,20} [^ ]+ HTTP/1\\.[01]\r?$"_s);
    const QByteArray first = head.left(head.indexOf('\n') < 0 ? head.size() : head.indexOf('\n'));
    if (!requestLine.match(QString::fromLatin1(first)).hasMatch()) {
        refuse(400, u"This is not an HTTP/1.1 request."_s);
        return false;
    }
    qint64 length = 0;
    bool chunked = false, expectContinue = false;
    for (const QByteArray &line : head.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon < 0)
            continue;
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed().toLower();
        if (name == "content-length") {
            bool ok = false;
            length = value.toLongLong(&ok);
            if (!ok || length < 0) {
                refuse(400, u"The Content-Length header is not a number."_s);
                return false;
            }
        } else if (name == "transfer-encoding" && value.contains("chunked")) {
            chunked = true;
        } else if (name == "expect" && value == "100-continue") {
            expectContinue = true;
        }
    }
    if (chunked) {
        refuse(411,
               u"Send the request body with a Content-Length: chunked request bodies are not accepted."_s);
        return false;
    }
    if (length > m_maxBody) {
        refuse(413, u"The request body is %1 bytes; this server accepts at most %2 bytes (pairlens serve "
                    "--max-body)."_s.arg(length)
                        .arg(m_maxBody));
        return false;
    }
    if (expectContinue && length > 0)
        m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    m_bodyLeft = length;
    return true;
}

void RequestGuard::refuse(int status, const QString &message)
{
    m_refused = true;
    // Nothing more reaches the HTTP server on this connection (it must not buffer the body).
    disconnect(m_socket, &QTcpSocket::readyRead, nullptr, nullptr);
    connect(m_socket, &QTcpSocket::readyRead, this, &RequestGuard::onReadyRead);
    if (m_socket->isTransactionStarted())
        m_socket->commitTransaction();
    m_socket->readAll();
    writeJson(m_socket, status, errorBody(message), {{"Connection", "close"}});
    // The client closes once it read the answer (after sending its body, which is drained unread);
    // one that does not is dropped after 10 s.
    QTimer::singleShot(10000, m_socket, [s = m_socket] { s->abort(); });
}

} // namespace pairlens::server
