#include "export/outputfile.h"

#include "dataset/dataset.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStorageInfo>

#include <openssl/evp.h>
#include <zlib.h>

using namespace Qt::StringLiterals;

namespace pairlens::exporting {
namespace {

constexpr qsizetype kBufferSize = 1 << 20;

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

QString OutputFile::displayName() const
{
    return m_device == &m_stdout ? tr("standard output") : QDir::toNativeSeparators(m_path);
}

bool OutputFile::fail(const QString &message)
{
    if (m_error.isEmpty())
        m_error = message;
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
    if (m_device->write(data, size) != size)
        return failWrite(m_device->errorString());
    m_bytesOnDisk += size;
    return true;
}

bool OutputFile::flushBuffer(bool final)
{
    if (!m_state->zlibActive) {
        const bool ok = writeToDisk(m_buffer.constData(), m_buffer.size());
        m_buffer.resize(0); // keeps the capacity (clear() would free it and regrow it every flush)
        return ok;
    }
    z_stream &zs = m_state->zs;
    zs.next_in = reinterpret_cast<Bytef *>(m_buffer.data());
    zs.avail_in = uInt(m_buffer.size());
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
    m_buffer.resize(0);
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
