#pragma once

// GET /export: the export engine (exporting::Exporter, the CLI's and the window's) runs on a worker
// thread with its own connection to the dataset and writes into a pipe; this object moves the bytes
// from the pipe into the HTTP response as chunks, reading only while the socket's buffer is below
// 1 MiB. Memory stays constant whatever the size: the exporter blocks on the full pipe while the
// client reads slowly. A client that disconnects cancels the export (the worker's next write fails
// and the exporter stops); a failed export ends the response without its last chunk, so a client
// can never take a cut-off file for a whole one.

#include "export/exporter.h"
#include "server/serverstore.h"

#include <QByteArray>
#include <QObject>
#include <QPointer>
#include <QString>

#include <atomic>
#include <functional>

class QSocketNotifier;
class QTcpSocket;
class QThread;

namespace pairlens::server {

class ExportStream : public QObject
{
    Q_OBJECT
public:
    ExportStream(ServerStore::ExportJob job, exporting::ExportOptions options, QTcpSocket *socket,
                 QByteArray contentType, QString fileName, bool closeAfter, QObject *parent = nullptr);
    ~ExportStream() override;

    // Starts the worker; false with *error when the pipe can't be made.
    bool start(QString *error);
    // Asked when the export failed before its first byte: false (the dataset's server cannot be
    // reached) answers 503 with Retry-After instead of 500.
    void setReachable(std::function<bool()> reachable) { m_reachable = std::move(reachable); }

    const exporting::ExportResult &result() const { return m_result; }
    bool clientGone() const { return m_clientGone; }
    qint64 bytesSent() const { return m_bytesSent; }

Q_SIGNALS:
    // The export ended (written, failed or cancelled); the object deletes itself afterwards.
    void finished();

private:
    void pump();
    void sendHead();
    void sendChunk(const char *data, qsizetype size);
    void onClientGone();
    void maybeFinish();
    void closeReadEnd();

    ServerStore::ExportJob m_job;
    std::function<bool()> m_reachable;
    exporting::ExportOptions m_options;
    QPointer<QTcpSocket> m_socket;
    QByteArray m_contentType;
    QString m_fileName;
    bool m_closeAfter;
    int m_readFd = -1;
    int m_writeFd = -1;
    QSocketNotifier *m_notifier = nullptr;
    QThread *m_thread = nullptr;
    std::atomic_bool m_cancel = false;
    exporting::ExportResult m_result;
    bool m_headSent = false;
    bool m_eof = false;
    bool m_workerDone = false;
    bool m_clientGone = false;
    bool m_done = false;
    qint64 m_bytesSent = 0;
};

} // namespace pairlens::server
