// A record of an import file mapped to a pair: its fields, their limits, and its JSON text parsed.

#include "dataset/importer.h"
#include "dataset/importer_p.h"

#include "dataset/deriver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QStringDecoder>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace pairlens {

namespace detail {

namespace {

// Namespace for the stable ids of records that arrive without a pair_id.
const QUuid kIdNamespace(u"6f1d2a4e-3c9b-4f7a-9a51-2b0c8e7d5f10"_s);

QString firstString(const QJsonObject &o, std::initializer_list<QString> keys, bool *present = nullptr)
{
    for (const QString &k : keys) {
        const auto it = o.constFind(k);
        if (it != o.constEnd() && !it->isNull() && !it->isUndefined()) {
            if (present)
                *present = true;
            if (it->isString())
                return it->toString();
            if (it->isDouble())
                return QString::number(it->toDouble(), 'g', 17);
            if (it->isBool())
                return it->toBool() ? u"true"_s : u"false"_s;
            return QString::fromUtf8(QJsonDocument(it->toObject()).toJson(QJsonDocument::Compact));
        }
    }
    if (present)
        *present = false;
    return {};
}

std::optional<bool> parseBool(const QJsonValue &v)
{
    if (v.isBool())
        return v.toBool();
    if (v.isDouble())
        return v.toDouble() != 0;
    if (v.isString()) {
        const QString s = v.toString().trimmed().toLower();
        if (s == u"true"_s || s == u"1"_s || s == u"yes"_s || s == u"t"_s || s == u"success"_s)
            return true;
        if (s == u"false"_s || s == u"0"_s || s == u"no"_s || s == u"f"_s || s == u"failure"_s ||
            s == u"failed"_s)
            return false;
    }
    return std::nullopt;
}

// Bytes of the UTF-8 form of a text (a surrogate pair makes 4, anything else 1-3).
qsizetype utf8Size(QStringView text)
{
    qsizetype n = 0;
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        n += u < 0x80 ? 1 : (u < 0x800 || QChar::isSurrogate(u)) ? 2 : 3;
    }
    return n;
}

bool tooLarge(QStringView text)
{
    return text.size() > Importer::kMaxFieldBytes / 3 && utf8Size(text) > Importer::kMaxFieldBytes;
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// The code unit of a \uXXXX escape at `at` (the backslash), or -1.
int escapedUnit(const QByteArray &json, qsizetype at)
{
    if (at + 6 > json.size() || json.at(at) != '\\' || json.at(at + 1) != 'u')
        return -1;
    int unit = 0;
    for (qsizetype i = at + 2; i < at + 6; ++i) {
        const int h = hexValue(json.at(i));
        if (h < 0)
            return -1;
        unit = unit * 16 + h;
    }
    return unit;
}

// A \uD800-\uDFFF escape that is not one half of a surrogate pair ("\ud800" followed by anything
// but a low surrogate, or a low surrogate alone), or an empty array. Such an escape is no
// character, and Qt's parser would merge a lone high one with the character after it.
QByteArray loneSurrogateEscape(const QByteArray &json)
{
    qsizetype at = json.indexOf('\\');
    while (at >= 0 && at + 1 < json.size()) {
        if (json.at(at + 1) != 'u') {
            at = json.indexOf('\\', at + 2); // an escaped character, maybe a backslash
            continue;
        }
        const int unit = escapedUnit(json, at);
        if (unit >= 0xD800 && unit <= 0xDBFF) {
            const int low = escapedUnit(json, at + 6);
            if (low < 0xDC00 || low > 0xDFFF)
                return json.mid(at, 6);
            at = json.indexOf('\\', at + 12);
            continue;
        }
        if (unit >= 0xDC00 && unit <= 0xDFFF)
            return json.mid(at, 6);
        at = json.indexOf('\\', at + 2);
    }
    return {};
}

const QStringList kKnownKeys = {
    u"pair_id"_s,
    u"id"_s,
    u"natural_language_query"_s,
    u"question"_s,
    u"sql_query"_s,
    u"sql"_s,
    u"query"_s,
    u"timestamp"_s,
    u"database_type"_s,
    u"db_type"_s,
    u"database_name"_s,
    u"db_id"_s,
    u"success"_s,
    u"execution_time_ms"_s,
    u"metadata"_s,
    u"query_type"_s,
    u"table_names"_s,
    u"review_status"_s,
    u"reviewer_note"_s,
    u"pii_kinds"_s,
};

} // namespace

// Parses the JSON text of one record (a JSON Lines line, a JSON array's element) into an object,
// or says why it can't be used. `what` names the text in reasons: "line" or "record".
bool parseRecordText(const QByteArray &text, bool isLine, QJsonObject *object, QString *reason)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString decoded = decoder.decode(text);
    Q_UNUSED(decoded);
    if (decoder.hasError()) {
        *reason = isLine ? tr("the line is not valid UTF-8") : tr("the record is not valid UTF-8");
        return false;
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(text, &pe);
    if (pe.error != QJsonParseError::NoError) {
        *reason = tr("not valid JSON (%1 at column %2)").arg(pe.errorString()).arg(pe.offset + 1);
        return false;
    }
    if (!doc.isObject()) {
        *reason = isLine ? tr("the line is not a JSON object") : tr("the record is not a JSON object");
        return false;
    }
    const QByteArray lone = loneSurrogateEscape(text);
    if (!lone.isEmpty()) {
        *reason = tr("the text holds %1, half of a UTF-16 surrogate pair without its other half, which is "
                     "not a character")
                      .arg(QString::fromLatin1(lone));
        return false;
    }
    *object = doc.object();
    return true;
}

} // namespace detail

using namespace detail;

std::optional<Pair> Importer::pairFromRecord(const QJsonObject &o, const QByteArray &fallbackId,
                                             QString *reason, QByteArray *metadataJson)
{
    Pair p;
    bool hasQuestion = false, hasSql = false;
    p.naturalLanguageQuery = firstString(o, {u"natural_language_query"_s, u"question"_s}, &hasQuestion);
    p.sqlQuery = firstString(o, {u"sql_query"_s, u"sql"_s, u"query"_s}, &hasSql);
    if (!hasQuestion) {
        *reason = tr("no question (natural_language_query or question)");
        return std::nullopt;
    }
    if (p.naturalLanguageQuery.trimmed().isEmpty()) {
        *reason = tr("the question is empty");
        return std::nullopt;
    }
    if (!hasSql) {
        *reason = tr("no SQL (sql_query or sql)");
        return std::nullopt;
    }
    if (tooLarge(p.naturalLanguageQuery)) {
        *reason = tr("the question is larger than 1 MiB of UTF-8");
        return std::nullopt;
    }
    if (tooLarge(p.sqlQuery)) {
        *reason = tr("the SQL is larger than 1 MiB of UTF-8");
        return std::nullopt;
    }
    auto largeField = [&](const QString &value, const QString &name) {
        if (!tooLarge(value))
            return false;
        *reason = tr("\"%1\" is larger than 1 MiB of UTF-8").arg(name);
        return true;
    };
    p.pairId = firstString(o, {u"pair_id"_s, u"id"_s}).trimmed();
    if (largeField(p.pairId, u"pair_id"_s))
        return std::nullopt;
    if (p.pairId.isEmpty())
        p.pairId = QUuid::createUuidV5(kIdNamespace, fallbackId).toString(QUuid::WithoutBraces);
    p.timestamp = firstString(o, {u"timestamp"_s}).trimmed();
    if (largeField(p.timestamp, u"timestamp"_s))
        return std::nullopt;
    if (!p.timestamp.isEmpty() && normalisePairTimestamp(p.timestamp).isEmpty()) {
        *reason = tr("the timestamp \"%1\" is not an ISO-8601 date and time").arg(p.timestamp.left(40));
        return std::nullopt;
    }
    p.databaseType = firstString(o, {u"database_type"_s, u"db_type"_s}).trimmed();
    p.databaseName = firstString(o, {u"database_name"_s, u"db_id"_s}).trimmed();
    if (largeField(p.databaseType, u"database_type"_s) || largeField(p.databaseName, u"database_name"_s))
        return std::nullopt;
    if (o.contains(u"success"_s)) {
        const std::optional<bool> s = parseBool(o.value(u"success"_s));
        if (!s) {
            *reason = tr("\"success\" is not true or false");
            return std::nullopt;
        }
        p.success = *s;
    }
    p.executionTimeMs = -1;
    const QJsonValue et = o.value(u"execution_time_ms"_s);
    if (et.isDouble()) {
        p.executionTimeMs = et.toDouble();
    } else if (et.isString() && !et.toString().isEmpty()) {
        bool ok = false;
        p.executionTimeMs = et.toString().toDouble(&ok);
        if (!ok) {
            *reason = tr("\"execution_time_ms\" is not a number");
            return std::nullopt;
        }
    }
    if (p.executionTimeMs < -1)
        p.executionTimeMs = -1;
    // Metadata is a JSON object, or a string holding one (CSV); null, absent or an empty string
    // mean none. Anything else (an array, a number, true or false) is refused like a string that
    // holds no object, never dropped.
    const QJsonValue meta = o.value(u"metadata"_s);
    if (meta.isObject()) {
        p.metadata = meta.toObject();
    } else if (meta.isString()) {
        if (!meta.toString().trimmed().isEmpty()) {
            const QJsonDocument d = QJsonDocument::fromJson(meta.toString().toUtf8());
            if (!d.isObject()) {
                *reason = tr("\"metadata\" is not a JSON object");
                return std::nullopt;
            }
            p.metadata = d.object();
        }
    } else if (meta.isArray()) {
        *reason = tr("\"metadata\" is not a JSON object (it is an array)");
        return std::nullopt;
    } else if (meta.isDouble()) {
        *reason = tr("\"metadata\" is not a JSON object (it is a number)");
        return std::nullopt;
    } else if (meta.isBool()) {
        *reason = tr("\"metadata\" is not a JSON object (it is true or false)");
        return std::nullopt;
    }
    const int status = reviewStatusFromName(firstString(o, {u"review_status"_s}));
    if (status >= 0)
        p.reviewStatus = ReviewStatus(status);
    p.reviewerNote = firstString(o, {u"reviewer_note"_s});
    if (largeField(p.reviewerNote, u"reviewer_note"_s))
        return std::nullopt;
    // Anything else the record carries (the public data's source, split, difficulty, ...) is kept.
    for (auto it = o.constBegin(); it != o.constEnd(); ++it) {
        if (!kKnownKeys.contains(it.key()) && !p.metadata.contains(it.key()))
            p.metadata.insert(it.key(), it.value());
    }
    QByteArray text = metadataText(p.metadata);
    if (text.size() > kMaxFieldBytes) {
        *reason = tr("\"metadata\" (with the other fields the record carries) is larger than 1 MiB of UTF-8");
        return std::nullopt;
    }
    if (metadataJson)
        *metadataJson = std::move(text);
    return p;
}

} // namespace pairlens
