#include "server/apiserver.h"

#include "dataset/deriver.h"
#include "dataset/writetx.h"
#include "privacy/anonymizer.h"
#include "server/openapi.h"
#include "server/writequeue.h"

#include <QFile>
#include <QHttpServerRequest>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QTcpSocket>
#include <QThread>

using namespace Qt::StringLiterals;

namespace pairlens::server {
namespace {
const QString kPrefix = u"/api/training-data"_s;

QByteArray methodName(QHttpServerRequest::Method m)
{
    switch (m) {
    case QHttpServerRequest::Method::Get:
        return "GET";
    case QHttpServerRequest::Method::Post:
        return "POST";
    case QHttpServerRequest::Method::Put:
        return "PUT";
    case QHttpServerRequest::Method::Delete:
        return "DELETE";
    case QHttpServerRequest::Method::Patch:
        return "PATCH";
    case QHttpServerRequest::Method::Head:
        return "HEAD";
    case QHttpServerRequest::Method::Options:
        return "OPTIONS";
    default:
        return "OTHER";
    }
}

// The path's segments after `prefix`, percent-decoded one by one (a pair_id may hold "/" as %2F).
std::optional<QStringList> segmentsAfter(const QString &encodedPath, const QString &prefix)
{
    if (encodedPath != prefix && !encodedPath.startsWith(prefix + u'/'))
        return std::nullopt;
    QStringList out;
    for (const QString &s : encodedPath.mid(prefix.size()).split(u'/', Qt::SkipEmptyParts))
        out << QUrl::fromPercentEncoding(s.toUtf8());
    return out;
}
} // namespace

ApiServer::ApiServer(ServerStore &store, ServerOptions options, QObject *parent)
    : QAbstractHttpServer(parent), m_store(store), m_options(std::move(options)),
      m_queue(std::make_unique<WriteQueue>(m_store)), m_limiter(m_options.rateLimit, m_options.rateBurst)
{}

ApiServer::~ApiServer()
{
    flush();
    for (QThread *worker : std::as_const(m_workers)) {
        worker->wait();
        delete worker;
    }
}

void ApiServer::flush()
{
    if (m_queue) {
        m_queue->flush();
        m_queue->closeAudit();
    }
}

quint16 ApiServer::port() const
{
    return m_server ? m_server->serverPort() : 0;
}

bool ApiServer::start(QString *error)
{
    std::optional<QSslConfiguration> tls;
    if (!m_options.certificateFile.isEmpty() || !m_options.keyFile.isEmpty()) {
        if (m_options.certificateFile.isEmpty() || m_options.keyFile.isEmpty()) {
            *error = u"HTTPS needs both --cert and --key."_s;
            return false;
        }
        QFile certFile(m_options.certificateFile), keyFile(m_options.keyFile);
        if (!certFile.open(QIODevice::ReadOnly)) {
            *error = u"Cannot read the certificate %1: %2."_s.arg(m_options.certificateFile,
                                                                  certFile.errorString());
            return false;
        }
        if (!keyFile.open(QIODevice::ReadOnly)) {
            *error = u"Cannot read the key %1: %2."_s.arg(m_options.keyFile, keyFile.errorString());
            return false;
        }
        const QList<QSslCertificate> chain = QSslCertificate::fromData(certFile.readAll(), QSsl::Pem);
        if (chain.isEmpty()) {
            *error = u"%1 holds no PEM certificate."_s.arg(m_options.certificateFile);
            return false;
        }
        const QByteArray keyPem = keyFile.readAll();
        QSslKey key(keyPem, QSsl::Rsa, QSsl::Pem);
        if (key.isNull())
            key = QSslKey(keyPem, QSsl::Ec, QSsl::Pem);
        if (key.isNull()) {
            *error = u"%1 holds no unencrypted PEM private key (RSA or EC)."_s.arg(m_options.keyFile);
            return false;
        }
        QSslConfiguration c = QSslConfiguration::defaultConfiguration();
        c.setLocalCertificateChain(chain);
        c.setPrivateKey(key);
        c.setPeerVerifyMode(QSslSocket::VerifyNone);
        c.setProtocol(QSsl::TlsV1_2OrLater);
        tls = c;
        m_tls = true;
    }
    QString unreadable;
    if (!refreshSettings(&unreadable)) {
        *error = u"Cannot read the settings of %1: %2"_s.arg(m_store.location(), unreadable);
        return false;
    }
    m_server = new GuardedTcpServer(m_options.maxBodyBytes, tls, this);
    if (!m_server->listen(m_options.address, m_options.port)) {
        *error = u"Cannot listen on %1 port %2: %3."_s.arg(m_options.address.toString())
                     .arg(m_options.port)
                     .arg(m_server->errorString());
        delete m_server;
        m_server = nullptr;
        return false;
    }
    bind(m_server);
    return true;
}

void ApiServer::reply(const ApiRequest &r, int status, const QJsonObject &body, const HeaderList &headers)
{
    writeJson(r.socket, status, body, headers, r.close);
}

void ApiServer::fail(const ApiRequest &r, int status, const QString &message, const HeaderList &headers)
{
    writeJson(r.socket, status, errorBody(message), headers, r.close);
}

void ApiServer::failed(const ApiRequest &r, const QString &message)
{
    if (m_store.reachable())
        fail(r, 500, message);
    else
        fail(r, 503, message, {{"Retry-After", "5"}});
}

void ApiServer::storeFailed(const ApiRequest &r, const QString &error)
{
    if (isBusyError(error))
        fail(r, 503, u"The dataset is busy; try again."_s, {{"Retry-After", "1"}});
    else
        failed(r, m_store.failureMessage(true, error));
}

std::optional<QJsonObject> ApiServer::jsonBody(const ApiRequest &r)
{
    QJsonParseError e;
    const QJsonDocument d = QJsonDocument::fromJson(r.body, &e);
    if (e.error != QJsonParseError::NoError) {
        fail(r, 400, u"The body is not valid JSON: %1 at offset %2."_s.arg(e.errorString()).arg(e.offset));
        return std::nullopt;
    }
    if (!d.isObject()) {
        fail(r, 400, u"The body must be a JSON object."_s);
        return std::nullopt;
    }
    return d.object();
}

void ApiServer::auditRequest(const ApiRequest &r, const QString &action, qint64 pairs, QJsonObject detail)
{
    detail.insert(u"key"_s, r.key.name);
    m_store.audit(action, pairs, detail);
}

bool ApiServer::refreshSettings(QString *error)
{
    QHash<QString, QString> settings;
    if (!m_store.readSettings(&settings, error))
        return false;
    m_keys = ApiKeys::fromJson(settings.value(ApiKeys::kSettingKey));
    m_keysLoaded.start();
    // `pairlens privacy` may change the operators while the server runs: rebuilt when they changed,
    // so the answers follow within a second (the settings are read with the keys). Built only from
    // settings that were read: without the reviewers' patterns and decisions it would let their
    // values out.
    QString fingerprint = privacySettingsFingerprint(settings);
    if (!m_anonymizer || fingerprint != m_anonymizerSettings) {
        privacy::Config config = privacy::Config::fromSettings(settings);
        config.key = m_store.secret();
        m_anonymizer = std::make_unique<privacy::Anonymizer>(config);
        m_anonymizerSettings = std::move(fingerprint);
    }
    return true;
}

std::optional<ApiKey> ApiServer::keyFor(const QByteArray &token, QString *unreadable)
{
    // Keys are read again at most once a second, so `pairlens keys revoke` takes effect within one.
    const QByteArray hash = ApiKeys::hash(token);
    for (int attempt = 0; attempt < 2; ++attempt) {
        if ((!m_keysLoaded.isValid() || m_keysLoaded.elapsed() > 1000) && !refreshSettings(unreadable))
            return std::nullopt;
        for (const ApiKey &k : std::as_const(m_keys)) {
            if (k.sha256 == hash)
                return k;
        }
        if (m_keysLoaded.elapsed() < 200)
            break;
        m_keysLoaded.invalidate(); // a key created a moment ago: read them once more
    }
    return std::nullopt;
}

QString ApiServer::readOnlyReason(bool *unavailable)
{
    if (!m_readOnlyChecked.isValid() || m_readOnlyChecked.elapsed() > 5000) {
        m_readOnlyReason.clear();
        QString why;
        if (!m_store.canWrite(&why)) {
            if (!m_store.reachable()) {
                // Not read-only, unreachable: asked again with the next write.
                *unavailable = true;
                return why;
            }
            m_readOnlyReason = why.isEmpty() ? u"The dataset is read-only."_s : why;
        }
        m_readOnlyChecked.start();
    }
    return m_readOnlyReason;
}

const privacy::Anonymizer *ApiServer::anonymizerFor(const ApiRequest &r)
{
    if (r.key.allows(ScopeRaw))
        return nullptr;
    // Built by start() and rebuilt with the keys (refreshSettings()): never null here.
    return m_anonymizer.get();
}

void ApiServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    Q_UNUSED(request);
    writeJson(socket, 404, errorBody(u"No such route."_s));
}

bool ApiServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    ApiRequest r;
    r.method = methodName(request.method());
    r.query = request.query();
    r.body = request.body();
    r.socket = socket;
    r.close = request.value("connection").toLower() == "close";
    const QString path = request.url().path(QUrl::FullyEncoded);

    if (path == u"/health"_s || path == u"/api/training-data/health"_s) {
        if (r.method != "GET")
            return fail(r, 405, u"Use GET."_s, {{"Allow", "GET"}}), true;
        // Healthy when the dataset answers: its settings read at most once a second (with the keys),
        // so that a flood of health checks costs the dataset nothing more.
        if (!m_healthChecked.isValid() || m_healthChecked.elapsed() > 1000) {
            m_healthChecked.start();
            QString why;
            const bool fresh = m_keysLoaded.isValid() && m_keysLoaded.elapsed() <= 1000;
            m_healthError = fresh || refreshSettings(&why) ? QString() : why;
        }
        if (m_healthError.isEmpty())
            reply(r, 200, {{u"status"_s, u"ok"_s}, {u"version"_s, QStringLiteral(PAIRLENS_VERSION)}});
        else
            reply(r, 503,
                  {{u"status"_s, u"unavailable"_s},
                   {u"version"_s, QStringLiteral(PAIRLENS_VERSION)},
                   {u"error"_s, m_store.failureMessage(false, m_healthError)}},
                  {{"Retry-After", "5"}});
        return true;
    }
    if (path == u"/api/openapi.json"_s) {
        if (r.method != "GET")
            return fail(r, 405, u"Use GET."_s, {{"Allow", "GET"}}), true;
        writeRaw(socket, 200, "application/json", openApiDocument(), {}, r.close);
        return true;
    }
    const std::optional<QStringList> segments = segmentsAfter(path, kPrefix);
    if (!segments) {
        fail(r, 404, u"No such route: %1 (the API is under %2)."_s.arg(path, kPrefix));
        return true;
    }
    r.segments = *segments;

    // Which route, which methods, which scope.
    struct Route
    {
        QByteArray method;
        Scope scope;
        std::function<void()> run;
    };
    QList<Route> routes;
    const QStringList &s = r.segments;
    if (s.size() == 1 && s[0] == u"pairs"_s) {
        routes = {{"POST", ScopeWrite, [&] { addPair(r); }}, {"GET", ScopeRead, [&] { listPairs(r); }}};
    } else if (s.size() == 1 && s[0] == u"pairs:batch"_s) {
        routes = {{"POST", ScopeWrite, [&] { addBatch(r); }}};
    } else if (s.size() == 2 && s[0] == u"pairs"_s) {
        routes = {{"GET", ScopeRead, [&] { getPair(r, s[1]); }},
                  {"PATCH", ScopeWrite, [&] { patchPair(r, s[1]); }},
                  {"DELETE", ScopeWrite, [&] { deletePair(r, s[1]); }}};
    } else if (s.size() == 3 && s[0] == u"pairs"_s && s[2] == u"restore"_s) {
        routes = {{"POST", ScopeWrite, [&] { restorePair(r, s[1]); }}};
    } else if (s.size() == 1 && s[0] == u"statistics"_s) {
        routes = {{"GET", ScopeRead, [&] { statistics(r); }}};
    } else if (s.size() == 1 && s[0] == u"export"_s) {
        routes = {{"GET", ScopeExport, [&] { exportPairs(r); }}};
    } else {
        fail(r, 404, u"No such route: %1."_s.arg(path));
        return true;
    }
    const auto route =
        std::find_if(routes.begin(), routes.end(), [&](const Route &x) { return x.method == r.method; });
    if (route == routes.end()) {
        QByteArrayList allowed;
        for (const Route &x : std::as_const(routes))
            allowed << x.method;
        fail(r, 405,
             u"%1 is not allowed here; use %2."_s.arg(QString::fromLatin1(r.method),
                                                      QString::fromLatin1(allowed.join(", "))),
             {{"Allow", allowed.join(", ")}});
        return true;
    }

    // The key: Authorization: Bearer KEY.
    const QByteArray auth = request.value("authorization").trimmed();
    if (!auth.toLower().startsWith("bearer ")) {
        fail(r, 401,
             u"This route needs an API key: send \"Authorization: Bearer KEY\" (create one with: pairlens "
             "keys DATASET create --name NAME --scope read)."_s,
             {{"WWW-Authenticate", "Bearer realm=\"pairlens\""}});
        return true;
    }
    QString unreadable;
    const std::optional<ApiKey> key = keyFor(auth.mid(7).trimmed(), &unreadable);
    if (!key && !unreadable.isEmpty()) {
        fail(r, 503,
             u"The API keys cannot be checked now: %1"_s.arg(m_store.failureMessage(false, unreadable)),
             {{"Retry-After", "5"}});
        return true;
    }
    if (!key) {
        fail(r, 401, u"The API key is not valid (mistyped or revoked)."_s,
             {{"WWW-Authenticate", "Bearer realm=\"pairlens\", error=\"invalid_token\""}});
        return true;
    }
    r.key = *key;
    if (!r.key.allows(route->scope)) {
        fail(r, 403,
             u"The key '%1' has no '%2' scope (it has: %3)."_s.arg(r.key.name, scopeName(route->scope),
                                                                   scopeNames(r.key.scopes).join(u", "_s)));
        return true;
    }
    if (route->scope == ScopeWrite) {
        bool unavailable = false;
        if (const QString why = readOnlyReason(&unavailable); !why.isEmpty()) {
            if (unavailable)
                fail(r, 503, why, {{"Retry-After", "5"}});
            else
                fail(r, 403, u"This server cannot write: %1"_s.arg(why));
            return true;
        }
    }
    if (const int wait = m_limiter.take(r.key.name)) {
        fail(r, 429,
             u"Too many requests with the key '%1': the limit is %2 per second; retry after %3 s."_s
                 .arg(r.key.name)
                 .arg(m_limiter.rate())
                 .arg(wait),
             {{"Retry-After", QByteArray::number(wait)}});
        return true;
    }
    route->run();
    return true;
}

} // namespace pairlens::server
