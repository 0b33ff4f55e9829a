// Drives the window's own DatasetWorker (the object that does every database write of the window)
// from a headless process, so the torture and kill-point tests exercise exactly the window's write
// paths: review, note, edit, delete, undo of a delete (RestoreBatch), restore and purge.
//
//   pairlens_worker_driver DATASET --steps N --seed S --log FILE [--rows N] [--prefix P]
//                          [--interval-ms MS]
//       N seeded random steps on the pairs with row id 1..--rows whose pair_id starts with --prefix
//       (the torture gives the driver the demo pairs no other process touches).
//   pairlens_worker_driver DATASET --op review|note|edit|delete|restore|purge --log FILE
//                          [--count N] [--status approved|rejected]
//       One write, as the window does it for a selection of the first N pairs in row-id order
//       (review, delete), every trashed pair (restore, purge), or the first live pair (note, edit).
//
// Log: one JSON object per line, flushed before the next write starts. {"event":"start", ...} is
// written before a write is posted to the worker and {"event":"ack", ...} after writeFinished
// reported ok (a failed write logs "fail" with the error). Every line carries the pairs involved
// and the state they must have afterwards ("expect"), so a checker can replay the acknowledged
// writes. Exit status: 0 when every write was acknowledged, 1 when one failed, 2 on a usage error.
#include "datasetworker.h"

#include "dataset/dataset.h"
#include "dataset/filter.h"
#include "dataset/pair.h"
#include "dataset/pairstore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QThread>
#include <QTimer>

#include <cstdio>
#include <functional>
#include <memory>

using namespace Qt::StringLiterals;
using namespace pairlens;
using namespace pairlens::ui;

namespace {

struct Options
{
    QString dataset;
    QString logPath;
    QString op; // empty: random steps
    int steps = 0;
    quint64 seed = 1;
    qint64 rows = 0;
    QString prefix = u"demo-"_s;
    int intervalMs = 0;
    int count = 2000;
    ReviewStatus status = ReviewStatus::Approved;
};

QJsonArray toJson(const QList<qint64> &ids)
{
    QJsonArray a;
    for (qint64 id : ids)
        a.append(id);
    return a;
}

QJsonArray toJson(const QStringList &ids)
{
    return QJsonArray::fromStringList(ids);
}

class Driver : public QObject
{
public:
    explicit Driver(const Options &o) : m_o(o), m_rng(o.seed)
    {
        m_thread.setObjectName(u"pairlens-dataset"_s);
        m_worker = new DatasetWorker;
        m_worker->moveToThread(&m_thread);
        connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
        connect(m_worker, &DatasetWorker::opened, this, &Driver::onOpened);
        connect(m_worker, &DatasetWorker::pageLoaded, this, &Driver::onPage);
        connect(m_worker, &DatasetWorker::pageDropped, this,
                [this](quint64, quint64, qint64) { finish(1, u"a page request was dropped"_s); });
        connect(m_worker, &DatasetWorker::writeFinished, this, &Driver::onWriteFinished);
        connect(m_worker, &DatasetWorker::failed, this, [this](const QString &message) {
            logLine({{u"event"_s, u"worker_failed"_s}, {u"error"_s, message}});
            m_workerFailures++;
        });
        m_thread.start();
    }

    ~Driver() override
    {
        post([](DatasetWorker *w) { w->close(); });
        m_thread.quit();
        m_thread.wait();
    }

    bool start()
    {
        m_log.setFileName(m_o.logPath);
        if (!m_log.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Unbuffered)) {
            std::fprintf(stderr, "pairlens_worker_driver: cannot open the log %s: %s\n",
                         qPrintable(m_o.logPath), qPrintable(m_log.errorString()));
            return false;
        }
        logLine({{u"event"_s, u"begin"_s},
                 {u"seed"_s, QString::number(m_o.seed)},
                 {u"op"_s, m_o.op.isEmpty() ? u"steps"_s : m_o.op},
                 {u"steps"_s, m_o.steps}});
        const QString location = m_o.dataset;
        m_clock.start();
        post([location](DatasetWorker *w) { w->open(location, Dataset::Mode::OpenExisting); });
        return true;
    }

    int exitCode() const { return m_exitCode; }

private:
    struct Batch
    {
        qint64 batch = 0;
        QList<qint64> rowIds;
        QStringList pairIds;
    };
    enum class Step
    {
        Review,
        Note,
        Edit,
        Delete,
        Undo,
        Purge
    };
    // The write in flight and what it means for the pairs it touches.
    struct Pending
    {
        QString kind;
        QList<qint64> rowIds;
        QStringList pairIds;
        QJsonObject expect;
        QJsonObject extra;
        int undoIndex = -1;  // Undo: index into m_deleted
        int purgeIndex = -1; // Purge: index into m_deleted
        qint64 expectedCount = -1;
    };

    void post(std::function<void(DatasetWorker *)> job)
    {
        DatasetWorker *w = m_worker;
        QMetaObject::invokeMethod(
            m_worker, [w, job = std::move(job)] { job(w); }, Qt::QueuedConnection);
    }

    void logLine(QJsonObject o)
    {
        o.insert(u"pid"_s, QCoreApplication::applicationPid());
        o.insert(u"t_ms"_s, m_clock.isValid() ? m_clock.elapsed() : 0);
        const QByteArray line = QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
        // Unbuffered: one write() per line, so a line is in the file before the next write starts
        // and survives a kill -9 of this process.
        if (m_log.write(line) != line.size())
            std::fprintf(stderr, "pairlens_worker_driver: cannot write the log: %s\n",
                         qPrintable(m_log.errorString()));
    }

    void finish(int code, const QString &message = {})
    {
        if (m_finished)
            return;
        m_finished = true;
        m_exitCode = code;
        if (!message.isEmpty())
            std::fprintf(stderr, "pairlens_worker_driver: %s\n", qPrintable(message));
        logLine({{u"event"_s, u"end"_s},
                 {u"exit"_s, code},
                 {u"acks"_s, m_acks},
                 {u"fails"_s, m_fails},
                 {u"message"_s, message}});
        QTimer::singleShot(0, qApp, [code] { QCoreApplication::exit(code); });
    }

    void onOpened(const OpenInfo &info)
    {
        if (!info.error.isEmpty()) {
            finish(1, u"cannot open %1: %2"_s.arg(info.location, info.error));
            return;
        }
        if (info.readOnly) {
            finish(1, u"%1 opened read-only"_s.arg(info.location));
            return;
        }
        logLine({{u"event"_s, u"opened"_s}, {u"open_ms"_s, m_clock.elapsed()}});
        if (m_o.op.isEmpty())
            nextStep();
        else
            runOperation();
    }

    // --- one operation (kill points)

    void runOperation()
    {
        Pending p;
        p.kind = m_o.op;
        WriteRequest r;
        PairStore::Sort byId{PairStore::SortColumn::Id, Qt::AscendingOrder};
        if (m_o.op == u"review"_s || m_o.op == u"delete"_s) {
            r.kind = m_o.op == u"review"_s ? WriteKind::Review : WriteKind::Delete;
            r.selection.sort = byId;
            r.selection.ranges = {{0, m_o.count}};
            r.status = m_o.status;
            if (r.kind == WriteKind::Review)
                p.expect = {{u"review_status"_s, reviewStatusName(m_o.status)}};
            else
                p.expect = {{u"deleted"_s, true}};
            p.extra = {{u"first"_s, m_o.count}};
        } else if (m_o.op == u"restore"_s || m_o.op == u"purge"_s) {
            r.kind = m_o.op == u"restore"_s ? WriteKind::Restore : WriteKind::Purge;
            r.selection.filter.scope = Filter::Scope::Deleted;
            r.selection.wholeFilter = true;
            p.expect = m_o.op == u"restore"_s ? QJsonObject{{u"deleted"_s, false}}
                                              : QJsonObject{{u"present"_s, false}};
            p.extra = {{u"selection"_s, u"trash"_s}};
        } else if (m_o.op == u"note"_s || m_o.op == u"edit"_s) {
            // The first live pair in row-id order: read it the way the table does.
            m_afterPage = [this](const QList<Pair> &rows) {
                if (rows.isEmpty()) {
                    finish(1, u"no live pair to %1"_s.arg(m_o.op));
                    return;
                }
                const Pair &pair = rows.first();
                Pending q;
                q.kind = m_o.op;
                q.rowIds = {pair.rowId};
                q.pairIds = {pair.pairId};
                WriteRequest w;
                w.rowId = pair.rowId;
                if (m_o.op == u"note"_s) {
                    w.kind = WriteKind::Note;
                    w.note = u"kill-point note %1"_s.arg(m_o.seed);
                    q.expect = {{u"reviewer_note"_s, w.note}};
                } else {
                    w.kind = WriteKind::Edit;
                    w.question = u"Which edited rows belong to kill point %1?"_s.arg(m_o.seed);
                    w.sql = u"SELECT id FROM edited_killpoint WHERE id = %1"_s.arg(m_o.seed);
                    q.expect = {{u"natural_language_query"_s, w.question},
                                {u"sql_query"_s, w.sql},
                                {u"query_type"_s, u"SELECT"_s}};
                }
                q.expectedCount = 1;
                send(q, w);
            };
            requestPage(Filter{}, byId, 1);
            return;
        } else {
            finish(2, u"unknown --op %1 (review, note, edit, delete, restore, purge)"_s.arg(m_o.op));
            return;
        }
        send(p, r);
    }

    // --- random steps (torture)

    void nextStep()
    {
        if (m_finished)
            return;
        if (m_step >= m_o.steps) {
            finish(m_fails == 0 ? 0 : 1);
            return;
        }
        ++m_step;
        // Weights: review 30, note 15, edit 15, delete 20, undo 12, purge 8.
        const int roll = int(m_rng.bounded(100));
        Step s = roll < 30   ? Step::Review
                 : roll < 45 ? Step::Note
                 : roll < 60 ? Step::Edit
                 : roll < 80 ? Step::Delete
                 : roll < 92 ? Step::Undo
                             : Step::Purge;
        if ((s == Step::Undo || s == Step::Purge) && m_deleted.isEmpty())
            s = Step::Review;
        if (s == Step::Undo || s == Step::Purge) {
            const int index = int(m_rng.bounded(qsizetype(m_deleted.size())));
            const Batch &b = m_deleted.at(index);
            Pending p;
            p.rowIds = b.rowIds;
            p.pairIds = b.pairIds;
            p.expectedCount = b.rowIds.size();
            WriteRequest r;
            if (s == Step::Undo) {
                p.kind = u"undo"_s;
                p.undoIndex = index;
                p.expect = {{u"deleted"_s, false}};
                p.extra = {{u"batch"_s, b.batch}};
                r.kind = WriteKind::RestoreBatch;
                r.batch = b.batch;
            } else {
                // The trash dialog's "Delete permanently" on the selected trashed rows.
                p.kind = u"purge"_s;
                p.purgeIndex = index;
                p.expect = {{u"present"_s, false}};
                p.extra = {{u"batch"_s, b.batch}};
                r.kind = WriteKind::Purge;
                r.selection.filter.scope = Filter::Scope::Deleted;
                r.selection.rowIds = b.rowIds;
            }
            send(p, r);
            return;
        }
        // The other steps work on live pairs: read a few of the driver's pairs first, by a sample
        // of row ids, as a page of the table.
        Filter f;
        f.restrictToRowIds = true;
        for (int i = 0; i < 40; ++i)
            f.rowIds << 1 + qint64(m_rng.bounded(quint64(std::max<qint64>(1, m_o.rows))));
        m_afterPage = [this, s](const QList<Pair> &loaded) {
            QList<Pair> rows;
            for (const Pair &p : loaded) {
                if (p.pairId.startsWith(m_o.prefix) && !p.deleted)
                    rows << p;
            }
            if (rows.isEmpty()) { // nothing live in this sample: try another one
                if (++m_emptySamples > 1000) {
                    finish(1, u"no live pair with the prefix %1 among row ids 1..%2"_s.arg(m_o.prefix)
                                  .arg(m_o.rows));
                    return;
                }
                --m_step;
                QTimer::singleShot(0, this, &Driver::nextStep);
                return;
            }
            m_emptySamples = 0;
            // Shuffle (seeded) and take the first few.
            for (qsizetype i = rows.size() - 1; i > 0; --i)
                rows.swapItemsAt(i, qsizetype(m_rng.bounded(quint64(i + 1))));
            const int n = s == Step::Note || s == Step::Edit ? 1 : 1 + int(m_rng.bounded(5));
            rows = rows.mid(0, n);
            Pending p;
            for (const Pair &pair : std::as_const(rows)) {
                p.rowIds << pair.rowId;
                p.pairIds << pair.pairId;
            }
            p.expectedCount = rows.size();
            WriteRequest r;
            const QString tag = u"%1-%2"_s.arg(m_o.seed).arg(m_step);
            switch (s) {
            case Step::Review: {
                p.kind = u"review"_s;
                r.kind = WriteKind::Review;
                r.status = m_rng.bounded(2) ? ReviewStatus::Approved : ReviewStatus::Rejected;
                r.selection.rowIds = p.rowIds;
                p.expect = {{u"review_status"_s, reviewStatusName(r.status)}};
                break;
            }
            case Step::Note:
                p.kind = u"note"_s;
                r.kind = WriteKind::Note;
                r.rowId = p.rowIds.first();
                r.note = u"note %1 ✓"_s.arg(tag);
                p.expect = {{u"reviewer_note"_s, r.note}};
                break;
            case Step::Edit:
                p.kind = u"edit"_s;
                r.kind = WriteKind::Edit;
                r.rowId = p.rowIds.first();
                r.question = u"Which rows did edit %1 change?"_s.arg(tag);
                r.sql = u"SELECT id FROM edited_rows WHERE tag = '%1'"_s.arg(tag);
                p.expect = {{u"natural_language_query"_s, r.question},
                            {u"sql_query"_s, r.sql},
                            {u"query_type"_s, u"SELECT"_s}};
                break;
            case Step::Delete:
                p.kind = u"delete"_s;
                r.kind = WriteKind::Delete;
                r.selection.rowIds = p.rowIds;
                p.expect = {{u"deleted"_s, true}};
                break;
            case Step::Undo:
            case Step::Purge:
                break;
            }
            send(p, r);
        };
        requestPage(f, {PairStore::SortColumn::Id, Qt::AscendingOrder}, 100);
    }

    void requestPage(const Filter &filter, const PairStore::Sort &sort, int size)
    {
        PageRequest r;
        r.state = m_loadState;
        r.client = 1;
        r.generation = ++m_generation;
        m_loadState->generation = r.generation;
        r.filter = filter;
        r.sort = sort;
        r.page = 0;
        r.pageSize = size;
        post([r](DatasetWorker *w) { w->fetchPage(r); });
    }

    void onPage(quint64, quint64 generation, qint64, const QList<Pair> &rows)
    {
        if (generation != m_generation || !m_afterPage)
            return;
        auto next = std::move(m_afterPage);
        m_afterPage = nullptr;
        next(rows);
    }

    QJsonObject describe(const QString &event, const Pending &p) const
    {
        QJsonObject o{{u"event"_s, event},
                      {u"kind"_s, p.kind},
                      {u"step"_s, m_step},
                      {u"row_ids"_s, toJson(p.rowIds)},
                      {u"pair_ids"_s, toJson(p.pairIds)},
                      {u"expect"_s, p.expect}};
        for (auto it = p.extra.begin(); it != p.extra.end(); ++it)
            o.insert(it.key(), it.value());
        return o;
    }

    void send(const Pending &p, const WriteRequest &r)
    {
        m_pending = p;
        logLine(describe(u"start"_s, p));
        m_writeClock.start();
        const int id = ++m_requestId;
        post([id, r](DatasetWorker *w) { w->write(id, r); });
    }

    void onWriteFinished(const WriteResult &result)
    {
        if (result.requestId != m_requestId || result.kind == WriteKind::Refresh)
            return;
        Pending p = m_pending;
        const qint64 ms = m_writeClock.elapsed();
        if (!result.ok) {
            ++m_fails;
            QJsonObject o = describe(u"fail"_s, p);
            o.insert(u"error"_s, result.error);
            o.insert(u"ms"_s, ms);
            logLine(o);
            std::fprintf(stderr, "pairlens_worker_driver: %s failed: %s\n", qPrintable(p.kind),
                         qPrintable(result.error));
            if (!m_o.op.isEmpty()) {
                finish(1);
                return;
            }
        } else {
            ++m_acks;
            if (result.kind == WriteKind::Delete || result.kind == WriteKind::Review) {
                // The selection as the worker resolved it (the kill-point operations select ranges).
                if (!result.rowIds.isEmpty())
                    p.rowIds = result.rowIds;
            }
            if (result.kind == WriteKind::Delete) {
                p.extra.insert(u"batch"_s, result.batch);
                m_deleted.append({result.batch, p.rowIds, p.pairIds});
            } else if (p.undoIndex >= 0 || p.purgeIndex >= 0) {
                m_deleted.removeAt(std::max(p.undoIndex, p.purgeIndex));
            }
            QJsonObject o = describe(u"ack"_s, p);
            o.insert(u"count"_s, result.count);
            o.insert(u"ms"_s, ms);
            if (p.expectedCount >= 0 && result.count != p.expectedCount)
                o.insert(u"count_mismatch"_s, p.expectedCount);
            logLine(o);
        }
        if (!m_o.op.isEmpty()) {
            finish(0);
            return;
        }
        if (m_o.intervalMs > 0)
            QTimer::singleShot(int(m_rng.bounded(2 * m_o.intervalMs + 1)), this, &Driver::nextStep);
        else
            QTimer::singleShot(0, this, &Driver::nextStep);
    }

    Options m_o;
    QRandomGenerator m_rng;
    QThread m_thread;
    DatasetWorker *m_worker = nullptr;
    QFile m_log;
    QElapsedTimer m_clock;
    QElapsedTimer m_writeClock;
    std::shared_ptr<LoadState> m_loadState = std::make_shared<LoadState>();
    quint64 m_generation = 0;
    std::function<void(const QList<Pair> &)> m_afterPage;
    Pending m_pending;
    QList<Batch> m_deleted; // this run's own delete batches that are still in the trash
    int m_requestId = 0;
    int m_step = 0;
    int m_acks = 0;
    int m_fails = 0;
    int m_workerFailures = 0;
    int m_emptySamples = 0;
    int m_exitCode = 0;
    bool m_finished = false;
};

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"pairlens_worker_driver"_s);
    qRegisterMetaType<OpenInfo>();
    qRegisterMetaType<FilterChoices>();
    qRegisterMetaType<WriteResult>();
    qRegisterMetaType<QList<Pair>>();

    QCommandLineParser parser;
    parser.setApplicationDescription(u"Drives the window's DatasetWorker: random seeded writes (--steps) "
                                     "or one write (--op), logged as JSON lines."_s);
    parser.addHelpOption();
    parser.addPositionalArgument(u"DATASET"_s, u"Dataset file."_s);
    parser.addOptions({
        {u"steps"_s, u"Random steps to run."_s, u"N"_s},
        {u"seed"_s, u"Seed of the random steps."_s, u"S"_s, u"1"_s},
        {u"log"_s, u"JSON-lines log (appended to)."_s, u"FILE"_s},
        {u"rows"_s, u"Steps work on row ids 1..N (default: 2000)."_s, u"N"_s, u"2000"_s},
        {u"prefix"_s, u"Steps only touch pairs whose pair_id starts with P."_s, u"P"_s, u"demo-"_s},
        {u"interval-ms"_s, u"Mean pause between steps."_s, u"MS"_s, u"0"_s},
        {u"op"_s, u"One operation: review, note, edit, delete, restore, purge."_s, u"OP"_s},
        {u"count"_s, u"--op review/delete: the first N pairs in row-id order."_s, u"N"_s, u"2000"_s},
        {u"status"_s, u"--op review: approved or rejected."_s, u"S"_s, u"approved"_s},
    });
    parser.process(app);
    const QStringList positional = parser.positionalArguments();
    auto usage = [](const char *message) {
        std::fprintf(stderr, "pairlens_worker_driver: %s\n", message);
        return 2;
    };
    if (positional.size() != 1)
        return usage("give exactly one DATASET");
    if (!parser.isSet(u"log"_s))
        return usage("--log FILE is required");
    if (parser.isSet(u"steps"_s) == parser.isSet(u"op"_s))
        return usage("give either --steps N or --op OP");

    Options o;
    o.dataset = positional.first();
    o.logPath = parser.value(u"log"_s);
    o.op = parser.value(u"op"_s);
    bool ok = true;
    o.steps = parser.isSet(u"steps"_s) ? parser.value(u"steps"_s).toInt(&ok) : 0;
    if (!ok || o.steps < 0)
        return usage("--steps needs a number >= 0");
    o.seed = parser.value(u"seed"_s).toULongLong(&ok);
    if (!ok)
        return usage("--seed needs a number");
    o.rows = parser.value(u"rows"_s).toLongLong(&ok);
    if (!ok || o.rows < 1)
        return usage("--rows needs a number >= 1");
    o.prefix = parser.value(u"prefix"_s);
    o.intervalMs = parser.value(u"interval-ms"_s).toInt(&ok);
    if (!ok || o.intervalMs < 0)
        return usage("--interval-ms needs a number >= 0");
    o.count = parser.value(u"count"_s).toInt(&ok);
    if (!ok || o.count < 1)
        return usage("--count needs a number >= 1");
    const int status = reviewStatusFromName(parser.value(u"status"_s));
    if (status < 0)
        return usage("--status is approved, rejected or unreviewed");
    o.status = ReviewStatus(status);

    Driver driver(o);
    if (!driver.start())
        return 1;
    return app.exec();
}
