// A record of an import file mapped to a pair: its fields, their limits, and its JSON text parsed.

#include "dataset/importer.h"
#include "dataset/importer_p.h"

#include "dataset/deriver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QStringDecoder>
#include <QUuid>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace pairlens {

namespace detail {

namespace {

// Namespace for the stable ids of records that arrive without a pair_id.
const QUuid kIdNamespace(u"6f1d2a4e-3c9b-4f7a-9a51-2b0c8e7d5f10"_s);

std::optional<bool> parseBool(const RecordScalar &v)
{
    switch (v.kind) {
    case RecordScalar::Kind::Bool:
        return v.boolean;
    case RecordScalar::Kind::Number:
        return v.number != 0;
    case RecordScalar::Kind::String: {
        const QString s = v.text.trimmed().toLower();
        if (s == u"true"_s || s == u"1"_s || s == u"yes"_s || s == u"t"_s || s == u"success"_s)
            return true;
        if (s == u"false"_s || s == u"0"_s || s == u"no"_s || s == u"f"_s || s == u"failure"_s ||
            s == u"failed"_s)
            return false;
        return std::nullopt;
    }
    default:
        return std::nullopt;
    }
}

// A field's value as the pair holds it: a number in full precision, true or false, an object or
// array as compact JSON.
QString textOf(const RecordScalar &v)
{
    switch (v.kind) {
    case RecordScalar::Kind::String:
    case RecordScalar::Kind::Json:
        return v.text;
    case RecordScalar::Kind::Number:
        return QString::number(v.number, 'g', 17);
    case RecordScalar::Kind::Bool:
        return v.boolean ? u"true"_s : u"false"_s;
    default:
        return {};
    }
}

RecordScalar scalarOf(const QJsonValue &v)
{
    RecordScalar s;
    if (v.isUndefined())
        return s;
    if (v.isNull())
        s.kind = RecordScalar::Kind::Null;
    else if (v.isString())
        s.kind = RecordScalar::Kind::String, s.text = v.toString();
    else if (v.isDouble())
        s.kind = RecordScalar::Kind::Number, s.number = v.toDouble();
    else if (v.isBool())
        s.kind = RecordScalar::Kind::Bool, s.boolean = v.toBool();
    else
        s.kind = RecordScalar::Kind::Json,
        s.text = QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
    return s;
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

} // namespace

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

bool isKnownRecordKey(QStringView key)
{
    return std::any_of(std::begin(kRecordKeys), std::end(kRecordKeys), [key](const RecordKey &k) {
        return key == QLatin1StringView(k.name.data(), qsizetype(k.name.size()));
    });
}

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

namespace detail {

RecordFields fieldsOf(const QJsonObject &o)
{
    RecordFields f;
    for (const RecordKey &k : kRecordKeys) {
        RecordScalar *scalar = f.scalar(k.field);
        if (!scalar || scalar->kind != RecordScalar::Kind::Absent)
            continue; // not a scalar, or read under an earlier name
        const auto it = o.constFind(QLatin1StringView(k.name.data(), qsizetype(k.name.size())));
        if (it != o.constEnd() && (readsNull(k.field) || !it->isNull()))
            *scalar = scalarOf(*it);
    }
    // Metadata is a JSON object, or a string holding one (CSV); null, absent or an empty string
    // mean none. Anything else (an array, a number, true or false) is refused like a string that
    // holds no object, never dropped.
    const QJsonValue meta = o.value(u"metadata"_s);
    if (meta.isObject()) {
        f.metadata = meta.toObject();
    } else if (meta.isString()) {
        if (!meta.toString().trimmed().isEmpty()) {
            const QJsonDocument d = QJsonDocument::fromJson(meta.toString().toUtf8());
            if (d.isObject())
                f.metadata = d.object();
            else
                f.metadataError = tr("\"metadata\" is not a JSON object");
        }
    } else if (meta.isArray()) {
        f.metadataError = tr("\"metadata\" is not a JSON object (it is an array)");
    } else if (meta.isDouble()) {
        f.metadataError = tr("\"metadata\" is not a JSON object (it is a number)");
    } else if (meta.isBool()) {
        f.metadataError = tr("\"metadata\" is not a JSON object (it is true or false)");
    }
    // Anything else the record carries (the public data's source, split, difficulty, ...) is kept.
    if (f.metadataError.isEmpty()) {
        for (auto it = o.constBegin(); it != o.constEnd(); ++it) {
            if (!isKnownRecordKey(it.key()) && !f.metadata.contains(it.key()))
                f.metadata.insert(it.key(), it.value());
        }
    }
    return f;
}

std::optional<Pair> pairFromFields(RecordFields &f, const std::function<QByteArray()> &fallbackId,
                                   QString *reason, QByteArray *metadataJson)
{
    Pair p;
    const auto present = [](const RecordScalar &v) {
        return v.kind != RecordScalar::Kind::Absent && v.kind != RecordScalar::Kind::Null;
    };
    if (!present(f.question)) {
        *reason = tr("no question (natural_language_query or question)");
        return std::nullopt;
    }
    p.naturalLanguageQuery = textOf(f.question);
    if (p.naturalLanguageQuery.trimmed().isEmpty()) {
        *reason = tr("the question is empty");
        return std::nullopt;
    }
    if (!present(f.sql)) {
        *reason = tr("no SQL (sql_query or sql)");
        return std::nullopt;
    }
    p.sqlQuery = textOf(f.sql);
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
    p.pairId = textOf(f.pairId).trimmed();
    if (largeField(p.pairId, u"pair_id"_s))
        return std::nullopt;
    if (p.pairId.isEmpty())
        p.pairId = QUuid::createUuidV5(kIdNamespace, fallbackId()).toString(QUuid::WithoutBraces);
    p.timestamp = textOf(f.timestamp).trimmed();
    if (largeField(p.timestamp, u"timestamp"_s))
        return std::nullopt;
    if (!p.timestamp.isEmpty() && normalisePairTimestamp(p.timestamp).isEmpty()) {
        *reason = tr("the timestamp \"%1\" is not an ISO-8601 date and time").arg(p.timestamp.left(40));
        return std::nullopt;
    }
    p.databaseType = textOf(f.databaseType).trimmed();
    p.databaseName = textOf(f.databaseName).trimmed();
    if (largeField(p.databaseType, u"database_type"_s) || largeField(p.databaseName, u"database_name"_s))
        return std::nullopt;
    if (f.success.kind != RecordScalar::Kind::Absent) {
        const std::optional<bool> s = parseBool(f.success);
        if (!s) {
            *reason = tr("\"success\" is not true or false");
            return std::nullopt;
        }
        p.success = *s;
    }
    p.executionTimeMs = -1;
    if (f.executionTime.kind == RecordScalar::Kind::Number) {
        p.executionTimeMs = f.executionTime.number;
    } else if (f.executionTime.kind == RecordScalar::Kind::String && !f.executionTime.text.isEmpty()) {
        bool ok = false;
        p.executionTimeMs = f.executionTime.text.toDouble(&ok);
        if (!ok) {
            *reason = tr("\"execution_time_ms\" is not a number");
            return std::nullopt;
        }
    }
    if (p.executionTimeMs < -1)
        p.executionTimeMs = -1;
    if (!f.metadataError.isEmpty()) {
        *reason = f.metadataError;
        return std::nullopt;
    }
    const int status = reviewStatusFromName(textOf(f.reviewStatus));
    if (status >= 0)
        p.reviewStatus = ReviewStatus(status);
    p.reviewerNote = textOf(f.reviewerNote);
    if (largeField(p.reviewerNote, u"reviewer_note"_s))
        return std::nullopt;
    p.metadata = std::move(f.metadata);
    QByteArray text = f.metadataText.isNull() ? metadataText(p.metadata) : std::move(f.metadataText);
    if (text.size() > Importer::kMaxFieldBytes) {
        *reason = tr("\"metadata\" (with the other fields the record carries) is larger than 1 MiB of UTF-8");
        return std::nullopt;
    }
    if (metadataJson)
        *metadataJson = std::move(text);
    return p;
}

} // namespace detail

std::optional<Pair> Importer::pairFromRecord(const QJsonObject &o, const QByteArray &fallbackId,
                                             QString *reason, QByteArray *metadataJson)
{
    RecordFields f = fieldsOf(o);
    return pairFromFields(
        f, [&] { return fallbackId; }, reason, metadataJson);
}

} // namespace pairlens
