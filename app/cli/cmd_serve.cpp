// `pairlens serve`: the Training Data Export API over a dataset file or a PostgreSQL schema
// (core/server, docs/api.md), and `pairlens keys`: the API keys it accepts (stored as hashes in the
// dataset's settings).
#include "cli/cliutil.h"
#include "cli/command.h"
#include "server/apikeys.h"
#include "server/apiserver.h"
#include "server/serverstore.h"
#include "storage/pgstorage.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonObject>
#include <QSocketNotifier>

#include <csignal>
#include <fcntl.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace pairlens::cli {
namespace {
QString tr(const char *s)
{
    return QCoreApplication::translate("cli", s);
}

int g_signalPipe[2] = {-1, -1};

void onStopSignal(int)
{
    const char c = 1;
    [[maybe_unused]] const ssize_t n = ::write(g_signalPipe[1], &c, 1);
}

// "127.0.0.1:8080", "[::1]:8080", "0.0.0.0:80", ":8080" or "8080".
bool parseListen(const QString &text, QHostAddress *address, quint16 *port)
{
    QString host = u"127.0.0.1"_s, portText = text;
    const qsizetype colon = text.lastIndexOf(u':');
    if (colon >= 0) {
        host = text.left(colon);
        portText = text.mid(colon + 1);
        if (host.startsWith(u'[') && host.endsWith(u']'))
            host = host.mid(1, host.size() - 2);
        if (host.isEmpty())
            host = u"127.0.0.1"_s;
    }
    bool ok = false;
    const uint p = portText.toUInt(&ok);
    if (!ok || p > 65535)
        return false;
    if (host == u"localhost"_s)
        host = u"127.0.0.1"_s;
    if (!address->setAddress(host))
        return false;
    *port = quint16(p);
    return true;
}

// The store `serve` and `keys` work on: a dataset file (kept open in *file) or a PostgreSQL schema.
// nullptr once the reason is printed.
std::unique_ptr<server::ServerStore> openServerStore(const QString &location, std::unique_ptr<Dataset> *file)
{
    if (!isPostgresLocation(location)) {
        *file = openDataset(location, Dataset::Mode::OpenExisting);
        return *file ? server::fileServerStore(**file) : nullptr;
    }
    std::unique_ptr<Storage> storage = openStorage(location);
    if (!storage)
        return nullptr;
    return server::storageServerStore(std::move(storage),
                                      [location](QString *error) -> std::unique_ptr<Storage> {
                                          return PgStorage::open(location, error, false);
                                      });
}
} // namespace

int runServe(const QStringList &args)
{
    QCommandLineParser parser;
    setupParser(parser, u"serve"_s,
                tr("Serves the Training Data Export API over the dataset (see docs/api.md). Every route but "
                   "/health needs a key from 'pairlens keys'."));
    parser.addPositionalArgument(u"DATASET"_s, tr("Dataset file or postgresql:// URL."));
    parser.addOptions({
        {u"listen"_s, tr("Address and port to listen on (default 127.0.0.1:8765; port 0 picks a free one)."),
         u"ADDR:PORT"_s},
        {u"cert"_s, tr("PEM certificate (chain) for HTTPS; needs --key."), u"FILE"_s},
        {u"key"_s, tr("PEM private key of the certificate."), u"FILE"_s},
        {u"max-body"_s,
         tr("Largest request body accepted, in bytes (default 33554432); larger ones get 413."), u"BYTES"_s},
        {u"rate-limit"_s, tr("Requests per second allowed per key (default 1000; 0 = no limit)."), u"N"_s},
        {u"burst"_s, tr("Requests a key may make at once above the rate (default twice the rate)."), u"N"_s},
    });
    if (!parseOrExplain(parser, args, 1))
        return Usage;
    server::ServerOptions options;
    if (parser.isSet(u"listen"_s) &&
        !parseListen(parser.value(u"listen"_s), &options.address, &options.port)) {
        err(tr("pairlens serve: --listen \"%1\" is not ADDRESS:PORT (for example 127.0.0.1:8765).")
                .arg(parser.value(u"listen"_s)));
        return Usage;
    }
    options.certificateFile = parser.value(u"cert"_s);
    options.keyFile = parser.value(u"key"_s);
    if (options.certificateFile.isEmpty() != options.keyFile.isEmpty()) {
        err(tr("pairlens serve: HTTPS needs both --cert and --key."));
        return Usage;
    }
    bool ok = true;
    if (parser.isSet(u"max-body"_s)) {
        options.maxBodyBytes = parser.value(u"max-body"_s).toLongLong(&ok);
        if (!ok || options.maxBodyBytes < 1024) {
            err(tr("pairlens serve: --max-body must be a number of bytes, at least 1024."));
            return Usage;
        }
    }
    if (parser.isSet(u"rate-limit"_s)) {
        options.rateLimit = parser.value(u"rate-limit"_s).toDouble(&ok);
        if (!ok || options.rateLimit < 0) {
            err(tr("pairlens serve: --rate-limit must be a number of requests per second (0 = no limit)."));
            return Usage;
        }
        options.rateBurst = std::max(1.0, options.rateLimit * 2);
    }
    if (parser.isSet(u"burst"_s)) {
        options.rateBurst = parser.value(u"burst"_s).toDouble(&ok);
        if (!ok || options.rateBurst < 1) {
            err(tr("pairlens serve: --burst must be a number, at least 1."));
            return Usage;
        }
    }

    std::unique_ptr<Dataset> file;
    const std::unique_ptr<server::ServerStore> store =
        openServerStore(parser.positionalArguments().at(1), &file);
    if (!store)
        return Failure;
    QString readOnly;
    if (!store->canWrite(&readOnly))
        err(tr("Warning: %1; the API answers reads only.")
                .arg(readOnly.chopped(readOnly.endsWith(u'.') ? 1 : 0)));
    QString keysError;
    if (const auto keys = store->keys(&keysError); keys && keys->isEmpty())
        err(tr("Warning: %1 has no API keys yet; create one with: pairlens keys %1 create --name NAME "
               "--scope "
               "read,write,export")
                .arg(store->location()));

    // A client that goes away mid-export must not kill the server (writes into its pipe fail instead).
    std::signal(SIGPIPE, SIG_IGN);
    server::ApiServer api(*store, options);
    QString error;
    if (!api.start(&error)) {
        err(u"pairlens serve: "_s + error);
        return Failure;
    }
    // Ctrl-C and SIGTERM end the event loop; the queued writes are committed and answered first.
    if (::pipe2(g_signalPipe, O_CLOEXEC) == 0) {
        auto *notifier = new QSocketNotifier(g_signalPipe[0], QSocketNotifier::Read, &api);
        QObject::connect(notifier, &QSocketNotifier::activated, &api, [] { QCoreApplication::quit(); });
        std::signal(SIGINT, onStopSignal);
        std::signal(SIGTERM, onStopSignal);
    }
    const QString host = options.address.protocol() == QAbstractSocket::IPv6Protocol
                             ? u"[%1]"_s.arg(options.address.toString())
                             : options.address.toString();
    out(tr("pairlens serve: listening on %1://%2:%3/api/training-data (dataset %4)")
            .arg(api.isTls() ? u"https"_s : u"http"_s, host)
            .arg(api.port())
            .arg(store->location()));
    std::fflush(stdout);
    const int code = QCoreApplication::exec();
    api.flush();
    return code == 0 ? Ok : Failure;
}

int runKeys(const QStringList &args)
{
    QCommandLineParser parser;
    setupParser(
        parser, u"keys"_s,
        tr("Creates, lists and revokes the API keys of 'pairlens serve'. The dataset keeps only a hash "
           "of each key: create prints the key once."));
    parser.addPositionalArgument(u"DATASET"_s, tr("Dataset file or postgresql:// URL."));
    parser.addPositionalArgument(u"ACTION"_s, tr("create, list or revoke NAME."));
    parser.addOptions({
        {u"name"_s, tr("The new key's name (create)."), u"NAME"_s},
        {u"scope"_s, tr("The new key's scopes: read, write, export, raw, admin, comma-separated (create)."),
         u"SCOPES"_s},
        {u"json"_s, tr("Print the result as JSON (see docs/cli.md).")},
    });
    if (!parseOrExplain(parser, args, 2))
        return Usage;
    const QStringList positional = parser.positionalArguments();
    const QString action = positional.at(2);
    if (action != u"create"_s && action != u"list"_s && action != u"revoke"_s) {
        err(tr("pairlens keys: unknown action '%1' (use create, list or revoke).").arg(action));
        return Usage;
    }
    quint32 scopes = 0;
    QString error;
    if (action == u"create"_s) {
        if (!parser.isSet(u"name"_s) || !parser.isSet(u"scope"_s)) {
            err(tr("pairlens keys create: give --name NAME and --scope read,write,export,admin."));
            return Usage;
        }
        const std::optional<quint32> parsed = server::parseScopes(parser.value(u"scope"_s), &error);
        if (!parsed) {
            err(tr("pairlens keys create: --scope: %1.").arg(error));
            return Usage;
        }
        scopes = *parsed;
    }
    if (action == u"revoke"_s && positional.size() < 4) {
        err(tr("pairlens keys revoke: give the name of the key to revoke."));
        return Usage;
    }
    // A dataset file or a PostgreSQL schema: the keys live in its settings either way.
    std::unique_ptr<Dataset> ds;
    std::unique_ptr<Storage> storage;
    if (isPostgresLocation(positional.at(1)))
        storage = openStorage(positional.at(1));
    else
        ds = openDataset(positional.at(1), Dataset::Mode::OpenExisting);
    if (!ds && !storage)
        return Failure;
    const QString location = ds ? ds->location() : storage->location();
    const bool json = parser.isSet(u"json"_s);
    if (action == u"list"_s) {
        QString error;
        const std::optional<QList<server::ApiKey>> listed =
            ds ? server::ApiKeys::list(*ds, &error) : server::ApiKeys::list(*storage, &error);
        if (!listed) {
            err(tr("Cannot read the API keys of %1: %2").arg(location, error));
            return Failure;
        }
        const QList<server::ApiKey> &keys = *listed;
        if (json) {
            QJsonArray array;
            for (const server::ApiKey &k : keys)
                array.append(
                    QJsonObject{{u"name"_s, k.name},
                                {u"scopes"_s, QJsonArray::fromStringList(server::scopeNames(k.scopes))},
                                {u"created"_s, k.created}});
            printJson(array);
        } else if (keys.isEmpty()) {
            out(tr("%1 has no API keys.").arg(location));
        } else {
            for (const server::ApiKey &k : keys)
                out(u"%1  %2  %3"_s.arg(k.name.leftJustified(20), server::scopeNames(k.scopes).join(u','),
                                        k.created));
        }
        return Ok;
    }
    if (action == u"revoke"_s) {
        if (!(ds ? server::ApiKeys::revoke(*ds, positional.at(3), &error)
                 : server::ApiKeys::revoke(*storage, positional.at(3), &error))) {
            err(tr("pairlens keys revoke: %1.").arg(error));
            return Failure;
        }
        if (json)
            printJson(QJsonObject{{u"revoked"_s, positional.at(3)}});
        else
            out(tr("Revoked the key '%1'; a running server refuses it within a second.")
                    .arg(positional.at(3)));
        return Ok;
    }
    const std::optional<QString> key =
        ds ? server::ApiKeys::create(*ds, parser.value(u"name"_s), scopes, &error)
           : server::ApiKeys::create(*storage, parser.value(u"name"_s), scopes, &error);
    if (!key) {
        err(tr("pairlens keys create: %1.").arg(error));
        return Failure;
    }
    if (json) {
        printJson(QJsonObject{{u"name"_s, parser.value(u"name"_s).trimmed()},
                              {u"scopes"_s, QJsonArray::fromStringList(server::scopeNames(scopes))},
                              {u"key"_s, *key}});
    } else {
        out(*key);
        err(tr("Created the key '%1' (%2). It is shown only this once: the dataset keeps only its hash.")
                .arg(parser.value(u"name"_s).trimmed(), server::scopeNames(scopes).join(u", "_s)));
    }
    return Ok;
}

} // namespace pairlens::cli
