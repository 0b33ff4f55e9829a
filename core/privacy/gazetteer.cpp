// The gazetteer: ~133,000 lower-case words compiled in (names.inc), put into a hash table on first
// use. Lookups lower-case the word into a small buffer: no allocation on the hot path.
#include "privacy/gazetteer.h"

#include <QChar>

#include <string_view>
#include <vector>

namespace pairlens::privacy::detail {

namespace {

struct Entry
{
    std::u16string_view word;
    quint8 bits;
};

// const, not constexpr: clang stops evaluating 133,000 string_view constructors at its step limit.
const Entry kEntries[] = {
#include "gazetteers/names.inc"
};

// Open addressing over the entries' indices (linear probing, at most half full): no allocation per
// entry, so building it costs a few instructions per word (~133,000 words) and a lookup touches one
// or two cache lines.
quint32 hashOf(std::u16string_view w)
{
    quint32 h = 2166136261u; // FNV-1a over the UTF-16 units
    for (char16_t c : w)
        h = (h ^ c) * 16777619u;
    return h ^ (h >> 15);
}

struct Table
{
    std::vector<quint32> cells; // entry index + 1, 0 when empty
    quint32 mask = 0;
    Table()
    {
        size_t size = 1;
        while (size < std::size(kEntries) * 2)
            size <<= 1;
        cells.assign(size, 0);
        mask = quint32(size - 1);
        for (quint32 e = 0; e < quint32(std::size(kEntries)); ++e) {
            quint32 k = hashOf(kEntries[e].word) & mask;
            while (cells[k] != 0)
                k = (k + 1) & mask;
            cells[k] = e + 1;
        }
    }
    quint8 find(std::u16string_view w) const
    {
        for (quint32 k = hashOf(w) & mask;; k = (k + 1) & mask) {
            const quint32 e = cells[k];
            if (e == 0)
                return 0;
            if (kEntries[e - 1].word == w)
                return kEntries[e - 1].bits;
        }
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
    return table().find(std::u16string_view(buffer, size_t(word.size())));
}

qsizetype gazetteerSize()
{
    return qsizetype(std::size(kEntries));
}

} // namespace pairlens::privacy::detail
