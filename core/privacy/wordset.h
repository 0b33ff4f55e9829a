#pragma once

// Internal: a small fixed list of lower-case words that a word of a text is compared with in any
// case (street types, particles, context words). The list keeps, per word length, which first
// letters its words have, so a word whose length and first letter no entry has is answered
// without a comparison: the name and address rules ask this at every capitalised word, and almost
// every answer is no. The answer is exactly that of comparing with every entry.

#include <QStringView>

#include <algorithm>
#include <array>
#include <cstddef>
#include <string_view>

namespace pairlens::privacy::detail {

// Qt's case-insensitive equality (QStringView::compare with Qt::CaseInsensitive) decided in ASCII:
// 1 equal, 0 not, -1 when a unit outside ASCII is reached first and Qt's folding has to decide.
// ASCII letters fold with `| 0x20`, every other ASCII unit only equals itself, and the units are
// compared in step up to the first difference, as Qt does.
inline int asciiFoldedEquals(QStringView a, std::u16string_view b)
{
    const qsizetype n = std::min(a.size(), qsizetype(b.size()));
    for (qsizetype k = 0; k < n; ++k) {
        const char16_t x = a[k].unicode(), y = b[size_t(k)];
        if (x >= 0x80 || y >= 0x80)
            return -1;
        if (x == y)
            continue;
        const char16_t lx = x >= u'A' && x <= u'Z' ? char16_t(x | 0x20) : x;
        const char16_t ly = y >= u'A' && y <= u'Z' ? char16_t(y | 0x20) : y;
        if (lx != ly)
            return 0;
    }
    if (a.size() == qsizetype(b.size()))
        return 1;
    for (qsizetype k = n; k < a.size(); ++k) {
        if (a[k].unicode() >= 0x80)
            return -1;
    }
    for (size_t k = size_t(n); k < b.size(); ++k) {
        if (b[k] >= 0x80)
            return -1;
    }
    return 0;
}

template <std::size_t N> class WordSet
{
public:
    template <typename... T> constexpr WordSet(T... words) : m_words{std::u16string_view(words)...}
    {
        for (std::u16string_view w : m_words) {
            const std::size_t length = std::min<std::size_t>(w.size(), kLengths - 1);
            const char16_t first = w.empty() ? u'\0' : w.front();
            // An entry that does not start with a letter a-z may equal a word of any first letter.
            m_firsts[length] |= first >= u'a' && first <= u'z' ? 1u << (first - u'a') : ~0u;
        }
    }

    // Whether `word` equals an entry, ignoring case (Qt's case-insensitive comparison).
    bool containsFolded(QStringView word) const
    {
        if (word.isEmpty())
            return false;
        const char16_t first = word.front().unicode();
        if (first < 0x80) {
            const char16_t lower = first | 0x20; // a letter a-z exactly when `first` is an ASCII letter
            const std::size_t length = std::min<std::size_t>(std::size_t(word.size()), kLengths - 1);
            if (lower >= u'a' && lower <= u'z' && !(m_firsts[length] & (1u << (lower - u'a'))))
                return false;
        }
        for (std::u16string_view x : m_words) {
            const QStringView sv(x.data(), qsizetype(x.size()));
            if (word.size() != sv.size() || !mayEqualFolded(first, x.empty() ? u'\0' : x.front()))
                continue;
            const int equal = asciiFoldedEquals(word, x);
            if (equal == 1 || (equal < 0 && word.compare(sv, Qt::CaseInsensitive) == 0))
                return true;
        }
        return false;
    }

    // Whether `word` equals an entry exactly (case-sensitive).
    bool contains(QStringView word) const
    {
        for (std::u16string_view x : m_words) {
            if (QStringView(x.data(), qsizetype(x.size())) == word)
                return true;
        }
        return false;
    }

private:
    static constexpr std::size_t kLengths = 16; // lengths 0..14 apart, 15 and longer together

    // Whether a unit of a word may equal, in any case, the first unit of an entry: exact for ASCII
    // letters, always true otherwise (Qt folds some characters outside ASCII onto ASCII letters).
    static bool mayEqualFolded(char16_t w, char16_t x) { return w >= 0x80 || x >= 0x80 || (w | 0x20) == x; }

    std::array<std::u16string_view, N> m_words;
    std::array<quint32, kLengths> m_firsts{};
};

template <typename... T> WordSet(T...) -> WordSet<sizeof...(T)>;

} // namespace pairlens::privacy::detail
