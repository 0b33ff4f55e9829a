#include "export/exportoptions.h"

#include "dataset/pair.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonArray>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace pairlens::exporting {
namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("Export", text);
}

struct FormatInfo
{
    Format format;
    const char16_t *name;
    const char16_t *extension;
};

constexpr FormatInfo kFormats[] = {
    {Format::Jsonl, u"jsonl", u"jsonl"},
    {Format::Json, u"json", u"json"},
    {Format::Csv, u"csv", u"csv"},
    {Format::PromptCompletion, u"prompt-completion", u"jsonl"},
    {Format::OpenAiChat, u"openai-chat", u"jsonl"},
    {Format::AnthropicChat, u"anthropic-chat", u"jsonl"},
    {Format::Alpaca, u"alpaca", u"jsonl"},
};

constexpr const char16_t *kFieldNames[] = {
    u"pair_id",           u"natural_language_query",
    u"sql_query",         u"timestamp",
    u"database_type",     u"database_name",
    u"table_names",       u"success",
    u"execution_time_ms", u"query_type",
    u"metadata",
};

// "out.jsonl.gz" -> ("out", ".jsonl.gz"): the split files are NAME.train.EXT and NAME.val.EXT.
std::pair<QString, QString> splitSuffix(const QString &path)
{
    const QFileInfo info(path);
    QString name = info.fileName();
    QString gz;
    if (name.endsWith(u".gz"_s, Qt::CaseInsensitive) && name.size() > 3) {
        gz = name.right(3);
        name.chop(3);
    }
    const qsizetype dot = name.lastIndexOf(u'.');
    QString ext;
    if (dot > 0) {
        ext = name.mid(dot);
        name.truncate(dot);
    }
    const QString dir = path.left(path.size() - info.fileName().size());
    return {dir + name, ext + gz};
}

} // namespace

QList<Format> allFormats()
{
    QList<Format> out;
    for (const FormatInfo &f : kFormats)
        out << f.format;
    return out;
}

QString formatName(Format format)
{
    for (const FormatInfo &f : kFormats) {
        if (f.format == format)
            return QString::fromUtf16(f.name);
    }
    return {};
}

std::optional<Format> formatFromName(QStringView name)
{
    const QString n = name.trimmed().toString().toLower();
    for (const FormatInfo &f : kFormats) {
        if (n == QStringView(f.name))
            return f.format;
    }
    if (n == u"chat"_s || n == u"openai"_s)
        return Format::OpenAiChat;
    if (n == u"anthropic"_s)
        return Format::AnthropicChat;
    if (n == u"ndjson"_s)
        return Format::Jsonl;
    return std::nullopt;
}

QString formatExtension(Format format)
{
    for (const FormatInfo &f : kFormats) {
        if (f.format == format)
            return QString::fromUtf16(f.extension);
    }
    return u"jsonl"_s;
}

bool isRecordFormat(Format format)
{
    return format == Format::Jsonl || format == Format::Json || format == Format::Csv;
}

bool isTrainingFormat(Format format)
{
    return !isRecordFormat(format);
}

QList<Field> allFields()
{
    QList<Field> out;
    for (int i = 0; i <= int(Field::Metadata); ++i)
        out << Field(i);
    return out;
}

QString fieldName(Field field)
{
    return QString::fromUtf16(kFieldNames[int(field)]);
}

std::optional<Field> fieldFromName(QStringView name)
{
    for (int i = 0; i <= int(Field::Metadata); ++i) {
        if (name == QStringView(kFieldNames[i]))
            return Field(i);
    }
    return std::nullopt;
}

std::optional<QList<Field>> parseFields(const QString &list, QString *error)
{
    QList<Field> out;
    for (const QString &part : list.split(u',', Qt::SkipEmptyParts)) {
        const QString name = part.trimmed();
        const std::optional<Field> f = fieldFromName(name);
        if (!f) {
            QStringList known;
            for (Field k : allFields())
                known << fieldName(k);
            *error = tr("Unknown field \"%1\" (known fields: %2).").arg(name, known.join(u", "_s));
            return std::nullopt;
        }
        if (out.contains(*f)) {
            *error = tr("The field \"%1\" is listed twice.").arg(name);
            return std::nullopt;
        }
        out << *f;
    }
    if (out.isEmpty()) {
        *error = tr("No fields were given.");
        return std::nullopt;
    }
    return out;
}

QString defaultSystemPrompt()
{
    return u"You are an expert SQL assistant. Answer the user's question with one correct SQL query."_s;
}

QString defaultTemplate(Format format)
{
    switch (format) {
    // Never {tables}: the tables the answer's SQL uses would tell the model part of the answer.
    case Format::PromptCompletion:
        return u"-- Database: {database_type}\n-- Question: {question}\n-- SQL:\n"_s;
    case Format::Alpaca:
        return u"Write a {database_type} SQL query that answers the question."_s;
    case Format::OpenAiChat:
    case Format::AnthropicChat:
        return u"Database: {database_type}\n\n{question}"_s;
    default:
        return {};
    }
}

bool ExportOptions::compressed() const
{
    return gzip || target.endsWith(u".gz"_s, Qt::CaseInsensitive);
}

QString ExportOptions::validate() const
{
    if (target.trimmed().isEmpty())
        return tr("No output file was given.");
    if (!fields.isEmpty() && !isRecordFormat(format))
        return tr("The %1 format has fixed fields; --fields only applies to jsonl, json and csv.")
            .arg(formatName(format));
    if (split != 0 && !(split > 0 && split < 1))
        return tr("The split must be a fraction between 0 and 1 (e.g. 0.9).");
    if (split != 0 && toStdout())
        return tr("A split writes two files, so it cannot go to standard output; give -o FILE.");
    if (!filter.reviewStatuses.isEmpty() && review != ReviewScope::IncludeRejected) {
        const bool rejected = filter.reviewStatuses.contains(int(ReviewStatus::Rejected));
        const bool other =
            std::any_of(filter.reviewStatuses.cbegin(), filter.reviewStatuses.cend(), [&](int s) {
                return review == ReviewScope::ApprovedOnly ? s == int(ReviewStatus::Approved)
                                                           : s != int(ReviewStatus::Rejected);
            });
        if (!other && review == ReviewScope::ApprovedOnly)
            return tr("The filter asks for pairs that are not approved, but only approved pairs are "
                      "exported (--approved-only).");
        if (!other && rejected)
            return tr("The filter asks for rejected pairs, which exports leave out unless "
                      "--include-rejected is given.");
    }
    if (gzipLevel < 1 || gzipLevel > 9)
        return tr("The gzip level must be between 1 and 9.");
    if (!promptTemplate.isEmpty() && isRecordFormat(format))
        return tr("Templates only apply to the prompt, chat and alpaca formats.");
    if (systemPrompt && !systemPrompt->isEmpty() &&
        !(format == Format::OpenAiChat || format == Format::AnthropicChat))
        return tr("A system prompt only applies to the openai-chat and anthropic-chat formats.");
    return {};
}

QString reviewScopeName(ReviewScope scope)
{
    switch (scope) {
    case ReviewScope::IncludeRejected:
        return u"include-rejected"_s;
    case ReviewScope::ApprovedOnly:
        return u"approved-only"_s;
    case ReviewScope::NotRejected:
        break;
    }
    return u"not-rejected"_s;
}

Filter ExportOptions::reviewedFilter() const
{
    Filter f = filter;
    QList<int> allowed;
    switch (review) {
    case ReviewScope::IncludeRejected:
        return f;
    case ReviewScope::NotRejected:
        allowed = {int(ReviewStatus::Unreviewed), int(ReviewStatus::Approved)};
        break;
    case ReviewScope::ApprovedOnly:
        allowed = {int(ReviewStatus::Approved)};
        break;
    }
    if (f.reviewStatuses.isEmpty()) {
        f.reviewStatuses = allowed;
    } else { // both restrict: validate() refuses a status filter the scope leaves nothing of
        f.reviewStatuses.removeIf([&](int s) { return !allowed.contains(s); });
        if (f.reviewStatuses.isEmpty())
            f.restrictToRowIds = true; // matches nothing
    }
    return f;
}

bool ExportOptions::skipsFailed() const
{
    return isTrainingFormat(format) && !includeFailed && filter.success == Filter::Success::Any;
}

Filter ExportOptions::effectiveFilter() const
{
    Filter f = reviewedFilter();
    if (skipsFailed())
        f.success = Filter::Success::SuccessfulOnly;
    return f;
}

QStringList ExportOptions::outputPaths() const
{
    if (toStdout())
        return {target};
    QString path = target;
    if (gzip && !path.endsWith(u".gz"_s, Qt::CaseInsensitive))
        path += u".gz"_s;
    if (split == 0)
        return {path};
    const auto [stem, ext] = splitSuffix(path);
    return {stem + u".train"_s + ext, stem + u".val"_s + ext};
}

QString ExportOptions::manifestPath() const
{
    if (toStdout())
        return {};
    QString path = target;
    if (gzip && !path.endsWith(u".gz"_s, Qt::CaseInsensitive))
        path += u".gz"_s;
    return path + u".manifest.json"_s;
}

QJsonObject ExportOptions::toJson() const
{
    QJsonObject o;
    o[u"format"_s] = formatName(format);
    QJsonArray f;
    for (Field field : fields.isEmpty() && isRecordFormat(format) ? allFields() : fields)
        f.append(fieldName(field));
    if (isRecordFormat(format))
        o[u"fields"_s] = f;
    o[u"anonymized"_s] = anonymize;
    o[u"gzip"_s] = compressed();
    if (split != 0) {
        o[u"split"_s] = split;
        o[u"split_groups"_s] = u"normalized question or SQL"_s;
    }
    o[u"dedupe"_s] = dedupes();
    o[u"review"_s] = reviewScopeName(review);
    if (isTrainingFormat(format)) {
        o[u"include_failed"_s] = includeFailed;
        o[u"template"_s] = promptTemplate.isEmpty() ? defaultTemplate(format) : promptTemplate;
        if (format == Format::OpenAiChat || format == Format::AnthropicChat)
            o[u"system"_s] = systemPrompt.value_or(defaultSystemPrompt());
    }
    if (format == Format::Csv)
        o[u"csv_raw"_s] = csvRaw;
    return o;
}

} // namespace pairlens::exporting
