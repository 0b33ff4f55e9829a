#include "server/apiquery.h"

#include "dataset/deriver.h"
#include "dataset/importer.h"
#include "privacy/anonymizer.h"
#include "privacy/piikind.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace pairlens::server {
namespace {
QStringList listParameter(const QUrlQuery &query, const QString &name)
{
    QStringList out;
    for (const QString &v : query.allQueryItemValues(name, QUrl::FullyDecoded)) {
        for (const QString &part : v.split(u',', Qt::SkipEmptyParts)) {
            if (!part.trimmed().isEmpty())
                out << part.trimmed();
        }
    }
    return out;
}

QString value(const QUrlQuery &query, const QString &name)
{
    return query.queryItemValue(name, QUrl::FullyDecoded);
}
} // namespace

std::optional<bool> boolParameter(const QUrlQuery &query, const QString &name, bool fallback, QString *error)
{
    if (!query.hasQueryItem(name))
        return fallback;
    const QString v = value(query, name).trimmed().toLower();
    if (v.isEmpty() || v == u"true"_s || v == u"1"_s || v == u"yes"_s)
        return true;
    if (v == u"false"_s || v == u"0"_s || v == u"no"_s)
        return false;
    *error = u"%1: \"%2\" is not true or false."_s.arg(name, value(query, name));
    return std::nullopt;
}

std::optional<qint64> intParameter(const QUrlQuery &query, const QString &name, qint64 fallback, qint64 max,
                                   QString *error)
{
    if (!query.hasQueryItem(name))
        return fallback;
    bool ok = false;
    const qint64 v = value(query, name).trimmed().toLongLong(&ok);
    if (!ok || v < 0 || v > max) {
        *error = u"%1: \"%2\" is not a whole number from 0 to %3."_s.arg(name, value(query, name)).arg(max);
        return std::nullopt;
    }
    return v;
}

std::optional<Filter> filterFromQuery(const QUrlQuery &query, QString *error)
{
    Filter f;
    const auto fail = [error](const QString &message) {
        *error = message;
        return std::nullopt;
    };
    for (const auto &[name, endOfDay] : {std::pair{u"start_date"_s, false}, std::pair{u"end_date"_s, true}}) {
        if (!query.hasQueryItem(name))
            continue;
        const QDateTime d = parseFilterDate(value(query, name).trimmed(), endOfDay);
        if (!d.isValid())
            return fail(
                u"%1: \"%2\" is not a date (use YYYY-MM-DD or ISO-8601)."_s.arg(name, value(query, name)));
        (endOfDay ? f.to : f.from) = d;
    }
    const std::optional<bool> successful = boolParameter(query, u"successful_only"_s, false, error);
    const std::optional<bool> failed = boolParameter(query, u"failed_only"_s, false, error);
    if (!successful || !failed)
        return std::nullopt;
    if (*successful && *failed)
        return fail(u"successful_only and failed_only exclude each other."_s);
    f.success = *successful ? Filter::Success::SuccessfulOnly
                            : (*failed ? Filter::Success::FailedOnly : Filter::Success::Any);
    for (const QString &t : listParameter(query, u"query_type"_s))
        f.queryTypes << t.toUpper();
    f.databaseTypes = listParameter(query, u"database_type"_s);
    f.databaseNames = listParameter(query, u"database_name"_s);
    f.tables = listParameter(query, u"table"_s);
    f.search = value(query, u"search"_s).trimmed();
    if (query.hasQueryItem(u"pii"_s)) {
        f.piiRequired = true;
        for (const QString &k : listParameter(query, u"pii"_s)) {
            if (k.compare(u"any"_s, Qt::CaseInsensitive) == 0 ||
                k.compare(u"true"_s, Qt::CaseInsensitive) == 0)
                continue;
            const quint32 bit = piiKindFromName(k);
            if (!bit)
                return fail(u"pii: unknown kind \"%1\" (known: %2)."_s.arg(
                    k, piiKindNames(0xFFFFFFFFu).join(u", "_s)));
            f.piiKinds |= bit;
        }
    }
    for (const QString &s : listParameter(query, u"status"_s)) {
        const int v = reviewStatusFromName(s);
        if (v < 0)
            return fail(
                u"status: unknown review status \"%1\" (use approved, rejected or unreviewed)."_s.arg(s));
        f.reviewStatuses << v;
    }
    return f;
}

QString encodeCursor(const PairStore::PageKey &key)
{
    const QJsonObject o{{u"v"_s, QJsonArray::fromVariantList(key.values)}, {u"r"_s, key.rowId}};
    return QString::fromLatin1(QJsonDocument(o)
                                   .toJson(QJsonDocument::Compact)
                                   .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

std::optional<PairStore::PageKey> decodeCursor(const QString &cursor)
{
    const auto decoded = QByteArray::fromBase64Encoding(
        cursor.toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;
    const QJsonDocument d = QJsonDocument::fromJson(*decoded);
    if (!d.isObject() || !d.object().value(u"v"_s).isArray() || !d.object().value(u"r"_s).isDouble())
        return std::nullopt;
    PairStore::PageKey key;
    key.values = d.object().value(u"v"_s).toArray().toVariantList();
    key.rowId = qint64(d.object().value(u"r"_s).toDouble());
    return key;
}

std::optional<Pair> pairFromBody(const QJsonObject &body, QString *error)
{
    // The API is stricter than an import about the two required fields: they must be strings.
    for (const QString &field : {u"natural_language_query"_s, u"sql_query"_s}) {
        const QJsonValue v = body.value(field);
        if (v.isUndefined() || v.isNull() || (v.isString() && v.toString().trimmed().isEmpty())) {
            *error = u"natural_language_query and sql_query are required."_s;
            return std::nullopt;
        }
        if (!v.isString()) {
            *error = u"%1 must be a string."_s.arg(field);
            return std::nullopt;
        }
    }
    for (const QString &field : {u"pair_id"_s, u"timestamp"_s, u"database_type"_s, u"database_name"_s}) {
        const QJsonValue v = body.value(field);
        if (!v.isUndefined() && !v.isNull() && !v.isString()) {
            *error = u"%1 must be a string."_s.arg(field);
            return std::nullopt;
        }
    }
    if (body.contains(u"success"_s) && !body.value(u"success"_s).isBool()) {
        *error = u"success must be true or false."_s;
        return std::nullopt;
    }
    const QJsonValue et = body.value(u"execution_time_ms"_s);
    if (!et.isUndefined() && !et.isNull() && !et.isDouble()) {
        *error = u"execution_time_ms must be a number."_s;
        return std::nullopt;
    }
    const QJsonValue meta = body.value(u"metadata"_s);
    if (!meta.isUndefined() && !meta.isNull() && !meta.isObject()) {
        *error = u"metadata must be a JSON object."_s;
        return std::nullopt;
    }
    QString reason;
    const QByteArray fallbackId = QUuid::createUuid().toRfc4122();
    std::optional<Pair> p = Importer::pairFromRecord(body, fallbackId, &reason);
    if (!p) {
        *error =
            reason.isEmpty() ? u"The pair is not valid."_s : reason.at(0).toUpper() + reason.mid(1) + u'.';
        return std::nullopt;
    }
    if (!body.contains(u"pair_id"_s) || body.value(u"pair_id"_s).toString().trimmed().isEmpty())
        p->pairId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    if (p->timestamp.isEmpty())
        p->timestamp = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    return p;
}

QJsonObject apiPair(const Pair &pair, const privacy::Anonymizer *anonymizer)
{
    QJsonObject o = pairToJson(pair);
    if (anonymizer && !pair.databaseName.isEmpty())
        o[u"database_name"_s] = anonymizer->anonymizeDatabaseName(pair.databaseName);
    o[u"deleted"_s] = pair.deleted;
    return o;
}

} // namespace pairlens::server
