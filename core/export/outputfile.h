#pragma once

// One file of an export, written atomically: the bytes go to a temporary file beside the target
// (QSaveFile) that replaces the target only on commit(), so a failure, a cancel or a kill never
// leaves a partial file at the target and never touches an existing one. Optionally gzip-compressed
// on the fly; the SHA-256 of the bytes on disk is computed while writing. The path "-" writes to
// standard output instead, as the bytes come: nothing is atomic there, and discard() cannot take
// back what was written.
//
// Full buffers (1 MiB) are compressed, hashed and written by a thread of the file's own, started
// at the first full buffer, while the caller goes on producing the next one (at most two wait, so
// memory stays bounded): in an export of 1M pairs from PostgreSQL the hash and the write were
// two fifths of the reading thread, which bounds the export.

#include <QByteArray>
#include <QFile>
#include <QSaveFile>
#include <QString>

#include <memory>

namespace pairlens::exporting {

class OutputFile
{
public:
    // gzipLevel 0 = no compression. The path "-" writes to the file descriptor `stdoutFd` (standard
    // output unless a caller streams elsewhere: `pairlens serve` writes into a pipe).
    explicit OutputFile(const QString &path, int gzipLevel = 0, int stdoutFd = 1);
    ~OutputFile(); // discards the temporary file unless committed
    OutputFile(const OutputFile &) = delete;
    OutputFile &operator=(const OutputFile &) = delete;

    bool open();
    // Buffered; returns false once writing failed (see errorString()).
    bool write(const char *data, qsizetype size);
    bool write(const QByteArray &bytes) { return write(bytes.constData(), bytes.size()); }
    // Flushes the compressor and the buffer; after this sha256Hex() and bytesWritten() are final.
    bool finish();
    // Replaces the target with the finished file.
    bool commit();
    void discard();

    QString path() const { return m_path; }
    qint64 bytesWritten() const { return m_bytesOnDisk; }
    QByteArray sha256Hex() const { return m_sha256Hex; }
    QString errorString() const { return m_error; }

private:
    bool fail(const QString &message);
    bool failWrite(const QString &deviceError);
    QString displayName() const;
    bool flushBuffer(bool final);
    // Compresses (when gzip) and writes `buffer`; `final` ends the gzip stream. On the writing
    // thread while it runs, else on the caller's.
    bool compressAndWrite(QByteArray &buffer, bool final);
    bool writeToDisk(const char *data, qsizetype size);
    // Waits for the writing thread to write what it holds and stops it; false (with its error in
    // m_error) when it failed. `abandon`: what it holds is not written.
    bool stopWriter(bool abandon);

    struct State;
    struct Writer;
    std::unique_ptr<Writer> m_writer;
    QString m_path;
    int m_gzipLevel;
    int m_stdoutFd;
    QSaveFile m_file;
    QFile m_stdout; // used instead of m_file for the path "-"
    QFileDevice *m_device = &m_file;
    std::unique_ptr<State> m_state;
    QByteArray m_buffer;
    qint64 m_bytesOnDisk = 0;
    qint64 m_writebackFrom = 0; // written before this offset: handed to the kernel's writeback
    QByteArray m_sha256Hex;
    QString m_error;
    QString m_writerError; // set by the writing thread, read after it stopped
    bool m_open = false;
    bool m_finished = false;
};

// The SHA-256 of a file on disk as lower-case hex (empty when it can't be read).
QByteArray sha256OfFile(const QString &path);

} // namespace pairlens::exporting
