// Anonymizer throughput on one thread. The target figure: scanMask() (run on import for every
// pair) plus anonymizing the question and SQL (preview and export) of 1M demo pairs
// (DemoGenerator, as `pairlens demo` makes them). Then the same over ~1M realistic pairs held in
// memory.
// The pairs cycle the questions and SQL of ../shared/data (Spider, BIRD, SEDE, BIRD-CRITIC);
// about 8% get PII injected into the question and/or an SQL string literal or comment.
// Then the same on demo pairs (DemoGenerator, as `pairlens demo` makes them) with their metadata:
// anonymizePair() including the metadata, and each metadata string value through anonymizeText()
// (what the exporter does per value).
// Usage: bench_anonymizer [pairs] [shared-data-folder] [demo-pairs] (defaults 1M, built-in path, 1M)
//        bench_anonymizer --findings [shared-data-folder]
//        bench_anonymizer --heldout [tests/data/pii_heldout.jsonl] [-v]
// --findings lists every finding in the clean public pairs (Spider, BIRD dev, text2sql-data, SEDE)
// and how many pairs of each file have one: what an anonymizer change does to real, clean data.
#include "dataset/demogenerator.h"
#include "privacy/anonymizer.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QRandomGenerator>
#include <QSet>

#include <cstdio>
#include <ctime>

using namespace Qt::StringLiterals;
using namespace pairlens;
using namespace pairlens::privacy;

namespace {

struct Seed
{
    QString question, sql, db;
};

QList<Seed> loadSeeds(const QString &folder)
{
    QList<Seed> seeds;
    for (const QString &name :
         {u"spider.jsonl"_s, u"bird_dev.jsonl"_s, u"sede.jsonl"_s, u"bird_critic_pg.jsonl"_s}) {
        QFile file(QDir(folder).filePath(name));
        if (!file.open(QIODevice::ReadOnly))
            continue;
        while (!file.atEnd()) {
            const QJsonObject o = QJsonDocument::fromJson(file.readLine()).object();
            seeds.append({o.value(u"question"_s).toString(), o.value(u"sql"_s).toString(),
                          o.value(u"db_id"_s).toString()});
        }
    }
    if (seeds.isEmpty()) { // the data folder is absent: a small synthetic set
        seeds.append({u"How many users signed up after 2023-05-01?"_s,
                      u"SELECT COUNT(*) FROM users WHERE created_at > '2023-05-01'"_s, u"app"_s});
        seeds.append({u"List the 10 most expensive products"_s,
                      u"SELECT name, price FROM products ORDER BY price DESC LIMIT 10"_s, u"shop"_s});
    }
    return seeds;
}

QString pii(QRandomGenerator &rng)
{
    static const QStringList first = {u"john"_s, u"maria"_s, u"wei"_s, u"fatima"_s, u"lukas"_s};
    switch (rng.bounded(6)) {
    case 0:
        return first[rng.bounded(5)] + u'.' + QString::number(rng.bounded(1000)) + u"@gmail.com"_s;
    case 1:
        return u"555-%1-%2"_s.arg(100 + rng.bounded(900)).arg(1000 + rng.bounded(9000));
    case 2:
        return u"%1-%2-%3"_s.arg(100 + rng.bounded(500))
            .arg(10 + rng.bounded(90))
            .arg(1000 + rng.bounded(9000));
    case 3:
        return u"4111 1111 1111 1111"_s;
    case 4:
        return u"10.%1.%2.%3"_s.arg(rng.bounded(256)).arg(rng.bounded(256)).arg(rng.bounded(256));
    default:
        return u"+44 20 7946 0%1"_s.arg(100 + rng.bounded(900));
    }
}

// CPU time of this thread: the machine is shared, so wall time alone overstates the cost.
double threadCpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

// scanMask() (what import stores) and anonymizing the question and the SQL (what the preview and
// export show) over `pairs`; prints both and returns the combined rate on this thread's CPU time.
double measureQuestionAndSql(const Anonymizer &anonymizer, const QList<Pair> &pairs)
{
    double cpu = threadCpuSeconds();
    quint64 masks = 0;
    for (const Pair &p : pairs)
        masks += anonymizer.scanMask(p.naturalLanguageQuery, p.sqlQuery) != 0;
    const double scanCpu = threadCpuSeconds() - cpu;

    cpu = threadCpuSeconds();
    quint64 findings = 0;
    for (const Pair &p : pairs)
        findings += anonymizer.anonymizeText(p.naturalLanguageQuery).findings.size() +
                    anonymizer.anonymizeSql(p.sqlQuery).findings.size();
    const double anonymizeCpu = threadCpuSeconds() - cpu;
    const double n = double(pairs.size());
    std::printf("scanMask:                    cpu %.3f s = %8.0f pairs/s  (%llu pairs flagged)\n", scanCpu,
                n / scanCpu, static_cast<unsigned long long>(masks));
    std::printf("anonymize question and SQL:  cpu %.3f s = %8.0f pairs/s  (%llu findings)\n", anonymizeCpu,
                n / anonymizeCpu, static_cast<unsigned long long>(findings));
    std::printf("scan + anonymize:            cpu %.3f s = %8.0f pairs/s\n", scanCpu + anonymizeCpu,
                n / (scanCpu + anonymizeCpu));
    return n / (scanCpu + anonymizeCpu);
}

// --findings: one line per finding ("file:line<TAB>question|sql<TAB>kind<TAB>value"), then the
// pairs with a finding per file.
int listFindings(const QString &folder)
{
    const Anonymizer anonymizer(Config{});
    int allPairs = 0, allFlagged = 0;
    for (const QString &name :
         {u"spider.jsonl"_s, u"bird_dev.jsonl"_s, u"text2sql_data.jsonl"_s, u"sede.jsonl"_s}) {
        QFile file(QDir(folder).filePath(name));
        if (!file.open(QIODevice::ReadOnly)) {
            std::fprintf(stderr, "cannot read %s\n", qPrintable(file.fileName()));
            return 1;
        }
        int line = 0, pairs = 0, flagged = 0;
        while (!file.atEnd()) {
            ++line;
            const QJsonObject o = QJsonDocument::fromJson(file.readLine()).object();
            if (o.isEmpty())
                continue;
            ++pairs;
            const AnonymizedText q = anonymizer.anonymizeText(o.value(u"question"_s).toString());
            const AnonymizedText s = anonymizer.anonymizeSql(o.value(u"sql"_s).toString());
            for (const auto *part : {&q, &s}) {
                for (const Finding &f : part->findings)
                    std::printf("%s:%d\t%s\t%s\t%s\n", qPrintable(name), line,
                                part == &q ? "question" : "sql", qPrintable(piiKindName(f.kind)),
                                qPrintable(f.original));
            }
            flagged += !q.findings.isEmpty() || !s.findings.isEmpty();
        }
        std::printf("# %s: %d of %d pairs with a finding\n", qPrintable(name), flagged, pairs);
        allPairs += pairs;
        allFlagged += flagged;
    }
    std::printf("# all: %d of %d pairs with a finding (%.3f %%)\n", allFlagged, allPairs,
                100.0 * allFlagged / qMax(1, allPairs));
    return 0;
}

// --heldout: precision and recall per kind on tests/data/pii_heldout.jsonl (make-pii-heldout.py),
// cases the detectors were never tuned on. A finding counts when its span (code points) and kind
// equal a label. Per set (known, unseen: locales whose names the gazetteer holds or not), field
// (text, sql) and kind; `-v` also lists every missed or extra span.
int heldOut(const QString &path, bool verbose)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "cannot read %s\n", qPrintable(path));
        return 1;
    }
    struct Counts
    {
        int tp = 0, fp = 0, fn = 0;
    };
    QMap<QString, Counts> counts; // "set/field/kind", "all/all/kind", "all/all/numbers"
    const Anonymizer anonymizer(Config{});
    const QStringList numbers = {u"email"_s,       u"phone"_s,      u"ssn"_s,
                                 u"credit_card"_s, u"ip_address"_s, u"iban"_s};
    int records = 0;
    while (!file.atEnd()) {
        const QJsonObject o = QJsonDocument::fromJson(file.readLine()).object();
        if (o.isEmpty())
            continue;
        ++records;
        const QString text = o.value(u"text"_s).toString();
        const bool sql = o.value(u"field"_s).toString() == u"sql"_s;
        const AnonymizedText r = sql ? anonymizer.anonymizeSql(text) : anonymizer.anonymizeText(text);
        QSet<QString> labels, found;
        for (const QJsonValue &v : o.value(u"spans"_s).toArray()) {
            const QJsonArray a = v.toArray();
            labels.insert(u"%1:%2:%3"_s.arg(a[0].toInt()).arg(a[1].toInt()).arg(a[2].toString()));
        }
        for (const Finding &f : r.findings) {
            // "83 Boame St." at the end of a sentence: the '.' is the abbreviation's and the full
            // stop at once; a label without it is the same value.
            qsizetype end = f.end;
            if (end > f.start + 1 && text[end - 1] == u'.' && (end == text.size() || text[end].isSpace()))
                --end;
            const QString withoutDot = u"%1:%2:%3"_s.arg(toCodePointOffset(text, f.start))
                                           .arg(toCodePointOffset(text, end))
                                           .arg(piiKindName(f.kind));
            found.insert(labels.contains(withoutDot) ? withoutDot
                                                     : u"%1:%2:%3"_s.arg(toCodePointOffset(text, f.start))
                                                           .arg(toCodePointOffset(text, f.end))
                                                           .arg(piiKindName(f.kind)));
        }
        const QString set = o.value(u"set"_s).toString(), field = sql ? u"sql"_s : u"text"_s;
        const auto count = [&](const QString &key, bool label, bool hit) {
            const QString kind = key.section(u':', 2);
            for (const QString &k :
                 QStringList{set + u'/' + field + u'/' + kind, u"all/all/"_s + kind,
                             numbers.contains(kind) ? u"all/all/(six number kinds)"_s : QString()}) {
                if (k.isEmpty())
                    continue;
                Counts &c = counts[k];
                (label ? (hit ? c.tp : c.fn) : c.fp) += 1;
            }
            if (verbose && !hit)
                std::printf(
                    "%s\t%s\t%s\t%s\n", label ? "missed" : "extra", qPrintable(kind),
                    qPrintable(text.mid(key.section(u':', 0, 0).toInt(),
                                        key.section(u':', 1, 1).toInt() - key.section(u':', 0, 0).toInt())),
                    qPrintable(text));
        };
        for (const QString &l : std::as_const(labels))
            count(l, true, found.contains(l));
        for (const QString &f : std::as_const(found)) {
            if (!labels.contains(f))
                count(f, false, false);
        }
    }
    std::printf("%d records of %s\n\n| set | field | kind | TP | FP | FN | precision | recall |\n"
                "|---|---|---|---:|---:|---:|---:|---:|\n",
                records, qPrintable(path));
    for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
        const Counts &c = it.value();
        const double p = c.tp + c.fp ? double(c.tp) / (c.tp + c.fp) : 1.0;
        const double r = c.tp + c.fn ? double(c.tp) / (c.tp + c.fn) : 1.0;
        const QStringList key = it.key().split(u'/');
        std::printf("| %s | %s | %s | %d | %d | %d | %.3f | %.3f |\n", qPrintable(key[0]), qPrintable(key[1]),
                    qPrintable(key[2]), c.tp, c.fp, c.fn, p, r);
    }
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() > 1 && args[1] == u"--heldout"_s)
        return heldOut(args.size() > 2 && !args[2].startsWith(u'-') ? args[2]
                                                                    : u"tests/data/pii_heldout.jsonl"_s,
                       args.contains(u"-v"_s));
    if (args.size() > 1 && args[1] == u"--findings"_s)
        return listFindings(args.size() > 2 ? args[2] : QStringLiteral(PAIRLENS_SHARED_DATA));
    const int count = args.size() > 1 ? args[1].toInt() : 1000000;
    const QString folder =
        args.size() > 2 && !args[2].isEmpty() ? args[2] : QStringLiteral(PAIRLENS_SHARED_DATA);
    const int demoCount = args.size() > 3 ? args[3].toInt() : 1000000;
    const QList<Seed> seeds = loadSeeds(folder);

    QRandomGenerator rng(42);
    QList<Pair> pairs;
    pairs.reserve(count);
    int withPii = 0;
    for (int i = 0; i < count; ++i) {
        const Seed &s = seeds[i % seeds.size()];
        Pair p;
        p.naturalLanguageQuery = s.question;
        p.sqlQuery = s.sql;
        p.databaseName = s.db;
        if (rng.bounded(100) < 8) { // a realistic minority mentions a person's data
            ++withPii;
            const QString value = pii(rng);
            if (rng.bounded(2) == 0)
                p.naturalLanguageQuery += u" for "_s + value;
            if (rng.bounded(2) == 0)
                p.sqlQuery += u" AND contact = '"_s + value + u'\'';
            else if (rng.bounded(4) == 0)
                p.sqlQuery += u" -- asked by "_s + value;
        }
        pairs.append(std::move(p));
    }

    Config config;
    config.key = QByteArrayLiteral("bench-secret");
    const Anonymizer anonymizer(config);

    // The target (issue 3): scan + anonymize the question and SQL of 1M demo pairs on one core.
    DemoGenerator generator(2024, QDateTime(QDate(2025, 6, 30), QTime(12, 0), Qt::UTC));
    const QList<Pair> demo = generator.generate(demoCount);
    std::printf("demo pairs: %d\n", int(demo.size()));
    const double demoRate = measureQuestionAndSql(anonymizer, demo);
    std::printf("=> demo pairs, scan + anonymize question and SQL: %.0f pairs/s (target 400000)\n\n",
                demoRate);

    std::printf("shared-data pairs: %d (%d seeds, %d with injected PII)\n", count, int(seeds.size()),
                withPii);
    measureQuestionAndSql(anonymizer, pairs);
    double cpu = threadCpuSeconds();
    quint64 findings = 0;
    for (const Pair &p : std::as_const(pairs)) {
        const AnonymizedPair a = anonymizer.anonymizePair(p);
        findings += a.question.findings.size() + a.sql.findings.size();
    }
    const double anonymizeCpu = threadCpuSeconds() - cpu;
    std::printf(
        "anonymizePair (question, SQL, database name): cpu %.3f s = %8.0f pairs/s  (%llu findings)\n\n",
        anonymizeCpu, count / anonymizeCpu, static_cast<unsigned long long>(findings));

    // Demo pairs with metadata (agent, model, session_id, sometimes error and requested_by).
    QStringList metaStrings;
    for (const Pair &p : demo) {
        for (auto it = p.metadata.constBegin(); it != p.metadata.constEnd(); ++it) {
            if (it.value().isString())
                metaStrings.append(it.value().toString());
        }
    }
    cpu = threadCpuSeconds();
    findings = 0;
    for (const Pair &p : demo) {
        const AnonymizedPair a = anonymizer.anonymizePair(p);
        findings += a.question.findings.size() + a.sql.findings.size() + a.metadata.size();
    }
    const double demoCpu = threadCpuSeconds() - cpu;
    cpu = threadCpuSeconds();
    qsizetype chars = 0;
    for (const QString &value : std::as_const(metaStrings))
        chars += anonymizer.anonymizeText(value).text.size();
    const double metaCpu = threadCpuSeconds() - cpu;
    std::printf("demo pairs with metadata: %d, %d metadata string values\n", int(demo.size()),
                int(metaStrings.size()));
    std::printf("anonymizePair (demo, with metadata): cpu %.3f s = %8.0f pairs/s = %.2f us/pair\n", demoCpu,
                demo.size() / demoCpu, demoCpu * 1e6 / double(demo.size()));
    std::printf(
        "anonymizeText (metadata values):     cpu %.3f s = %.3f us/value = %.2f us/pair (%lld chars)\n",
        metaCpu, metaCpu * 1e6 / double(metaStrings.size()), metaCpu * 1e6 / double(demo.size()),
        static_cast<long long>(chars));
    std::printf("(%llu findings and metadata keys)\n", static_cast<unsigned long long>(findings));
    return 0;
}
