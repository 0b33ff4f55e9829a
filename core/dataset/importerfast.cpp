// The fields of a JSON Lines record read by simdjson instead of Qt's JSON parser, for the records
// it reads exactly as parseRecordText() and fieldsOf() do; every other line goes their way.

#include "dataset/importer_p.h"

#include <QJsonDocument>
#include <QStringDecoder>
#include <QVarLengthArray>

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <memory>
#include <string_view>

namespace pairlens::detail {
namespace {

// Longer lines take Qt's way: the parser's buffers grow to the longest line a thread has read and
// stay, so this bounds what each worker keeps (a few times this size).
constexpr qsizetype kMaxFastBytes = 256 * 1024;

// The entry of kRecordKeys for a key, or nullptr (a key kept in the metadata).
const RecordKey *knownKey(std::string_view key)
{
    for (const RecordKey &k : kRecordKeys) {
        if (k.name == key)
            return &k;
    }
    return nullptr;
}

QString qstring(std::string_view s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

bool isAscii(const QByteArray &text)
{
    const char *p = text.constData();
    const char *end = p + text.size();
    for (; end - p >= 8; p += 8) {
        quint64 block;
        std::memcpy(&block, p, 8);
        if (block & 0x8080808080808080ULL)
            return false;
    }
    for (; p < end; ++p) {
        if (static_cast<unsigned char>(*p) & 0x80)
            return false;
    }
    return true;
}

// Integers Qt's parser keeps as integers; past them it keeps a double (a value this leaves to it).
constexpr qint64 kExactInteger = qint64(1) << 53;

bool scalarOf(simdjson::dom::element e, RecordScalar *out)
{
    using T = simdjson::dom::element_type;
    switch (e.type()) {
    case T::STRING:
        out->kind = RecordScalar::Kind::String;
        out->text = qstring(e.get_string().value_unsafe());
        return true;
    case T::INT64: {
        const qint64 n = e.get_int64().value_unsafe();
        if (n >= kExactInteger || n <= -kExactInteger)
            return false;
        out->kind = RecordScalar::Kind::Number;
        out->number = double(n);
        return true;
    }
    case T::DOUBLE:
        out->kind = RecordScalar::Kind::Number;
        out->number = e.get_double().value_unsafe();
        return out->number != 0; // Qt's way with the sign of "-0.0"
    case T::BOOL:
        out->kind = RecordScalar::Kind::Bool;
        out->boolean = e.get_bool().value_unsafe();
        return true;
    case T::NULL_VALUE:
        out->kind = RecordScalar::Kind::Null;
        return true;
    default: // arrays, objects, integers past 64 bits
        return false;
    }
}

bool jsonValueOf(simdjson::dom::element e, QJsonValue *out)
{
    using T = simdjson::dom::element_type;
    switch (e.type()) {
    case T::STRING:
        *out = QJsonValue(qstring(e.get_string().value_unsafe()));
        return true;
    case T::INT64: {
        const qint64 n = e.get_int64().value_unsafe();
        if (n >= kExactInteger || n <= -kExactInteger)
            return false;
        *out = QJsonValue(n);
        return true;
    }
    case T::DOUBLE: {
        const double d = e.get_double().value_unsafe();
        if (d == 0)
            return false; // Qt's way with the sign of "-0.0"
        *out = QJsonValue(d);
        return true;
    }
    case T::BOOL:
        *out = QJsonValue(e.get_bool().value_unsafe());
        return true;
    case T::NULL_VALUE:
        *out = QJsonValue(QJsonValue::Null);
        return true;
    default:
        return false;
    }
}

// Whether an object names a key twice (Qt's parser keeps one of them; this leaves that to it).
bool hasDuplicateKey(simdjson::dom::object o)
{
    std::string_view seen[64];
    int n = 0;
    for (const simdjson::dom::key_value_pair field : o) {
        if (n == 64)
            return true; // not a record this reads: too many keys to compare cheaply
        for (int i = 0; i < n; ++i) {
            if (seen[i] == field.key)
                return true;
        }
        seen[n++] = field.key;
    }
    return false;
}

struct Member
{
    std::string_view key;
    simdjson::dom::element value;
};

// Whether Qt's JSON writer copies a text as it is (deriver.cpp's plainJsonText()).
bool plainText(std::string_view text)
{
    return std::all_of(text.cbegin(), text.cend(),
                       [](char c) { return c >= 0x20 && c < 0x7F && c != '"' && c != '\\'; });
}

// metadataText() of the members (keys in Qt's order, values written as Qt's writer writes them)
// when every key is plain and every value a plain string, an integer Qt keeps as one, true, false
// or null; false for anything else, which Qt's writer then writes.
bool writePlainMetadata(QVarLengthArray<Member, 16> &members, QByteArray *out)
{
    using T = simdjson::dom::element_type;
    qsizetype size = 2;
    for (const Member &m : members) {
        if (!plainText(m.key))
            return false;
        switch (m.value.type()) {
        case T::STRING: {
            const std::string_view s = m.value.get_string().value_unsafe();
            if (!plainText(s))
                return false;
            size += qsizetype(s.size()) + 2;
            break;
        }
        case T::INT64: {
            const qint64 n = m.value.get_int64().value_unsafe();
            if (n >= kExactInteger || n <= -kExactInteger)
                return false;
            size += 20;
            break;
        }
        case T::BOOL:
        case T::NULL_VALUE:
            size += 5;
            break;
        default:
            return false;
        }
        size += qsizetype(m.key.size()) + 4;
    }
    // QJsonObject keeps its keys in the order of their UTF-16 units: for ASCII, of their bytes.
    std::sort(members.begin(), members.end(), [](const Member &a, const Member &b) { return a.key < b.key; });
    QByteArray text;
    text.reserve(size);
    text += '{';
    for (const Member &m : members) {
        if (text.size() > 1)
            text += ',';
        text += '"';
        text.append(m.key.data(), qsizetype(m.key.size()));
        text += "\":";
        switch (m.value.type()) {
        case T::STRING: {
            const std::string_view s = m.value.get_string().value_unsafe();
            text += '"';
            text.append(s.data(), qsizetype(s.size()));
            text += '"';
            break;
        }
        case T::INT64: {
            char digits[24];
            const auto r = std::to_chars(digits, digits + sizeof digits, m.value.get_int64().value_unsafe());
            text.append(digits, r.ptr - digits);
            break;
        }
        case T::BOOL:
            text += m.value.get_bool().value_unsafe() ? "true" : "false";
            break;
        default:
            text += "null";
            break;
        }
    }
    text += '}';
    *out = std::move(text);
    return true;
}

struct Parser
{
    simdjson::dom::parser parser;
    std::unique_ptr<char[]> padded{new char[kMaxFastBytes + simdjson::SIMDJSON_PADDING]};
};

} // namespace

bool fastRecordFields(const QByteArray &text, RecordFields *fields)
{
    if (text.size() > kMaxFastBytes || text.isEmpty())
        return false;
    if (!isAscii(text)) {
        // As parseRecordText() checks it (simdjson checks too, but this is the check its refusal
        // words).
        QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
        const QString decoded = decoder.decode(text);
        Q_UNUSED(decoded);
        if (decoder.hasError())
            return false;
    }
    if (!loneSurrogateEscape(text).isEmpty())
        return false;

    // One parser per worker thread, its buffers reused line after line.
    thread_local Parser p;
    std::memcpy(p.padded.get(), text.constData(), size_t(text.size()));
    std::memset(p.padded.get() + text.size(), 0, simdjson::SIMDJSON_PADDING);
    simdjson::dom::element doc;
    if (p.parser.parse(p.padded.get(), size_t(text.size()), false).get(doc) != simdjson::SUCCESS)
        return false;
    simdjson::dom::object record;
    if (doc.get_object().get(record) != simdjson::SUCCESS || hasDuplicateKey(record))
        return false;

    // For each field, the position in kRecordKeys of the name it was read under: an earlier name wins.
    const RecordKey *readAs[int(RecordField::Metadata)] = {};
    simdjson::dom::object metadata;
    bool hasMetadata = false;
    // The record's other keys, merged into the metadata once it is read.
    QList<std::pair<std::string_view, simdjson::dom::element>> others;

    for (const simdjson::dom::key_value_pair field : record) {
        const RecordKey *known = knownKey(field.key);
        if (!known) {
            others.append({field.key, field.value});
            continue;
        }
        if (known->field == RecordField::Derived)
            continue;
        if (known->field == RecordField::Metadata) {
            using T = simdjson::dom::element_type;
            if (field.value.type() == T::OBJECT) {
                metadata = field.value.get_object().value_unsafe();
                hasMetadata = true;
            } else if (field.value.type() != T::NULL_VALUE) {
                return false; // a string holding an object, or a refusal Qt's way words
            }
            continue;
        }
        RecordScalar value;
        if (!scalarOf(field.value, &value))
            return false;
        // Null counts as absent: the field is read under its next name (readsNull(): except these).
        if (value.kind == RecordScalar::Kind::Null && !readsNull(known->field))
            continue;
        const RecordKey *&read = readAs[int(known->field)];
        if (!read || known < read) {
            read = known;
            *fields->scalar(known->field) = std::move(value);
        }
    }

    // The metadata's members, then the other keys it does not name.
    QVarLengthArray<Member, 16> members;
    if (hasMetadata) {
        if (hasDuplicateKey(metadata))
            return false;
        for (const simdjson::dom::key_value_pair member : metadata)
            members.append({member.key, member.value});
    }
    const qsizetype named = members.size();
    for (const auto &other : others) {
        // (A plain pair, not a structured binding: clang 14 cannot capture one in a lambda.)
        const std::string_view key = other.first;
        const auto end = members.cbegin() + named;
        if (std::find_if(members.cbegin(), end, [key](const Member &m) { return m.key == key; }) == end)
            members.append({key, other.second});
    }
    if (writePlainMetadata(members, &fields->metadataText)) {
        // Qt's parser makes the object of that text in a third of the time of inserting its members.
        fields->metadata = QJsonDocument::fromJson(fields->metadataText).object();
        return true;
    }
    QJsonObject &meta = fields->metadata;
    for (const Member &m : members) {
        QJsonValue value;
        if (!jsonValueOf(m.value, &value))
            return false;
        meta.insert(qstring(m.key), value);
    }
    return true;
}

} // namespace pairlens::detail
