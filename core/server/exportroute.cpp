// GET /api/training-data/export of ApiServer (apiserver.h): the options from the query, then the
// export engine streams through ExportStream; an audit entry names the key, the format and the
// pairs sent (or that the client went away).
#include "dataset/pairstore.h"
#include "export/exporter.h"
#include "export/exportoptions.h"
#include "server/apiquery.h"
#include "server/apiserver.h"
#include "server/exportstream.h"

#include <QDateTime>

using namespace Qt::StringLiterals;

namespace pairlens::server {
namespace {
QByteArray contentTypeOf(exporting::Format format)
{
    switch (format) {
    case exporting::Format::Json:
        return "application/json";
    case exporting::Format::Csv:
        return "text/csv; charset=utf-8";
    default:
        return "application/x-ndjson";
    }
}
} // namespace

void ApiServer::exportPairs(const ApiRequest &r)
{
    using namespace exporting;
    QString error;
    const std::optional<Filter> filter = filterFromQuery(r.query, &error);
    if (!filter)
        return fail(r, 400, error);
    ExportOptions o;
    o.filter = *filter;
    const QString formatText = r.query.queryItemValue(u"format"_s).trimmed().toLower();
    if (!formatText.isEmpty()) {
        const std::optional<Format> format = formatFromName(formatText);
        if (!format) {
            QStringList names;
            for (Format f : allFormats())
                names << formatName(f);
            return fail(r, 400,
                        u"format: unknown format \"%1\" (use %2)."_s.arg(formatText, names.join(u", "_s)));
        }
        o.format = *format;
    }
    const std::optional<bool> anonymize = boolParameter(r.query, u"anonymize"_s, true, &error);
    const std::optional<bool> includeRejected = boolParameter(r.query, u"include_rejected"_s, false, &error);
    const std::optional<bool> approvedOnly = boolParameter(r.query, u"approved_only"_s, false, &error);
    const std::optional<bool> includeFailed = boolParameter(r.query, u"include_failed"_s, false, &error);
    if (!anonymize || !includeRejected || !approvedOnly || !includeFailed)
        return fail(r, 400, error);
    if (!*anonymize && !r.key.allows(ScopeRaw))
        return fail(
            r, 403,
            u"The key '%1' has no 'raw' scope: exports are anonymized for it (leave out anonymize=false)."_s
                .arg(r.key.name));
    o.anonymize = *anonymize;
    if (*includeRejected && *approvedOnly)
        return fail(r, 400, u"include_rejected and approved_only exclude each other."_s);
    o.review = *approvedOnly ? ReviewScope::ApprovedOnly
                             : (*includeRejected ? ReviewScope::IncludeRejected : ReviewScope::NotRejected);
    o.includeFailed = *includeFailed;
    if (r.query.hasQueryItem(u"dedupe"_s)) {
        const std::optional<bool> dedupe = boolParameter(r.query, u"dedupe"_s, false, &error);
        if (!dedupe)
            return fail(r, 400, error);
        o.dedupe = *dedupe;
    }
    if (r.query.hasQueryItem(u"fields"_s)) {
        const std::optional<QList<Field>> fields = parseFields(r.query.queryItemValue(u"fields"_s), &error);
        if (!fields)
            return fail(r, 400, u"fields: %1"_s.arg(error));
        o.fields = *fields;
    }
    o.target = u"-"_s;
    if (const QString problem = o.validate(); !problem.isEmpty())
        return fail(r, 400, problem);

    const QString fileName = u"training_data_%1.%2"_s.arg(
        QDateTime::currentDateTimeUtc().toString(u"yyyyMMdd_HHmmss"_s), formatExtension(o.format));
    auto *stream =
        new ExportStream(m_store.exportJob(), o, r.socket, contentTypeOf(o.format), fileName, r.close, this);
    stream->setReachable([this] { return m_store.reachable(); });
    const QJsonObject detail{
        {u"key"_s, r.key.name},
        {u"route"_s, u"GET /api/training-data/export"_s},
        {u"format"_s, formatName(o.format)},
        {u"anonymized"_s, o.anonymize},
        {u"filter"_s, Exporter::recordedFilter(o.filter, o.anonymize ? anonymizerFor(r) : nullptr).toJson()}};
    connect(stream, &ExportStream::finished, this, [this, stream, detail] {
        QJsonObject d = detail;
        const ExportResult &result = stream->result();
        d[u"state"_s] =
            stream->clientGone() ? u"client disconnected"_s : (result.ok ? u"done"_s : u"failed"_s);
        d[u"bytes_sent"_s] = stream->bytesSent();
        if (!result.ok && !result.error.isEmpty() && !stream->clientGone())
            d[u"error"_s] = result.error;
        m_store.audit(u"api.export"_s, result.count, d);
    });
    if (!stream->start(&error)) {
        delete stream;
        return failed(r, error);
    }
}

} // namespace pairlens::server
