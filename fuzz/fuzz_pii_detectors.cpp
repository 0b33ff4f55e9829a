// Fuzz target "pii_detectors": any text through each built-in PII detector of
// core/privacy/detectors.h, called directly at every position (e-mail at every '@' and "%40"), and
// through findBuiltins() and resolveOverlaps(). Checks what detectors.h promises: a match lies inside
// the text and is not empty; the fast path (skipped sure losers, memos) resolves to exactly what
// every candidate validated afresh resolves to; the pre-filter mayContainBuiltin() never says "no"
// where a value is found, and says the same over UTF-8 as over the decoded text. The validators get
// the input in the shapes they take. Input: the text as bytes; invalid UTF-8 is also read with
// lone surrogates (fuzzcommon.h).
#include "fuzzcommon.h"

#include "privacy/detectors.h"

using namespace pairlens;
using namespace pairlens::privacy;
using namespace pairlens::privacy::detail;

namespace {

// Direct calls at every position: the first this many (each may ask libphonenumber).
constexpr qsizetype kDirectPositions = 1024;

QString describe(const QList<Match> &matches)
{
    QString out;
    for (const Match &m : matches)
        out += QStringLiteral(" %1[%2,%3)").arg(piiKindName(m.kind)).arg(m.start).arg(m.end);
    return out;
}

void checkEnd(QStringView text, qsizetype pos, qsizetype end, const char *detector)
{
    FUZZ_CHECK(
        end == -1 || (end > pos && end <= text.size()),
        QStringLiteral("%1 at %2 returned %3 in ").arg(QString::fromLatin1(detector)).arg(pos).arg(end) +
            fuzz::show(text, 400));
}

void checkDirect(QStringView text)
{
    for (qsizetype pos = 0; pos < text.size() && pos < kDirectPositions; ++pos) {
        checkEnd(text, pos, matchNanpPhoneAt(text, pos), "matchNanpPhoneAt");
        checkEnd(text, pos, matchIntlPhoneAt(text, pos, pos % 2 == 0), "matchIntlPhoneAt");
        checkEnd(text, pos, matchNationalPhoneAt(text, pos, -1, pos % 2 == 1), "matchNationalPhoneAt");
        checkEnd(text, pos, matchSsnAt(text, pos), "matchSsnAt");
        checkEnd(text, pos, matchCardAt(text, pos), "matchCardAt");
        checkEnd(text, pos, matchIpv4At(text, pos), "matchIpv4At");
        checkEnd(text, pos, matchIpv6At(text, pos), "matchIpv6At");
        checkEnd(text, pos, matchIbanAt(text, pos), "matchIbanAt");
        numberStartOk(text, pos);
        numberEndOk(text, pos + 1);
        qsizetype atEnd = -1;
        if (text[pos] == u'@')
            atEnd = pos + 1;
        else if (text.mid(pos, 3) == u"%40")
            atEnd = pos + 3;
        if (atEnd > 0) {
            qsizetype start = -1;
            const qsizetype end = matchEmailAround(text, pos, atEnd, &start);
            FUZZ_CHECK(
                end == -1 || (start >= 0 && start <= pos && end >= atEnd && end <= text.size()),
                QStringLiteral("matchEmailAround at %1 returned [%2, %3) in ").arg(pos).arg(start).arg(end) +
                    fuzz::show(text, 400));
        }
    }
}

void checkBuiltins(QStringView text)
{
    QList<Match> fast, slow;
    findBuiltins(text, fast, true);
    findBuiltins(text, slow, false);
    for (const Match &m : std::as_const(slow))
        FUZZ_CHECK(m.start >= 0 && m.start < m.end && m.end <= text.size(),
                   u"candidate" + describe({m}) + u" in " + fuzz::show(text, 400));
    if (!slow.isEmpty())
        FUZZ_CHECK(mayContainBuiltin(text),
                   u"the pre-filter missed" + describe(slow) + u" in " + fuzz::show(text, 400));
    resolveOverlaps(fast);
    resolveOverlaps(slow);
    bool same = fast.size() == slow.size();
    for (qsizetype i = 0; same && i < fast.size(); ++i)
        same = fast[i].kind == slow[i].kind && fast[i].start == slow[i].start && fast[i].end == slow[i].end;
    FUZZ_CHECK(same, u"fast path:" + describe(fast) + u"; every candidate:" + describe(slow) + u" in " +
                         fuzz::show(text, 400));
    qsizetype lastEnd = 0;
    for (const Match &m : std::as_const(fast)) {
        FUZZ_CHECK(m.start >= lastEnd, u"overlapping after resolveOverlaps:" + describe(fast));
        lastEnd = m.end;
    }
}

// The validators, with the input in the shape each takes.
void checkValidators(QStringView text)
{
    QString digits, compact;
    for (QChar c : text) {
        if (isDigit(c.unicode()))
            digits.append(c);
        if (isAsciiUpper(c.unicode()) || isDigit(c.unicode()))
            compact.append(c);
    }
    luhnValid(digits);
    if (digits.size() >= 9)
        ssnValid(QStringView(digits).left(9));
    ibanLength(text.left(2));
    ibanChecksumValid(compact);
    quint8 v4[4];
    quint16 v6[8];
    parseIpv4(text.left(64), v4);
    parseIpv6(text.left(64), v6);
    isKnownTld(text.left(64));
    const qsizetype dot = text.lastIndexOf(u'.');
    if (dot >= 0)
        isKnownTld(text.mid(dot + 1, 64));
}

void checkText(const QString &text)
{
    checkDirect(text);
    checkBuiltins(text);
    checkValidators(text);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::forEachDecoding(data, size, checkText);
    const QByteArrayView utf8(reinterpret_cast<const char *>(data), qsizetype(size));
    if (utf8.isValidUtf8()) {
        const bool bytes = mayContainBuiltin(utf8);
        const bool text = mayContainBuiltin(QStringView(fuzz::decodeUtf8(data, size)));
        FUZZ_CHECK(
            bytes == text,
            QStringLiteral("mayContainBuiltin: %1 over UTF-8, %2 over the text ").arg(bytes).arg(text) +
                fuzz::show(fuzz::decodeUtf8(data, size), 400));
    }
    return 0;
}
