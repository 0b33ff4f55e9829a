// `pairlens serve` on loopback: bench_server PAIRLENS [--posts N] [--export-pairs N] [--workdir DIR]
//                                            [--pg URL]
// In one run, against the real `pairlens serve` process (rate limit off):
//   1. single-pair POSTs from 16 keep-alive clients at once (target >= 5,000/s);
//   2. POST /pairs:batch of 10,000 pairs from 2 clients (target >= 100,000 pairs/s), and as the
//      reference `pairlens import` of the same pairs as JSONL into an empty dataset;
//   3. GET /export of an N-pair dataset (default 1M, cached in the work folder) read by curl, against
//      `pairlens export -o FILE` of the same dataset (target <= 1.5x), with the server's peak resident
//      size (VmHWM; target <= 150 MB) and the two files compared byte for byte;
//   4. kill -9 of the server while 16 clients post: every pair that got a 201 must be in the file.
// With --pg URL, 1 and 2 serve fresh schemas of that PostgreSQL database instead of files, against
// the store alone (PgStorage::addBatch in groups of 16) and `pairlens import` into a schema; 3 and 4
// are left to the file run.
// Figures go to docs/performance.md ("HTTP server").
#include "dataset/dataset.h"
#include "dataset/pairstore.h"
#include "dataset/writetx.h"
#include "storage/pgstorage.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTimer>

#include <cstdio>
#include <functional>
#include <memory>
#include <optional>

using namespace Qt::StringLiterals;
using namespace pairlens;

namespace {

QString g_pairlens;
QString g_pgUrl;       // --pg: serve PostgreSQL schemas of this database
QStringList g_schemas; // the schemas freshDataset() made, dropped at the end (each holds ~150 MB)
QString g_work;

void say(const QString &text)
{
    std::printf("%s\n", text.toUtf8().constData());
    std::fflush(stdout);
}

QByteArray runOrDie(const QStringList &args, double *seconds = nullptr)
{
    QProcess p;
    QElapsedTimer t;
    t.start();
    p.start(g_pairlens, args);
    p.waitForFinished(-1);
    if (seconds)
        *seconds = double(t.nsecsElapsed()) / 1e9;
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        say(u"bench_server: pairlens %1 failed: %2"_s.arg(args.join(u' '),
                                                          QString::fromUtf8(p.readAllStandardError())));
        std::exit(1);
    }
    return p.readAllStandardOutput();
}

// A new dataset of 100 demo pairs: a file in the work folder, or with --pg a new schema (copied from
// such a file).
QString freshDataset(const QString &name)
{
    const QString file = g_work + u'/' + name + u".pairlens"_s;
    Dataset::removeFiles(file, nullptr);
    runOrDie({u"demo"_s, file, u"--pairs"_s, u"100"_s});
    if (g_pgUrl.isEmpty())
        return file;
    const QString schema = u"bench_%1_%2"_s.arg(name.toLower().replace(u'-', u'_'))
                               .arg(QRandomGenerator::global()->generate(), 8, 16, QChar(u'0'));
    const QString location = g_pgUrl + (g_pgUrl.contains(u'?') ? u"&schema="_s : u"?schema="_s) + schema;
    runOrDie({u"copy"_s, file, location});
    g_schemas << schema;
    return location;
}

struct Server
{
    std::unique_ptr<QProcess> process;
    quint16 port = 0;

    void start(const QString &dataset)
    {
        process = std::make_unique<QProcess>();
        process->setProcessChannelMode(QProcess::SeparateChannels);
        process->start(g_pairlens, {u"serve"_s, dataset, u"--listen"_s, u"127.0.0.1:0"_s, u"--rate-limit"_s,
                                    u"0"_s, u"--max-body"_s, QString::number(64 << 20)});
        process->waitForReadyRead(30000);
        const QString line = QString::fromUtf8(process->readLine());
        const auto m = QRegularExpression(u":(\\d+)/api"_s).match(line);
        if (!m.hasMatch()) {
            say(u"bench_server: the server printed no address: "_s + line +
                QString::fromUtf8(process->readAllStandardError()));
            std::exit(1);
        }
        port = quint16(m.captured(1).toUInt());
    }
    // Peak resident size so far (kB).
    long peakKb() const
    {
        QFile f(u"/proc/%1/status"_s.arg(process->processId()));
        if (!f.open(QIODevice::ReadOnly))
            return -1;
        for (const QByteArray &line : f.readAll().split('\n')) {
            if (line.startsWith("VmHWM:"))
                return line.mid(6).trimmed().split(' ').value(0).toLong();
        }
        return -1;
    }
    void stop()
    {
        process->terminate();
        process->waitForFinished(30000);
    }
};

// One keep-alive HTTP/1.1 connection that sends the requests `next` gives it, one after the other.
class Client : public QObject
{
public:
    using Next = std::function<QByteArray()>;                           // empty = done
    using Answer = std::function<void(int status, const QByteArray &)>; // the response to the last request

    Client(quint16 port, Next next, Answer answer) : m_next(std::move(next)), m_answer(std::move(answer))
    {
        connect(&m_socket, &QTcpSocket::connected, this, &Client::sendNext);
        connect(&m_socket, &QTcpSocket::readyRead, this, &Client::onReadyRead);
        connect(&m_socket, &QTcpSocket::disconnected, this, [this] { m_done = true; });
        connect(&m_socket, &QTcpSocket::errorOccurred, this, [this] { m_done = true; });
        m_socket.setSocketOption(QAbstractSocket::LowDelayOption, 1);
        m_socket.connectToHost(u"127.0.0.1"_s, port);
    }
    bool done() const { return m_done; }

private:
    void sendNext()
    {
        const QByteArray request = m_next();
        if (request.isEmpty()) {
            m_done = true;
            m_socket.disconnectFromHost();
            return;
        }
        m_socket.write(request);
    }
    void onReadyRead()
    {
        m_buffer += m_socket.readAll();
        for (;;) {
            const qsizetype end = m_buffer.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            const QByteArray head = m_buffer.left(end);
            const qsizetype lengthAt = head.toLower().indexOf("content-length:");
            const qint64 length = lengthAt < 0
                                      ? 0
                                      : head.mid(lengthAt + 15, head.indexOf('\r', lengthAt) - lengthAt - 15)
                                            .trimmed()
                                            .toLongLong();
            if (m_buffer.size() < end + 4 + length)
                return;
            const int status = head.mid(9, 3).toInt();
            const QByteArray body = m_buffer.mid(end + 4, length);
            m_buffer.remove(0, end + 4 + length);
            m_answer(status, body);
            sendNext();
        }
    }

    QTcpSocket m_socket;
    QByteArray m_buffer;
    Next m_next;
    Answer m_answer;
    bool m_done = false;
};

QByteArray post(const QByteArray &path, const QByteArray &key, const QByteArray &body)
{
    return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key +
           "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) +
           "\r\n\r\n" + body;
}

QJsonObject pairJson(const QString &id, int i)
{
    static const char *tables[] = {"orders", "customers", "invoices", "products", "shipments"};
    return {{u"pair_id"_s, id},
            {u"natural_language_query"_s,
             u"How many %1 were created on day %2 for customer %3?"_s.arg(QLatin1String(tables[i % 5]))
                 .arg(i % 365)
                 .arg(i)},
            {u"sql_query"_s, u"SELECT count(*) FROM %1 WHERE day = %2 AND customer_id = %3"_s
                                 .arg(QLatin1String(tables[i % 5]))
                                 .arg(i % 365)
                                 .arg(i)},
            {u"database_type"_s, u"postgresql"_s},
            {u"database_name"_s, u"shop"_s},
            {u"success"_s, i % 7 != 0},
            {u"execution_time_ms"_s, double(i % 100) / 3.0},
            {u"metadata"_s, QJsonObject{{u"agent"_s, u"bench"_s}}}};
}

// Runs clients until all are done; returns the seconds taken.
double runClients(const std::vector<std::unique_ptr<Client>> &clients)
{
    QElapsedTimer t;
    t.start();
    // An event loop that sleeps between events (processEvents with a time limit would spin and take
    // the CPU the server needs on this 2-core machine).
    QEventLoop loop;
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (std::none_of(clients.begin(), clients.end(), [](const auto &c) { return !c->done(); }))
            loop.quit();
    });
    poll.start(10);
    loop.exec();
    return double(t.nsecsElapsed()) / 1e9;
}

QByteArray sha256Of(const QString &path)
{
    QFile f(path);
    QCryptographicHash h(QCryptographicHash::Sha256);
    if (f.open(QIODevice::ReadOnly))
        h.addData(&f);
    return h.result().toHex();
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments().mid(1);
    if (args.isEmpty()) {
        say(u"usage: bench_server PAIRLENS [--posts N] [--export-pairs N] [--workdir DIR]"_s);
        return 2;
    }
    g_pairlens = args.takeFirst();
    int posts = 50000;
    int exportPairs = 1000000;
    QString work = u"/tmp/pairlens-bench-server"_s;
    for (int i = 0; i + 1 < args.size(); i += 2) {
        if (args[i] == u"--posts"_s)
            posts = args[i + 1].toInt();
        else if (args[i] == u"--export-pairs"_s)
            exportPairs = args[i + 1].toInt();
        else if (args[i] == u"--workdir"_s)
            work = args[i + 1];
        else if (args[i] == u"--pg"_s)
            g_pgUrl = args[i + 1];
    }
    QDir().mkpath(work);
    g_work = work;
    const QString small = freshDataset(u"posts"_s);
    const QByteArray key =
        QJsonDocument::fromJson(runOrDie({u"keys"_s, small, u"create"_s, u"--name"_s, u"bench"_s,
                                          u"--scope"_s, u"admin"_s, u"--json"_s}))
            .object()
            .value(u"key"_s)
            .toString()
            .toLatin1();

    // --- 1. single POSTs, 16 clients
    {
        Server server;
        server.start(small);
        int sent = 0, created = 0, other = 0;
        std::vector<std::unique_ptr<Client>> clients;
        for (int c = 0; c < 16; ++c)
            clients.push_back(std::make_unique<Client>(
                server.port,
                [&]() -> QByteArray {
                    if (sent >= posts)
                        return {};
                    const int i = sent++;
                    return post(
                        "/api/training-data/pairs", key,
                        QJsonDocument(pairJson(u"single-%1"_s.arg(i), i)).toJson(QJsonDocument::Compact));
                },
                [&](int status, const QByteArray &) { (status == 201 ? created : other) += 1; }));
        const double s = runClients(clients);
        const long peak = server.peakKb();
        server.stop();
        // Reference, same run: the store alone (no HTTP) adding the same number of pairs in
        // transactions of 16 (what the server's write queue does with 16 clients), one process.
        const QString direct = freshDataset(u"posts-direct"_s);
        QString error;
        std::unique_ptr<Dataset> ds;
        std::unique_ptr<PairStore> store;
        std::unique_ptr<PgStorage> pg;
        std::optional<Deriver> deriver;                // the schema's settings, as the server's
        std::unique_ptr<ChunkCheckpoints> checkpoints; // as the server's writer checkpoints its stream
        if (g_pgUrl.isEmpty()) {
            ds = Dataset::open(direct, Dataset::Mode::OpenExisting, &error);
            store = std::make_unique<PairStore>(*ds);
            checkpoints = std::make_unique<ChunkCheckpoints>(ds->db());
        } else {
            pg = PgStorage::open(direct, &error);
            if (pg)
                deriver = storageDeriver(*pg);
        }
        QElapsedTimer t;
        t.start();
        for (int i = 0; i < posts; i += 16) {
            QList<Pair> group;
            for (int j = i; j < std::min(posts, i + 16); ++j) {
                const QJsonObject o = pairJson(u"direct-%1"_s.arg(j), j);
                Pair p;
                p.pairId = o.value(u"pair_id"_s).toString();
                p.naturalLanguageQuery = o.value(u"natural_language_query"_s).toString();
                p.sqlQuery = o.value(u"sql_query"_s).toString();
                p.timestamp = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
                p.databaseType = u"postgresql"_s;
                p.databaseName = u"shop"_s;
                p.success = o.value(u"success"_s).toBool();
                p.executionTimeMs = o.value(u"execution_time_ms"_s).toDouble();
                p.metadata = o.value(u"metadata"_s).toObject();
                group << p;
            }
            if (store) {
                store->add(group, PairStore::AddMode::OneTransaction);
                checkpoints->between();
            } else {
                // What the server does for a group: derive, then one addBatch.
                QList<DerivedFields> derived;
                for (const Pair &p : std::as_const(group))
                    derived << deriver->derive(p.naturalLanguageQuery, p.sqlQuery, p.timestamp,
                                               p.databaseType, p.pairId, p.metadata);
                pg->addBatch(group, derived, &error);
            }
        }
        const double directSeconds = double(t.nsecsElapsed()) / 1e9;
        say(u"single POSTs, 16 clients: %1 pairs (201: %2, other: %3) in %4 s = %5 pairs/s (target >= "
            u"5,000); "
            "server peak %6 MB; reference: the store alone adding the same pairs in transactions of 16, no "
            "HTTP: "
            "%7 s = %8 pairs/s; ratio HTTP/store time %9"_s.arg(posts)
                .arg(created)
                .arg(other)
                .arg(s, 0, 'f', 2)
                .arg(double(created) / s, 0, 'f', 0)
                .arg(double(peak) / 1024.0, 0, 'f', 0)
                .arg(directSeconds, 0, 'f', 2)
                .arg(double(posts) / directSeconds, 0, 'f', 0)
                .arg(s / directSeconds, 0, 'f', 2));
    }

    // --- 2. batches of 10,000 from 2 clients, and `pairlens import` of the same pairs
    {
        const int batches = 20, perBatch = 10000;
        QList<QByteArray> bodies;
        QFile jsonl(work + u"/batch-pairs.jsonl"_s);
        jsonl.open(QIODevice::WriteOnly | QIODevice::Truncate);
        for (int b = 0; b < batches; ++b) {
            QJsonArray pairs;
            for (int i = 0; i < perBatch; ++i) {
                const QJsonObject p = pairJson(u"batch-%1-%2"_s.arg(b).arg(i), b * perBatch + i);
                pairs.append(p);
                jsonl.write(QJsonDocument(p).toJson(QJsonDocument::Compact) + '\n');
            }
            bodies << QJsonDocument(QJsonObject{{u"pairs"_s, pairs}}).toJson(QJsonDocument::Compact);
        }
        jsonl.close();
        Server server;
        server.start(small);
        int next = 0, ok = 0;
        std::vector<std::unique_ptr<Client>> clients;
        for (int c = 0; c < 2; ++c)
            clients.push_back(std::make_unique<Client>(
                server.port,
                [&]() -> QByteArray {
                    return next < bodies.size() ? post("/api/training-data/pairs:batch", key, bodies[next++])
                                                : QByteArray();
                },
                [&](int status, const QByteArray &body) {
                    if (status == 201 &&
                        QJsonDocument::fromJson(body).object().value(u"added"_s).toInt() == perBatch)
                        ++ok;
                }));
        const double s = runClients(clients);
        server.stop();
        const QString fresh = freshDataset(u"import-reference"_s);
        double importSeconds = 0;
        runOrDie({u"import"_s, fresh, work + u"/batch-pairs.jsonl"_s}, &importSeconds);
        say(u"batches: %1 x %2 pairs (%3 fully added) in %4 s = %5 pairs/s (target >= 100,000); reference "
            "`pairlens import` of the same pairs: %6 s = %7 pairs/s; ratio HTTP/import time %8"_s.arg(batches)
                .arg(perBatch)
                .arg(ok)
                .arg(s, 0, 'f', 2)
                .arg(double(batches * perBatch) / s, 0, 'f', 0)
                .arg(importSeconds, 0, 'f', 2)
                .arg(double(batches * perBatch) / importSeconds, 0, 'f', 0)
                .arg(s / importSeconds, 0, 'f', 2));
    }

    if (!g_pgUrl.isEmpty()) {
        // The export and kill -9 runs are the file run's.
        QProcess psql;
        psql.start(u"/usr/lib/postgresql/15/bin/psql"_s,
                   {g_pgUrl, u"-X"_s, u"-q"_s, u"-c"_s,
                    u"DROP SCHEMA IF EXISTS %1 CASCADE"_s.arg(g_schemas.join(u", "_s))});
        if (!psql.waitForFinished(-1) || psql.exitCode() != 0)
            say(u"bench_server: could not drop the schemas "_s + g_schemas.join(u", "_s));
        return 0;
    }

    // --- 3. export of a large dataset: HTTP (curl) against the CLI, best of two runs each
    {
        const QString big = work + u"/export-%1.pairlens"_s.arg(exportPairs);
        if (!QFile::exists(big)) {
            say(u"creating %1 (once)..."_s.arg(big));
            runOrDie({u"demo"_s, big, u"--pairs"_s, QString::number(exportPairs)});
        }
        const QJsonArray listed =
            QJsonDocument::fromJson(runOrDie({u"keys"_s, big, u"list"_s, u"--json"_s})).array();
        for (const QJsonValue &k : listed) {
            if (k.toObject().value(u"name"_s).toString() == u"bench"_s)
                runOrDie({u"keys"_s, big, u"revoke"_s, u"bench"_s});
        }
        const QByteArray bigKey =
            QJsonDocument::fromJson(runOrDie({u"keys"_s, big, u"create"_s, u"--name"_s, u"bench"_s,
                                              u"--scope"_s, u"export"_s, u"--json"_s}))
                .object()
                .value(u"key"_s)
                .toString()
                .toLatin1();
        const QString cliOut = work + u"/cli-export.jsonl"_s, httpOut = work + u"/http-export.jsonl"_s;
        double cliBest = 1e9, httpBest = 1e9;
        long peakKb = 0;
        QString curlSays;
        for (int run = 0; run < 2; ++run) {
            QFile::remove(cliOut);
            double cli = 0;
            runOrDie({u"export"_s, big, u"-o"_s, cliOut, u"--format"_s, u"jsonl"_s}, &cli);
            cliBest = std::min(cliBest, cli);
            Server server;
            server.start(big);
            QProcess curl;
            QElapsedTimer t;
            t.start();
            curl.start(u"curl"_s,
                       {u"-s"_s, u"-o"_s, httpOut, u"-w"_s, u"%{http_code} %{size_download}"_s, u"-H"_s,
                        u"Authorization: Bearer "_s + QString::fromLatin1(bigKey),
                        u"http://127.0.0.1:%1/api/training-data/export?format=jsonl"_s.arg(server.port)});
            curl.waitForFinished(-1);
            httpBest = std::min(httpBest, double(t.nsecsElapsed()) / 1e9);
            curlSays = QString::fromUtf8(curl.readAllStandardOutput());
            peakKb = std::max(peakKb, server.peakKb());
            server.stop();
        }
        const bool same = sha256Of(cliOut) == sha256Of(httpOut);
        say(u"export of %1 pairs (anonymized JSONL): `pairlens export` %2 s, GET /export through curl %3 s "
            u"(%4); "
            "ratio %5 (target <= 1.5); server peak resident %6 MB (target <= 150); files identical: %7"_s
                .arg(exportPairs)
                .arg(cliBest, 0, 'f', 2)
                .arg(httpBest, 0, 'f', 2)
                .arg(curlSays)
                .arg(httpBest / cliBest, 0, 'f', 2)
                .arg(double(peakKb) / 1024.0, 0, 'f', 0)
                .arg(same ? u"yes"_s : u"NO"_s));
    }

    // --- 4. kill -9 while 16 clients post: nothing acknowledged is lost
    {
        const QString killed = work + u"/kill.pairlens"_s;
        Dataset::removeFiles(killed, nullptr);
        runOrDie({u"demo"_s, killed, u"--pairs"_s, u"100"_s});
        const QByteArray killKey =
            QJsonDocument::fromJson(runOrDie({u"keys"_s, killed, u"create"_s, u"--name"_s, u"bench"_s,
                                              u"--scope"_s, u"write"_s, u"--json"_s}))
                .object()
                .value(u"key"_s)
                .toString()
                .toLatin1();
        Server server;
        server.start(killed);
        int sent = 0;
        QStringList acked;
        std::vector<std::unique_ptr<Client>> clients;
        for (int c = 0; c < 16; ++c) {
            auto last = std::make_shared<QString>();
            clients.push_back(std::make_unique<Client>(
                server.port,
                [&, last]() -> QByteArray {
                    const int i = sent++;
                    *last = u"kill-%1"_s.arg(i);
                    return post("/api/training-data/pairs", killKey,
                                QJsonDocument(pairJson(*last, i)).toJson(QJsonDocument::Compact));
                },
                [&, last](int status, const QByteArray &) {
                    if (status == 201)
                        acked << *last;
                }));
        }
        QTimer::singleShot(2000, [&] { server.process->kill(); });
        runClients(clients);
        server.process->waitForFinished(10000);
        QString error;
        auto ds = Dataset::open(killed, Dataset::Mode::OpenExisting, &error);
        qint64 found = 0;
        if (ds) {
            PairStore store(*ds);
            for (qsizetype i = 0; i < acked.size(); i += 500) {
                Filter f;
                f.pairIds = acked.mid(i, 500);
                found += store.count(f);
            }
        }
        say(u"kill -9 under load (16 clients, after 2 s): %1 pairs got a 201, %2 of them are in the dataset, "
            "%3 lost"_s.arg(acked.size())
                .arg(found)
                .arg(acked.size() - found));
    }
    return 0;
}
