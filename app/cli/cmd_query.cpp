// `pairlens list` and `pairlens stats`: read-only views of a dataset.
#include "cli/cliutil.h"
#include "cli/command.h"
#include "dataset/pairstore.h"
#include "privacy/piikind.h"
#include "stats/statistics.h"
#include "storage/storage.h"

#include <QCoreApplication>
#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace pairlens::cli {
namespace {
QString tr(const char *s)
{
    return QCoreApplication::translate("cli", s);
}

QString elide(QString text, int width)
{
    text = text.simplified();
    if (text.size() > width)
        text = text.left(width - 1) + u'…';
    return text.leftJustified(width);
}
} // namespace

int runList(const QStringList &args)
{
    QCommandLineParser parser;
    setupParser(parser, u"list"_s, tr("Lists the pairs of a dataset, newest first."));
    parser.addPositionalArgument(u"DATASET"_s, tr("Dataset file or postgresql:// URL."));
    addFilterOptions(parser);
    parser.addOptions({{u"limit"_s, tr("At most N pairs (default 50)."), u"N"_s, u"50"_s},
                       {u"offset"_s, tr("Skip the first N matching pairs."), u"N"_s, u"0"_s},
                       {u"json"_s, tr("Print JSON (see docs/cli.md).")}});
    if (!parseOrExplain(parser, args, 1))
        return Usage;
    Filter filter;
    if (!filterFromOptions(parser, &filter))
        return Usage;
    bool ok1 = false, ok2 = false;
    const int limit = parser.value(u"limit"_s).toInt(&ok1);
    const qint64 offset = parser.value(u"offset"_s).toLongLong(&ok2);
    if (!ok1 || !ok2 || limit < 0 || offset < 0) {
        err(tr("pairlens list: --limit and --offset take non-negative numbers."));
        return Usage;
    }
    const QString location = parser.positionalArguments().at(1);
    qint64 total = 0;
    QList<Pair> pairs;
    // Duplicates are listed by question, so that the pairs of each group stand together.
    const PairStore::Sort sort = filter.duplicates == Filter::Duplicates::Any
                                     ? PairStore::Sort{}
                                     : PairStore::Sort{PairStore::SortColumn::Question, Qt::AscendingOrder};
    const std::unique_ptr<Storage> storage = openStorage(location);
    if (!storage)
        return Failure;
    QString error;
    total = storage->count(filter, &error);
    // No page past the last match (a filter that matches nothing costs its count only).
    if (total < 0 || (total > offset && !storage->page(filter, sort, limit, offset, &pairs, &error))) {
        err(error);
        return Failure;
    }
    if (parser.isSet(u"json"_s)) {
        QJsonArray a;
        for (const Pair &p : pairs)
            a.append(pairToJson(p));
        printJson(QJsonObject{
            {u"total"_s, total}, {u"offset"_s, offset}, {u"count"_s, pairs.size()}, {u"pairs"_s, a}});
        return Ok;
    }
    out(u"%1  %2  %3  %4  %5  %6"_s.arg(u"TIME"_s.leftJustified(19), u"TYPE"_s.leftJustified(8),
                                        u"DB"_s.leftJustified(10), u"OK"_s, u"PII"_s.leftJustified(12),
                                        u"QUESTION / SQL"_s));
    for (const Pair &p : pairs) {
        out(u"%1  %2  %3  %4  %5  %6"_s.arg(
            p.timestamp.left(19).replace(u'T', u' ').leftJustified(19), p.queryType.leftJustified(8),
            elide(p.databaseType, 10), p.success ? u"ok"_s : u"!!"_s,
            elide(piiKindNames(p.piiMask).join(u','), 12), elide(p.naturalLanguageQuery, 60)));
        out(u"%1%2"_s.arg(QString(55, u' '), elide(p.sqlQuery, 60)));
    }
    out(tr("%1 of %2 matching pairs shown (offset %3).").arg(pairs.size()).arg(total).arg(offset));
    return Ok;
}

// `stats` counts duplicates by default up to this many pairs (about a second); beyond, on request.
constexpr qint64 kDuplicatesByDefault = 100000;

int runStats(const QStringList &args)
{
    QCommandLineParser parser;
    setupParser(parser, u"stats"_s, tr("Shows statistics of the pairs matching the filter."));
    parser.addPositionalArgument(u"DATASET"_s, tr("Dataset file or postgresql:// URL."));
    addFilterOptions(parser);
    parser.addOptions({{u"json"_s, tr("Print JSON (see docs/cli.md).")},
                       {u"count-duplicates"_s,
                        tr("Count duplicates whatever the number of pairs (by default only up to %L1 "
                           "pairs: counting reads every question and SQL).")
                            .arg(kDuplicatesByDefault)},
                       {u"no-duplicates"_s, tr("Don't count duplicates.")}});
    if (!parseOrExplain(parser, args, 1))
        return Usage;
    Filter filter;
    if (!filterFromOptions(parser, &filter))
        return Usage;
    Statistics s;
    const QString location = parser.positionalArguments().at(1);
    const auto countDuplicates = [&](const Statistics &counted) {
        return parser.isSet(u"count-duplicates"_s) ||
               (!parser.isSet(u"no-duplicates"_s) && counted.totalPairs <= kDuplicatesByDefault);
    };
    if (!statisticsOrExplain(location, filter, &s, countDuplicates))
        return Failure;
    if (parser.isSet(u"json"_s)) {
        QJsonObject json = s.toJson();
        if (!json.contains(u"duplicates"_s))
            json[u"duplicates"_s] = QJsonValue::Null; // not counted
        printJson(json);
        return Ok;
    }
    auto pct = [&](qint64 n) {
        return s.totalPairs ? u"%1%"_s.arg(100.0 * double(n) / double(s.totalPairs), 0, 'f', 1) : u"-"_s;
    };
    out(tr("Pairs:            %1").arg(s.totalPairs));
    out(tr("Successful:       %1 (%2)").arg(s.successfulPairs).arg(pct(s.successfulPairs)));
    out(tr("Failed:           %1 (%2)").arg(s.failedPairs).arg(pct(s.failedPairs)));
    out(tr("Unique tables:    %1").arg(s.uniqueTables));
    out(tr("Avg question:     %1 characters").arg(s.avgQuestionLength, 0, 'f', 1));
    out(tr("Avg SQL:          %1 characters").arg(s.avgSqlLength, 0, 'f', 1));
    out(tr("Date range:       %1 .. %2").arg(s.firstTimestamp, s.lastTimestamp));
    out(tr("Statement types:"));
    for (auto it = s.queryTypes.constBegin(); it != s.queryTypes.constEnd(); ++it)
        out(u"  %1 %2 (%3)"_s.arg((it.key().isEmpty() ? tr("(none)") : it.key()).leftJustified(14))
                .arg(it.value(), 9)
                .arg(pct(it.value())));
    out(tr("Database types:"));
    for (auto it = s.databaseTypes.constBegin(); it != s.databaseTypes.constEnd(); ++it)
        out(u"  %1 %2 (%3)"_s.arg((it.key().isEmpty() ? tr("(unknown)") : it.key()).leftJustified(14))
                .arg(it.value(), 9)
                .arg(pct(it.value())));
    out(tr("Database names:   %1").arg(s.databaseNames.size()));
    out(tr("In the trash:     %1").arg(s.deletedPairs));
    out(tr("Review:           %1 unreviewed, %2 approved, %3 rejected")
            .arg(s.unreviewedPairs)
            .arg(s.approvedPairs)
            .arg(s.rejectedPairs));
    if (s.exactDuplicates >= 0)
        out(tr("Duplicates:       %1 exact (%2), %3 normalized (%4); list them with --duplicates or "
               "--normalized-duplicates")
                .arg(s.exactDuplicates)
                .arg(pct(s.exactDuplicates))
                .arg(s.normalizedDuplicates)
                .arg(pct(s.normalizedDuplicates)));
    else if (!parser.isSet(u"no-duplicates"_s))
        out(tr("Duplicates:       not counted for more than %L1 pairs (--count-duplicates counts them)")
                .arg(kDuplicatesByDefault));
    if (s.executionTime.count > 0)
        out(tr("Execution time:   p50 %1 ms, p90 %2 ms, p99 %3 ms (%4 timed pairs)")
                .arg(s.executionTime.p50)
                .arg(s.executionTime.p90)
                .arg(s.executionTime.p99)
                .arg(s.executionTime.count));
    out(tr("Pairs with PII:   %1 (%2), %3 not scanned yet")
            .arg(s.pairsWithPii)
            .arg(pct(s.pairsWithPii))
            .arg(s.unscannedPairs));
    for (auto it = s.piiKinds.constBegin(); it != s.piiKinds.constEnd(); ++it) {
        if (it.value() > 0)
            out(u"  %1 %2 (%3)"_s.arg(it.key().leftJustified(14)).arg(it.value(), 9).arg(pct(it.value())));
    }
    if (!s.topTables.isEmpty()) {
        out(tr("Top tables:"));
        for (const Statistics::Count &t : s.topTables)
            out(u"  %1 %2 (%3)"_s.arg(t.name.leftJustified(24)).arg(t.count, 9).arg(pct(t.count)));
    }
    if (!s.timeline.isEmpty()) {
        out(tr("Pairs per %1:").arg(granularityName(s.timelineGranularity)));
        for (const Statistics::TimeBucket &b : s.timeline)
            out(u"  %1 %2 (%3 failed)"_s.arg(b.start.toString(Qt::ISODate)).arg(b.pairs, 9).arg(b.failed));
    }
    auto histogram = [&](const QString &title, const QList<Statistics::HistogramBin> &bins) {
        out(title);
        for (const Statistics::HistogramBin &b : bins) {
            if (b.pairs > 0)
                out(u"  %1 %2"_s
                        .arg((b.to < 0 ? u"%1+"_s.arg(b.from) : u"%1-%2"_s.arg(b.from).arg(b.to))
                                 .leftJustified(14))
                        .arg(b.pairs, 9));
        }
    };
    histogram(tr("Question lengths (characters):"), s.questionLengths);
    histogram(tr("SQL lengths (characters):"), s.sqlLengths);
    return Ok;
}

} // namespace pairlens::cli
