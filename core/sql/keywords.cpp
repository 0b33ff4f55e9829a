#include "sql/keywords.h"

#include <array>
#include <cstring>

namespace pairlens::sql {

namespace {

struct Entry
{
    const char *name;
    Keyword keyword;
    bool reserved;
};

// clang-format off
constexpr Entry kEntries[] = {
    {"select", Keyword::Select, true}, {"insert", Keyword::Insert, true},
    {"update", Keyword::Update, true}, {"delete", Keyword::Delete, true},
    {"merge", Keyword::Merge, true}, {"replace", Keyword::Replace, false},
    {"upsert", Keyword::Upsert, false}, {"create", Keyword::Create, true},
    {"alter", Keyword::Alter, true}, {"drop", Keyword::Drop, true},
    {"truncate", Keyword::Truncate, true}, {"grant", Keyword::Grant, true},
    {"revoke", Keyword::Revoke, true}, {"deny", Keyword::Deny, false},
    {"begin", Keyword::Begin, false}, {"commit", Keyword::Commit, false},
    {"rollback", Keyword::Rollback, false}, {"savepoint", Keyword::Savepoint, false},
    {"release", Keyword::Release, false}, {"start", Keyword::Start, false},
    {"abort", Keyword::Abort, false}, {"end", Keyword::End, true},
    {"declare", Keyword::Declare, true}, {"set", Keyword::Set, true},
    {"explain", Keyword::Explain, false}, {"describe", Keyword::Describe, false},
    {"with", Keyword::With, true}, {"values", Keyword::Values, true},
    {"table", Keyword::Table, true}, {"if", Keyword::If, false},
    {"while", Keyword::While, true}, {"else", Keyword::Else, true},
    {"go", Keyword::Go, false}, {"print", Keyword::Print, false},
    {"return", Keyword::Return, false}, {"break", Keyword::Break, false},
    {"continue", Keyword::Continue, false}, {"use", Keyword::Use, false},
    {"exec", Keyword::Exec, false}, {"execute", Keyword::Execute, false},
    {"pragma", Keyword::Pragma, false}, {"vacuum", Keyword::Vacuum, false},
    {"analyze", Keyword::Analyze, false}, {"call", Keyword::Call, false},
    {"show", Keyword::Show, false}, {"do", Keyword::Do, true},
    {"from", Keyword::From, true}, {"join", Keyword::Join, true},
    {"straight_join", Keyword::Join, true}, {"apply", Keyword::Apply, false},
    {"into", Keyword::Into, true}, {"using", Keyword::Using, true},
    {"on", Keyword::On, true}, {"as", Keyword::As, true},
    {"where", Keyword::Where, true}, {"group", Keyword::Group, true},
    {"having", Keyword::Having, true}, {"order", Keyword::Order, true},
    {"limit", Keyword::Limit, true}, {"offset", Keyword::Offset, true},
    {"fetch", Keyword::Fetch, true}, {"union", Keyword::Union, true},
    {"intersect", Keyword::Intersect, true}, {"except", Keyword::Except, true},
    {"minus", Keyword::Minus, false}, {"window", Keyword::Window, true},
    {"qualify", Keyword::Qualify, false}, {"returning", Keyword::Returning, true},
    {"option", Keyword::Option, false}, {"when", Keyword::When, true},
    {"then", Keyword::Then, true}, {"case", Keyword::Case, true},
    {"for", Keyword::For, true}, {"key", Keyword::Key, false},
    {"or", Keyword::Or, true}, {"distinct", Keyword::Distinct, true},
    {"all", Keyword::All, true}, {"lateral", Keyword::Lateral, true},
    {"only", Keyword::Only, true}, {"exists", Keyword::Exists, true},
    {"not", Keyword::Not, true}, {"recursive", Keyword::Recursive, false},
    {"materialized", Keyword::Materialized, false}, {"view", Keyword::View, false},
    {"index", Keyword::Index, false}, {"trigger", Keyword::Trigger, false},
    {"rule", Keyword::Rule, false}, {"policy", Keyword::Policy, false},
    {"function", Keyword::Function, false}, {"procedure", Keyword::Procedure, false},
    {"proc", Keyword::Procedure, false}, {"references", Keyword::References, true},
    {"before", Keyword::Before, false}, {"after", Keyword::After, false},
    {"of", Keyword::Of, true}, {"instead", Keyword::Instead, false},
    {"also", Keyword::Also, false}, {"temp", Keyword::Temp, false},
    {"temporary", Keyword::Temporary, false}, {"unlogged", Keyword::Unlogged, false},
    {"global", Keyword::Global, false}, {"local", Keyword::Local, false},
    {"unique", Keyword::Unique, true}, {"concurrently", Keyword::Concurrently, false},
    {"transaction", Keyword::Transaction, false}, {"tran", Keyword::Tran, false},
    {"work", Keyword::Work, false}, {"isolation", Keyword::Isolation, false},
    {"deferred", Keyword::Deferred, false}, {"immediate", Keyword::Immediate, false},
    {"exclusive", Keyword::Exclusive, false}, {"try", Keyword::Try, false},
    {"catch", Keyword::Catch, false}, {"query", Keyword::Query, false},
    {"top", Keyword::Top, true}, {"column", Keyword::Column, false},
    {"constraint", Keyword::Constraint, true}, {"sequence", Keyword::Sequence, false},
    {"schema", Keyword::Schema, false}, {"database", Keyword::Database, false},
    {"type", Keyword::Type, false}, {"extension", Keyword::Extension, false},
    {"conflict", Keyword::Conflict, false},
    // reserved words the analyzer has no special rule for
    {"and", Keyword::Reserved, true}, {"null", Keyword::Reserved, true},
    {"is", Keyword::Reserved, true}, {"in", Keyword::Reserved, true},
    {"like", Keyword::Reserved, true}, {"ilike", Keyword::Reserved, true},
    {"between", Keyword::Reserved, true}, {"by", Keyword::Reserved, true},
    {"inner", Keyword::Reserved, true}, {"left", Keyword::Reserved, true},
    {"right", Keyword::Reserved, true}, {"full", Keyword::Reserved, true},
    {"outer", Keyword::Reserved, true}, {"cross", Keyword::Reserved, true},
    {"natural", Keyword::Reserved, true}, {"asc", Keyword::Reserved, true},
    {"desc", Keyword::Reserved, true}, {"true", Keyword::Reserved, true},
    {"false", Keyword::Reserved, true}, {"default", Keyword::Reserved, true},
    {"primary", Keyword::Reserved, true}, {"foreign", Keyword::Reserved, true},
    {"check", Keyword::Reserved, true}, {"over", Keyword::Reserved, true},
    {"partition", Keyword::Reserved, true}, {"cast", Keyword::Reserved, false},
    {"array", Keyword::Reserved, true}, {"any", Keyword::Reserved, true},
    {"some", Keyword::Reserved, true}, {"similar", Keyword::Reserved, true},
    {"escape", Keyword::Reserved, true}, {"collate", Keyword::Reserved, true},
    {"glob", Keyword::Reserved, true}, {"regexp", Keyword::Reserved, true},
    {"rows", Keyword::Reserved, true}, {"range", Keyword::Reserved, true},
    {"unbounded", Keyword::Reserved, true}, {"preceding", Keyword::Reserved, true},
    {"following", Keyword::Reserved, true}, {"current", Keyword::Reserved, true},
    {"interval", Keyword::Reserved, true}, {"nulls", Keyword::Reserved, true},
    {"ties", Keyword::Reserved, true}, {"ordinality", Keyword::Reserved, true},
};
// clang-format on

constexpr qsizetype kMaxLength = 16;
constexpr quint32 kSlots = 512; // power of two, well above 2x the entries

inline quint32 hashStep(quint32 h, unsigned char c)
{
    return (h ^ c) * 16777619u;
}

struct Table
{
    std::array<qint16, kSlots> m_slots;
    std::array<qsizetype, std::size(kEntries)> m_lengths;

    Table()
    {
        m_slots.fill(-1);
        for (qsizetype i = 0; i < qsizetype(std::size(kEntries)); ++i) {
            m_lengths[size_t(i)] = qsizetype(std::strlen(kEntries[i].name));
            quint32 h = 2166136261u;
            for (const char *p = kEntries[i].name; *p; ++p)
                h = hashStep(h, static_cast<unsigned char>(*p));
            quint32 slot = h & (kSlots - 1);
            while (m_slots[slot] >= 0)
                slot = (slot + 1) & (kSlots - 1);
            m_slots[slot] = qint16(i);
        }
    }

    const Entry *find(QStringView word) const
    {
        const qsizetype n = word.size();
        if (n == 0 || n > kMaxLength)
            return nullptr;
        char lower[kMaxLength];
        quint32 h = 2166136261u;
        for (qsizetype i = 0; i < n; ++i) {
            char16_t c = word[i].unicode();
            if (c >= u'A' && c <= u'Z')
                c = char16_t(c + 32);
            else if (!((c >= u'a' && c <= u'z') || c == u'_'))
                return nullptr; // keywords are letters and '_' only
            lower[i] = char(c);
            h = hashStep(h, static_cast<unsigned char>(c));
        }
        for (quint32 slot = h & (kSlots - 1);; slot = (slot + 1) & (kSlots - 1)) {
            const qint16 index = m_slots[slot];
            if (index < 0)
                return nullptr;
            const Entry &entry = kEntries[index];
            if (m_lengths[index] == n && std::memcmp(entry.name, lower, size_t(n)) == 0)
                return &entry;
        }
    }
};

const Table &table()
{
    static const Table instance;
    return instance;
}

} // namespace

Keyword keywordOf(QStringView word)
{
    const Entry *entry = table().find(word);
    return entry ? entry->keyword : Keyword::None;
}

KeywordInfo keywordInfo(QStringView word)
{
    const Entry *entry = table().find(word);
    return entry ? KeywordInfo{entry->keyword, entry->reserved} : KeywordInfo{};
}

bool isReservedWord(QStringView word)
{
    const Entry *entry = table().find(word);
    return entry && entry->reserved;
}

bool equalsLower(QStringView word, const char *lowerAscii)
{
    qsizetype i = 0;
    for (; lowerAscii[i]; ++i) {
        if (i >= word.size())
            return false;
        char16_t c = word[i].unicode();
        if (c >= u'A' && c <= u'Z')
            c = char16_t(c + 32);
        if (c != char16_t(static_cast<unsigned char>(lowerAscii[i])))
            return false;
    }
    return i == word.size();
}

} // namespace pairlens::sql
