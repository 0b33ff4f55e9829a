#include "export/outputfile.h"

#include "dataset/dataset.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStorageInfo>

#include <openssl/evp.h>
#include <zlib.h>

#ifdef Q_OS_LINUX
#include <fcntl.h>
#endif

#include <cerrno>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

using namespace Qt::StringLiterals;

namespace pairlens::exporting {
namespace {

constexpr qsizetype kBufferSize = 1 << 20;
[[maybe_unused]] constexpr qint64 kWritebackBytes = 8 << 20;

QString tr(const char *text)
{
    return QCoreApplication::translate("Export", text);
}

struct DigestDeleter
{
    void operator()(EVP_MD_CTX *ctx) const { EVP_MD_CTX_free(ctx); }
};

} // namespace

struct OutputFile::State
{
    std::unique_ptr<EVP_MD_CTX, DigestDeleter> digest{EVP_MD_CTX_new()};
    z_stream zs{};
    bool zlibActive = false;
    QByteArray compressed;

    ~State()
    {
        if (zlibActive)
            deflateEnd(&zs);
    }
};

// The thread that writes full buffers (see the header). The caller hands a buffer over with
// push() and gets an empty one with its capacity back; at most kPending wait.
struct OutputFile::Writer
{
    static constexpr int kPending = 2;

    std::mutex mutex;
    std::condition_variable changed;
    std::deque<QByteArray> pending;
    std::vector<QByteArray> spare;
    bool stop = false; // no more buffers: end when `pending` is written (or at once, abandoning)
    bool abandon = false;
    bool failed = false;
    QString error;
    std::thread thread;

    // Hands `buffer` over, waiting while kPending wait; gives back an empty buffer. False once the
    // thread failed.
    bool push(QByteArray &buffer)
    {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return failed || int(pending.size()) < kPending; });
        if (failed)
            return false;
        pending.push_back(std::move(buffer));
        if (!spare.empty()) {
            buffer = std::move(spare.back());
            spare.pop_back();
        } else {
            buffer = QByteArray();
            buffer.reserve(kBufferSize + 64 * 1024);
        }
        changed.notify_all();
        return true;
    }

    void run(OutputFile *file)
    {
        std::unique_lock lock(mutex);
        for (;;) {
            changed.wait(lock, [&] { return stop || !pending.empty(); });
            if (pending.empty() || abandon)
                return;
            QByteArray buffer = std::move(pending.front());
            pending.pop_front();
            lock.unlock();
            const bool ok = file->compressAndWrite(buffer, false);
            lock.lock();
            buffer.resize(0);
            spare.push_back(std::move(buffer));
            if (!ok) {
                failed = true;
                error = file->m_writerError;
                changed.notify_all();
                return;
            }
            changed.notify_all();
        }
    }
};

OutputFile::OutputFile(const QString &path, int gzipLevel, int stdoutFd)
    : m_path(path), m_gzipLevel(gzipLevel), m_stdoutFd(stdoutFd), m_file(path),
      m_state(std::make_unique<State>())
{
    m_file.setDirectWriteFallback(false);
    if (path == u"-"_s)
        m_device = &m_stdout;
}

OutputFile::~OutputFile()
{
    discard();
}

bool OutputFile::stopWriter(bool abandon)
{
    if (!m_writer)
        return true;
    {
        const std::lock_guard lock(m_writer->mutex);
        m_writer->stop = true;
        m_writer->abandon = abandon;
    }
    m_writer->changed.notify_all();
    m_writer->thread.join();
    const bool ok = !m_writer->failed;
    if (!ok)
        fail(m_writer->error);
    m_writer.reset();
    return ok;
}

QString OutputFile::displayName() const
{
    return m_device == &m_stdout ? tr("standard output") : QDir::toNativeSeparators(m_path);
}

bool OutputFile::fail(const QString &message)
{
    // On the writing thread the error waits in m_writerError until the caller learns of it.
    QString &error =
        m_writer && std::this_thread::get_id() == m_writer->thread.get_id() ? m_writerError : m_error;
    if (error.isEmpty())
        error = message;
    return false;
}

bool OutputFile::failWrite(const QString &deviceError)
{
    // A full disk says so in one sentence with the free space: QSaveFile's commit reports ENOSPC
    // of its final flush as "Unknown error", so the free space is asked too. Less free space than a
    // buffer is the cause of a failed write of one.
    const QStorageInfo storage(QFileInfo(m_path).absolutePath());
    if (m_device != &m_stdout &&
        (Dataset::isDiskFullError(deviceError) ||
         (storage.isValid() && storage.bytesAvailable() >= 0 && storage.bytesAvailable() < 2 * kBufferSize)))
        return fail(Dataset::diskFullMessage(m_path));
    return fail(tr("Cannot write %1: %2").arg(displayName(), deviceError));
}

bool OutputFile::open()
{
    const QFileInfo dir(QFileInfo(m_path).absolutePath());
    if (m_device == &m_file && !dir.isDir())
        return fail(tr("Cannot write %1: the folder %2 does not exist.")
                        .arg(QDir::toNativeSeparators(m_path), QDir::toNativeSeparators(dir.filePath())));
    if (!m_state->digest || EVP_DigestInit_ex(m_state->digest.get(), EVP_sha256(), nullptr) != 1)
        return fail(tr("Cannot compute checksums (OpenSSL SHA-256 is unavailable)."));
    if (m_gzipLevel > 0) {
        // windowBits 15 + 16: a gzip header and trailer around the deflate stream.
        if (deflateInit2(&m_state->zs, m_gzipLevel, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
            return fail(tr("Cannot start gzip compression."));
        m_state->zlibActive = true;
        m_state->compressed.resize(kBufferSize);
    }
    const bool opened = m_device == &m_stdout
                            ? m_stdout.open(m_stdoutFd, QIODevice::WriteOnly | QIODevice::Unbuffered,
                                            QFileDevice::DontCloseHandle)
                            : m_file.open(QIODevice::WriteOnly);
    if (!opened)
        return failWrite(m_device->errorString());
    m_buffer.reserve(kBufferSize + 64 * 1024);
    m_open = true;
    return true;
}

bool OutputFile::writeToDisk(const char *data, qsizetype size)
{
    if (size <= 0)
        return true;
    EVP_DigestUpdate(m_state->digest.get(), data, size_t(size));
    errno = 0;
    if (m_device->write(data, size) != size) {
        // QSaveFile says "Unknown error" for a failed write; the C library's reason (a full disk,
        // an exceeded quota, a file too large) is the sentence's cause.
        const int cause = errno;
        return failWrite(cause != 0 ? qt_error_string(cause) : m_device->errorString());
    }
    m_bytesOnDisk += size;
#ifdef Q_OS_LINUX
    // Starts the kernel writing what is written so far, every kWritebackBytes: the fdatasync of
    // commit() then waits for the last few MiB, not for the whole file (0.8 s for 490 MB).
    if (m_device == &m_file && m_bytesOnDisk - m_writebackFrom >= kWritebackBytes && m_file.flush()) {
        ::sync_file_range(m_file.handle(), m_writebackFrom, m_bytesOnDisk - m_writebackFrom,
                          SYNC_FILE_RANGE_WRITE);
        m_writebackFrom = m_bytesOnDisk;
    }
#endif
    return true;
}

bool OutputFile::flushBuffer(bool final)
{
    if (!final) {
        if (!m_writer) {
            m_writer = std::make_unique<Writer>();
            m_writer->thread = std::thread([this] { m_writer->run(this); });
        }
        if (m_writer->push(m_buffer))
            return true;
        return stopWriter(true);
    }
    if (!stopWriter(false))
        return false;
    const bool ok = compressAndWrite(m_buffer, true);
    m_buffer.resize(0); // keeps the capacity (clear() would free it and regrow it every flush)
    return ok;
}

bool OutputFile::compressAndWrite(QByteArray &buffer, bool final)
{
    if (!m_state->zlibActive)
        return writeToDisk(buffer.constData(), buffer.size());
    z_stream &zs = m_state->zs;
    zs.next_in = reinterpret_cast<Bytef *>(buffer.data());
    zs.avail_in = uInt(buffer.size());
    int rc = Z_OK;
    do {
        zs.next_out = reinterpret_cast<Bytef *>(m_state->compressed.data());
        zs.avail_out = uInt(m_state->compressed.size());
        rc = deflate(&zs, final ? Z_FINISH : Z_NO_FLUSH);
        if (rc == Z_STREAM_ERROR)
            return fail(tr("gzip compression failed."));
        const qsizetype produced = m_state->compressed.size() - qsizetype(zs.avail_out);
        if (!writeToDisk(m_state->compressed.constData(), produced))
            return false;
    } while (zs.avail_out == 0 || (final && rc != Z_STREAM_END));
    return true;
}

bool OutputFile::write(const char *data, qsizetype size)
{
    if (!m_open || m_finished || !m_error.isEmpty())
        return fail(tr("Cannot write %1: the file is not open.").arg(QDir::toNativeSeparators(m_path)));
    m_buffer.append(data, size);
    if (m_buffer.size() >= kBufferSize)
        return flushBuffer(false);
    return true;
}

bool OutputFile::finish()
{
    if (!m_open || !m_error.isEmpty())
        return false;
    if (m_finished)
        return true;
    if (!flushBuffer(true))
        return false;
    if (!m_device->flush())
        return failWrite(m_device->errorString());
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(m_state->digest.get(), md, &len);
    m_sha256Hex = QByteArray(reinterpret_cast<const char *>(md), int(len)).toHex();
    m_finished = true;
    return true;
}

bool OutputFile::commit()
{
    if (!finish())
        return false;
    if (m_device == &m_stdout) {
        m_stdout.close();
        m_open = false;
        return true;
    }
    if (!m_file.commit())
        return failWrite(m_file.errorString());
    m_open = false;
    return true;
}

void OutputFile::discard()
{
    stopWriter(true);
    if (m_open && m_device == &m_stdout) {
        m_stdout.close();
        m_open = false;
    } else if (m_open) {
        m_file.cancelWriting();
        m_file.commit(); // with writing cancelled this only removes the temporary file
        m_open = false;
    }
}

QByteArray sha256OfFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    std::unique_ptr<EVP_MD_CTX, DigestDeleter> ctx(EVP_MD_CTX_new());
    EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
    QByteArray buf(1 << 16, Qt::Uninitialized);
    qint64 n;
    while ((n = f.read(buf.data(), buf.size())) > 0)
        EVP_DigestUpdate(ctx.get(), buf.constData(), size_t(n));
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx.get(), md, &len);
    return QByteArray(reinterpret_cast<const char *>(md), int(len)).toHex();
}

} // namespace pairlens::exporting
