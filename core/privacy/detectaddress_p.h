#pragma once

// Internal: the parts of the address detector (detectaddress.cpp, detectaddresseastasia.cpp).

#include <QStringView>

namespace pairlens::privacy::detail {

// Whether a house number can start anywhere in the text (findAddresses()' pre-filter).
bool mayHoldHouseNumber(QStringView text);
// A house number at i: 1-5 digits, an optional letter ("221B") or range ("12-14"); its end or -1.
qsizetype houseNumberAt(QStringView text, qsizetype i);
// Japanese and Chinese: CJK text holding an administrative unit right before the number at `pos`,
// written "1-2-3" or followed by 号, 番地, 番 or 丁目; the end, and the start in *start, or -1.
qsizetype matchCjk(QStringView text, qsizetype pos, qsizetype *start);
// Korean: a road name ending in 로 or 길, a space and the number at `pos`, after up to three words
// ending in 시, 도, 구, 군, 동, 읍 or 면; the end, and the start in *start, or -1.
qsizetype matchKorean(QStringView text, qsizetype pos, qsizetype *start);

} // namespace pairlens::privacy::detail
