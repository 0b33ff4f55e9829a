// The gazetteer: ~21,000 lower-case words compiled in (names.inc), put into a hash table on first
// use. Lookups lower-case the word into a small buffer: no allocation on the hot path.
#include "privacy/gazetteer.h"

#include <QChar>

#include <string_view>
#include <unordered_map>

namespace pairlens::privacy::detail {

namespace {

struct Entry
{
    std::u16string_view word;
    quint8 bits;
};

constexpr Entry kEntries[] = {
#include "gazetteers/names.inc"
};

struct Table
{
    std::unordered_map<std::u16string_view, quint8> map;
    Table()
    {
        map.reserve(std::size(kEntries) * 2);
        for (const Entry &e : kEntries)
            map.emplace(e.word, e.bits);
    }
};

const Table &table()
{
    static const Table t;
    return t;
}

} // namespace

quint8 gazetteerBits(QStringView word)
{
    constexpr qsizetype kMax = 40;
    if (word.size() < 2 || word.size() > kMax)
        return 0;
    char16_t buffer[kMax];
    for (qsizetype i = 0; i < word.size(); ++i) {
        const char16_t c = word[i].unicode();
        if (c < 0x80)
            buffer[i] = (c >= u'A' && c <= u'Z') ? char16_t(c | 0x20) : c;
        else if (QChar::isSurrogate(c))
            return 0; // no entry has characters outside the BMP
        else
            buffer[i] = QChar::toCaseFolded(c);
    }
    const auto &map = table().map;
    const auto it = map.find(std::u16string_view(buffer, size_t(word.size())));
    return it == map.end() ? 0 : it->second;
}

qsizetype gazetteerSize()
{
    return qsizetype(table().map.size());
}

} // namespace pairlens::privacy::detail
