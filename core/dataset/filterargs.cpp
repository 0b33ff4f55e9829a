#include "dataset/filterargs.h"

#include "dataset/pair.h"
#include "privacy/piikind.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace pairlens {
namespace {

// The option texts belong to the command line's translation context.
QString tr(const char *text)
{
    return QCoreApplication::translate("cli", text);
}

QStringList splitList(const QStringList &values)
{
    QStringList out;
    for (const QString &v : values) {
        for (const QString &part : v.split(u',', Qt::SkipEmptyParts))
            out << part.trimmed();
    }
    return out;
}

// A day boundary as a date alone (what one types), anything else as ISO-8601 with milliseconds.
QString dateArgument(const QDateTime &dt, const QTime &boundary)
{
    const QDateTime utc = dt.toUTC();
    if (utc.time() == boundary)
        return utc.date().toString(Qt::ISODate);
    return normalisedTimestamp(utc);
}

} // namespace

void addFilterOptions(QCommandLineParser &parser)
{
    parser.addOptions({
        {u"from"_s, tr("Only pairs on or after DATE (YYYY-MM-DD or ISO-8601)."), u"DATE"_s},
        {u"to"_s, tr("Only pairs on or before DATE (YYYY-MM-DD or ISO-8601)."), u"DATE"_s},
        {u"successful-only"_s, tr("Only pairs whose SQL ran successfully.")},
        {u"failed-only"_s, tr("Only pairs whose SQL failed.")},
        {u"type"_s, tr("Only these statement types (SELECT,INSERT,...)."), u"T,..."_s},
        {u"db-type"_s, tr("Only these database types (postgresql,mysql,...)."), u"T,..."_s},
        {u"db-name"_s, tr("Only these database names."), u"NAME,..."_s},
        {u"table"_s, tr("Only pairs whose SQL uses one of these tables (case-insensitive)."), u"NAME,..."_s},
        {u"search"_s, tr("Full-text search over question and SQL."), u"TEXT"_s},
        {u"pii"_s,
         tr("Only pairs containing PII (of these kinds: email,phone,ssn,credit_card,ip_address,"
            "iban,name,address,custom; 'any' for all)."),
         u"KIND,..."_s},
        {u"status"_s, tr("Only these review statuses (unreviewed,approved,rejected)."), u"S,..."_s},
        {u"duplicates"_s, tr("Only pairs whose question and SQL another pair repeats exactly.")},
        {u"normalized-duplicates"_s,
         tr("Only pairs whose question and SQL another pair repeats up to case, spacing and literal "
            "values.")},
    });
}

bool hasFilterOptions(const QCommandLineParser &parser)
{
    for (const char16_t *o :
         {u"from", u"to", u"successful-only", u"failed-only", u"type", u"db-type", u"db-name", u"table",
          u"search", u"pii", u"status", u"duplicates", u"normalized-duplicates"}) {
        if (parser.isSet(QString::fromUtf16(o)))
            return true;
    }
    return false;
}

bool filterFromOptions(const QCommandLineParser &parser, Filter *f, QString *error)
{
    auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return false;
    };
    if (parser.isSet(u"from"_s)) {
        f->from = parseFilterDate(parser.value(u"from"_s), false);
        if (!f->from.isValid())
            return fail(tr("--from: \"%1\" is not a date (use YYYY-MM-DD).").arg(parser.value(u"from"_s)));
    }
    if (parser.isSet(u"to"_s)) {
        f->to = parseFilterDate(parser.value(u"to"_s), true);
        if (!f->to.isValid())
            return fail(tr("--to: \"%1\" is not a date (use YYYY-MM-DD).").arg(parser.value(u"to"_s)));
    }
    if (parser.isSet(u"successful-only"_s) && parser.isSet(u"failed-only"_s))
        return fail(tr("--successful-only and --failed-only exclude each other."));
    if (parser.isSet(u"successful-only"_s))
        f->success = Filter::Success::SuccessfulOnly;
    if (parser.isSet(u"failed-only"_s))
        f->success = Filter::Success::FailedOnly;
    for (const QString &t : splitList(parser.values(u"type"_s)))
        f->queryTypes << t.toUpper();
    f->databaseTypes = splitList(parser.values(u"db-type"_s));
    f->databaseNames = splitList(parser.values(u"db-name"_s));
    f->tables = splitList(parser.values(u"table"_s));
    f->search = parser.value(u"search"_s);
    if (parser.isSet(u"pii"_s)) {
        f->piiRequired = true;
        for (const QString &k : splitList(parser.values(u"pii"_s))) {
            if (k.compare(u"any"_s, Qt::CaseInsensitive) == 0)
                continue;
            const quint32 bit = piiKindFromName(k);
            if (!bit)
                return fail(tr("--pii: unknown kind \"%1\" (known: %2).")
                                .arg(k, piiKindNames(0xFFFFFFFFu).join(u", "_s)));
            f->piiKinds |= bit;
        }
    }
    for (const QString &s : splitList(parser.values(u"status"_s))) {
        const int v = reviewStatusFromName(s);
        if (v < 0)
            return fail(
                tr("--status: unknown review status \"%1\" (use unreviewed, approved or rejected).").arg(s));
        f->reviewStatuses << v;
    }
    if (parser.isSet(u"duplicates"_s) && parser.isSet(u"normalized-duplicates"_s))
        return fail(tr("--duplicates and --normalized-duplicates exclude each other."));
    if (parser.isSet(u"duplicates"_s))
        f->duplicates = Filter::Duplicates::Exact;
    if (parser.isSet(u"normalized-duplicates"_s))
        f->duplicates = Filter::Duplicates::Normalized;
    return true;
}

QStringList filterArguments(const Filter &f)
{
    QStringList a;
    auto list = [&a](const QString &option, const QStringList &values) {
        if (!values.isEmpty())
            a << option << values.join(u',');
    };
    if (f.from.isValid())
        a << u"--from"_s << dateArgument(f.from, QTime(0, 0));
    if (f.to.isValid())
        a << u"--to"_s << dateArgument(f.to, QTime(23, 59, 59, 999));
    if (f.success == Filter::Success::SuccessfulOnly)
        a << u"--successful-only"_s;
    else if (f.success == Filter::Success::FailedOnly)
        a << u"--failed-only"_s;
    list(u"--type"_s, f.queryTypes);
    list(u"--db-type"_s, f.databaseTypes);
    list(u"--db-name"_s, f.databaseNames);
    list(u"--table"_s, f.tables);
    if (!f.search.trimmed().isEmpty())
        a << (f.search.startsWith(u'-') ? QStringList{u"--search="_s + f.search} // not taken for an option
                                        : QStringList{u"--search"_s, f.search});
    if (f.piiRequired)
        a << u"--pii"_s << (f.piiKinds ? piiKindNames(f.piiKinds).join(u',') : u"any"_s);
    QStringList statuses;
    for (int s : f.reviewStatuses)
        statuses << reviewStatusName(ReviewStatus(s));
    list(u"--status"_s, statuses);
    if (f.duplicates == Filter::Duplicates::Exact)
        a << u"--duplicates"_s;
    else if (f.duplicates == Filter::Duplicates::Normalized)
        a << u"--normalized-duplicates"_s;
    return a;
}

QString shellQuote(const QString &word)
{
    static const QRegularExpression safe(u"^[A-Za-z0-9_@%+=:,./-]+$"_s);
    if (safe.match(word).hasMatch())
        return word;
    QString quoted = word;
    quoted.replace(u'\'', u"'\\''"_s);
    return u'\'' + quoted + u'\'';
}

QString shellCommand(const QStringList &words)
{
    QStringList quoted;
    for (const QString &w : words)
        quoted << shellQuote(w);
    return quoted.join(u' ');
}

} // namespace pairlens
