// Street addresses written in East Asian forms (docs/anonymization.md): Japanese and Chinese
// ("東京都千代田区丸の内1-2-3", "北京市朝阳区建国路88号") and Korean ("서울특별시 강남구 테헤란로 123").
// The Latin forms are in detectaddress.cpp, which calls these at a digit.
#include "privacy/detectaddress_p.h"
#include "privacy/detectors.h"

#include <algorithm>
#include <string_view>

namespace pairlens::privacy::detail {

namespace {

bool isCjk(char16_t c)
{
    return (c >= 0x3040 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF);
}

bool isHangul(char16_t c)
{
    return c >= 0xAC00 && c <= 0xD7A3;
}

bool isOneOf(char16_t c, std::u16string_view set)
{
    return set.find(c) != std::u16string_view::npos;
}

} // namespace

// Japanese and Chinese: CJK text holding an administrative unit right before the number, the
// number written "1-2-3" or followed by 号, 番地, 番 or 丁目.
qsizetype matchCjk(QStringView text, qsizetype pos, qsizetype *start)
{
    qsizetype b = pos;
    while (b > 0 && pos - b < 24 && isCjk(text[b - 1].unicode()))
        --b;
    if (b == pos)
        return -1;
    qsizetype marker = -1;
    for (qsizetype k = b; k < pos; ++k) {
        if (isOneOf(text[k].unicode(), u"都道府県省市区町村郡")) {
            marker = k;
            break;
        }
    }
    if (marker < 0)
        return -1;
    const bool street = isOneOf(text[pos - 1].unicode(), u"路街道巷弄里目丁");
    qsizetype i = pos, groups = 0;
    bool suffix = false;
    while (i < text.size()) {
        qsizetype d = i;
        while (d < text.size() && isDigit(text[d].unicode()))
            ++d;
        if (d == i)
            break;
        ++groups;
        i = d;
        if (i < text.size() && isOneOf(text[i].unicode(), u"号號番")) {
            suffix = true;
            ++i;
            if (i < text.size() && text[i] == u'地')
                ++i;
        } else if (i + 1 < text.size() && text[i] == u'丁' && text[i + 1] == u'目') {
            suffix = true;
            i += 2;
        }
        if (i + 1 < text.size() && (text[i] == u'-' || text[i] == u'ー') && isDigit(text[i + 1].unicode()))
            ++i;
    }
    if (!(suffix || groups >= 2 || street))
        return -1;
    *start = std::max(b, marker - 2);
    return i;
}

// Korean: a road name ending in 로 or 길, a space and a number, after up to three words ending in
// 시, 도, 구, 군, 동, 읍 or 면.
qsizetype matchKorean(QStringView text, qsizetype pos, qsizetype *start)
{
    if (pos < 3 || text[pos - 1] != u' ' || !isOneOf(text[pos - 2].unicode(), u"로길"))
        return -1;
    qsizetype b = pos - 2;
    while (b > 0 && (isHangul(text[b - 1].unicode()) || isDigit(text[b - 1].unicode())))
        --b;
    *start = b;
    for (int words = 0; words < 3; ++words) {
        if (*start < 2 || text[*start - 1] != u' ' || !isOneOf(text[*start - 2].unicode(), u"시도구군동읍면"))
            break;
        qsizetype k = *start - 2;
        while (k > 0 && isHangul(text[k - 1].unicode()))
            --k;
        *start = k;
    }
    qsizetype end = houseNumberAt(text, pos);
    return end;
}

} // namespace pairlens::privacy::detail
