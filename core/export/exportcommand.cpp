#include "export/exportcommand.h"

#include "dataset/filterargs.h"

#include <QCoreApplication>
#include <QLocale>

using namespace Qt::StringLiterals;

namespace pairlens::exporting {
namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Export", text);
}

// What filterArguments() can't say: the CLI splits list values on commas and trims them.
void checkFilter(const Filter &f, QStringList *unsupported)
{
    const QList<QPair<QString, QStringList>> lists = {{u"--type"_s, f.queryTypes},
                                                      {u"--db-type"_s, f.databaseTypes},
                                                      {u"--db-name"_s, f.databaseNames},
                                                      {u"--ids"_s, f.pairIds}};
    for (const auto &[option, values] : lists)
        for (const QString &v : values)
            if (v.isEmpty() || v.contains(u',') || v.trimmed() != v)
                *unsupported
                    << tr("The value \"%1\" of %2 can't be given on the command line.").arg(v, option);
    if (f.restrictToRowIds || !f.rowIds.isEmpty())
        *unsupported << tr("Rows picked in the table can't be named on the command line; give their "
                           "pair ids with --ids.");
    if (f.scope != Filter::Scope::Live)
        *unsupported << tr("The command line exports live pairs only, never the trash.");
}

} // namespace

QString ExportCommand::shellText() const
{
    return shellCommand(arguments);
}

ExportCommand exportCommand(const ExportOptions &o, const QString &dataset)
{
    ExportCommand c;
    QStringList &args = c.arguments;
    args << u"pairlens"_s << u"export"_s << dataset << u"-o"_s << o.target << u"--format"_s
         << formatName(o.format);
    checkFilter(o.filter, &c.unsupported);
    args += filterArguments(o.filter);
    if (!o.filter.pairIds.isEmpty())
        args << u"--ids"_s << o.filter.pairIds.join(u',');
    if (!o.fields.isEmpty() && isRecordFormat(o.format)) {
        QStringList names;
        for (Field f : o.fields)
            names << fieldName(f);
        args << u"--fields"_s << names.join(u',');
    }
    if (!o.anonymize)
        args << u"--no-anonymize"_s;
    if (o.gzip)
        args << u"--gzip"_s;
    if (o.split != 0)
        args << u"--split"_s << QString::number(o.split, 'g', QLocale::FloatingPointShortest);
    if (o.dedupes() != isTrainingFormat(o.format))
        args << (o.dedupes() ? u"--dedupe"_s : u"--keep-duplicates"_s);
    if (o.review == ReviewScope::IncludeRejected)
        args << u"--include-rejected"_s;
    else if (o.review == ReviewScope::ApprovedOnly)
        args << u"--approved-only"_s;
    if (isTrainingFormat(o.format)) {
        if (o.includeFailed)
            args << u"--include-failed"_s;
        if (o.systemPrompt && (o.format == Format::OpenAiChat || o.format == Format::AnthropicChat))
            args << u"--system"_s << *o.systemPrompt;
        if (!o.promptTemplate.isEmpty())
            args << u"--template"_s << o.promptTemplate;
    }
    if (o.csvRaw && o.format == Format::Csv)
        args << u"--csv-raw"_s;
    return c;
}

} // namespace pairlens::exporting
