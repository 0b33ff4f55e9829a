#pragma once

// `pairlens serve`: the Training Data Export API over a dataset (docs/api.md), on Qt HttpServer.
// Over a dataset file or a PostgreSQL schema (serverstore.h). Everything runs on the server's thread
// (one connection: for a file short BEGIN IMMEDIATE transactions through PairStore) except
// statistics and exports, which run on a worker with their own connection.
// Routes under /api/training-data: POST/GET /pairs, POST /pairs:batch, GET/PATCH/DELETE
// /pairs/<pair_id>, POST /pairs/<pair_id>/restore, GET /statistics, GET /export; and GET /health,
// GET /api/openapi.json. Every route but those two needs an API key with the right scope.

#include "dataset/pairstore.h"
#include "server/apikeys.h"
#include "server/httpio.h"
#include "server/ratelimiter.h"
#include "server/serverstore.h"

#include <QAbstractHttpServer>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QPointer>
#include <QUrlQuery>

#include <memory>

class QTcpSocket;
class QThread;

namespace pairlens::privacy {
class Anonymizer;
}

namespace pairlens::server {

class WriteQueue;

struct ServerOptions
{
    QHostAddress address = QHostAddress(QHostAddress::LocalHost);
    quint16 port = 8765;     // 0 = any free port (see ApiServer::port())
    QString certificateFile; // PEM; both set = HTTPS
    QString keyFile;
    qint64 maxBodyBytes = 32 << 20;
    double rateLimit = 1000; // requests per second per key; 0 = no limit
    double rateBurst = 2000;
};

// One request as the routes see it.
struct ApiRequest
{
    QByteArray method;    // "GET", "POST", ...
    QStringList segments; // the path after /api/training-data/, split and percent-decoded
    QUrlQuery query;
    QByteArray body;
    QPointer<QTcpSocket> socket;
    bool close = false; // the client asked to close the connection after the answer
    ApiKey key;
};

class ApiServer : public QAbstractHttpServer
{
    Q_OBJECT
public:
    // The store outlives the server.
    ApiServer(ServerStore &store, ServerOptions options, QObject *parent = nullptr);
    ~ApiServer() override;

    // Loads the certificate and key (when given) and listens; false with one sentence in *error.
    bool start(QString *error);
    quint16 port() const;
    bool isTls() const { return m_tls; }
    // Writes the queued single-pair POSTs now (before the process ends).
    void flush();

    static constexpr qsizetype kMaxBatch = 10000;
    static constexpr int kMaxPageSize = 1000;

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    // Routing and access (apiserver.cpp)
    // The key whose hash is the token's; nullopt when there is none, or with *unreadable set when
    // the keys could not be read (the dataset's server unreachable: 503, not 401).
    std::optional<ApiKey> keyFor(const QByteArray &token, QString *unreadable);
    // Reads the settings again: the keys, and the anonymizer when the privacy settings changed.
    // False with *error (and both kept as they were) when they cannot be read.
    bool refreshSettings(QString *error);
    // Why nothing may be written (a read-only file or database role), empty when writes may go in;
    // asked again at most every few seconds. `*unavailable`: the dataset's server cannot be reached.
    QString readOnlyReason(bool *unavailable);
    const privacy::Anonymizer *anonymizerFor(const ApiRequest &r);
    void reply(const ApiRequest &r, int status, const QJsonObject &body, const HeaderList &headers = {});
    void fail(const ApiRequest &r, int status, const QString &message, const HeaderList &headers = {});
    void storeFailed(const ApiRequest &r, const QString &error);
    // A failure of the store: 503 with Retry-After while the dataset's server cannot be reached (the
    // client tries again later), else 500.
    void failed(const ApiRequest &r, const QString &message);
    std::optional<QJsonObject> jsonBody(const ApiRequest &r);
    void auditRequest(const ApiRequest &r, const QString &action, qint64 pairs, QJsonObject detail);

    // Routes (pairroutes.cpp)
    void addPair(const ApiRequest &r);
    void addBatch(const ApiRequest &r);
    void listPairs(const ApiRequest &r);
    void getPair(const ApiRequest &r, const QString &pairId);
    void patchPair(const ApiRequest &r, const QString &pairId);
    void deletePair(const ApiRequest &r, const QString &pairId);
    void restorePair(const ApiRequest &r, const QString &pairId);
    void statistics(const ApiRequest &r);
    void exportPairs(const ApiRequest &r); // exportroute.cpp

    ServerStore &m_store;
    ServerOptions m_options;
    std::unique_ptr<WriteQueue> m_queue;
    RateLimiter m_limiter;
    GuardedTcpServer *m_server = nullptr;
    bool m_tls = false;
    QList<ApiKey> m_keys;
    QElapsedTimer m_keysLoaded;
    QElapsedTimer m_healthChecked; // the last read of /health's own (the keys were older than 1 s)
    QString m_healthError;         // why that read failed
    QString m_readOnlyReason;
    QElapsedTimer m_readOnlyChecked;
    QList<QThread *> m_workers; // statistics being computed (waited for on destruction)
    std::unique_ptr<privacy::Anonymizer> m_anonymizer;
    QString m_anonymizerSettings; // privacySettingsFingerprint() of the settings it was built from
};

} // namespace pairlens::server
