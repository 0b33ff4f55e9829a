// IP addresses. IPv4: four decimal octets 0-255 without leading zeros ("01" is ambiguous: octal in
// some parsers), optionally followed by a /0-32 prefix. IPv6: full, compressed ("::") and with an
// embedded IPv4 tail (::ffff:192.0.2.1), optionally with a %zone and a /0-128 prefix.
#include "privacy/detectors.h"

namespace pairlens::privacy::detail {

namespace {

// Parses one octet at text[i...]; returns the index after it or -1.
qsizetype parseOctet(QStringView text, qsizetype i, int *value)
{
    int v = 0;
    qsizetype k = i;
    while (k < text.size() && k - i < 3 && isDigit(text[k].unicode())) {
        v = v * 10 + (text[k].unicode() - u'0');
        ++k;
    }
    if (k == i || (k - i > 1 && text[i] == u'0') || v > 255 || isDigit(at(text, k)))
        return -1;
    *value = v;
    return k;
}

// Reads "/<prefix>" at text[i] when valid; returns the index after it, or i.
qsizetype prefixEnd(QStringView text, qsizetype i, int maxPrefix)
{
    if (at(text, i) != u'/' || !isDigit(at(text, i + 1)))
        return i;
    int v = 0;
    qsizetype k = i + 1;
    while (k < text.size() && isDigit(text[k].unicode()) && k - i <= 3) {
        v = v * 10 + (text[k].unicode() - u'0');
        ++k;
    }
    if (v > maxPrefix || isWordChar(at(text, k)))
        return i;
    return k;
}

} // namespace

bool parseIpv4(QStringView text, quint8 out[4])
{
    qsizetype i = 0;
    for (int part = 0; part < 4; ++part) {
        if (part > 0) {
            if (at(text, i) != u'.')
                return false;
            ++i;
        }
        int v = 0;
        i = parseOctet(text, i, &v);
        if (i < 0)
            return false;
        out[part] = quint8(v);
    }
    return i == text.size();
}

bool parseIpv6(QStringView text, quint16 out[8])
{
    quint16 head[8] = {}, tail[8] = {};
    int headCount = 0, tailCount = 0;
    bool compressed = false;
    qsizetype i = 0;
    const qsizetype n = text.size();
    if (n < 2)
        return false;
    if (text.startsWith(u"::")) {
        compressed = true;
        i = 2;
    } else if (text[0] == u':') {
        return false;
    }
    while (i < n) {
        quint16 *groups = compressed ? tail : head;
        int &count = compressed ? tailCount : headCount;
        if (headCount + tailCount >= 8)
            return false;
        // An embedded IPv4 address ends the text and counts as two groups.
        qsizetype k = i;
        while (k < n && isHexDigit(text[k].unicode()))
            ++k;
        if (k < n && text[k] == u'.') {
            quint8 v4[4];
            if (headCount + tailCount > 6 || !parseIpv4(text.mid(i), v4))
                return false;
            groups[count++] = quint16(v4[0] << 8 | v4[1]);
            groups[count++] = quint16(v4[2] << 8 | v4[3]);
            i = n;
            break;
        }
        if (k == i || k - i > 4)
            return false;
        quint16 v = 0;
        for (qsizetype j = i; j < k; ++j) {
            const char16_t c = text[j].unicode();
            v = quint16(v * 16 + (isDigit(c) ? c - u'0' : (c | 0x20) - u'a' + 10));
        }
        groups[count++] = v;
        i = k;
        if (i == n)
            break;
        if (text[i] != u':')
            return false;
        if (at(text, i + 1) == u':') {
            if (compressed)
                return false;
            compressed = true;
            i += 2;
            continue;
        }
        ++i;
        if (i == n)
            return false; // trailing single ':'
    }
    const int total = headCount + tailCount;
    if (compressed ? total > 7 : total != 8)
        return false;
    for (int g = 0; g < 8; ++g)
        out[g] = 0;
    for (int g = 0; g < headCount; ++g)
        out[g] = head[g];
    for (int g = 0; g < tailCount; ++g)
        out[8 - tailCount + g] = tail[g];
    return true;
}

qsizetype matchIpv4At(QStringView text, qsizetype pos)
{
    if (pos > 0) {
        const char16_t prev = text[pos - 1].unicode();
        if (isWordChar(prev) || prev == u'.' || (prev == u'-' && isDigit(at(text, pos - 2))))
            return -1;
    }
    qsizetype i = pos;
    for (int part = 0; part < 4; ++part) {
        if (part > 0) {
            if (at(text, i) != u'.')
                return -1;
            ++i;
        }
        int v = 0;
        i = parseOctet(text, i, &v);
        if (i < 0)
            return -1;
    }
    // A following '.' is accepted (end of sentence, or "a.b.c.d.e" where a.b.c.d is still an address).
    if (isWordChar(at(text, i)))
        return -1;
    return prefixEnd(text, i, 32);
}

qsizetype matchIpv6At(QStringView text, qsizetype pos)
{
    if (pos > 0) {
        const char16_t prev = text[pos - 1].unicode();
        if (isWordChar(prev) || prev == u':' || prev == u'.')
            return -1;
    }
    // Quick rejection: "::" or 1-4 hex digits followed by ':'.
    qsizetype k = pos;
    while (k < text.size() && k - pos < 5 && isHexDigit(text[k].unicode()))
        ++k;
    if (at(text, k) != u':' || k - pos > 4)
        return -1;
    if (k == pos && at(text, pos + 1) != u':')
        return -1;
    qsizetype runEnd = pos;
    while (runEnd < text.size() && runEnd - pos < 46) {
        const char16_t c = text[runEnd].unicode();
        if (!isHexDigit(c) && c != u':' && c != u'.')
            break;
        ++runEnd;
    }
    // The longest prefix of the run that parses and is not glued to more address characters.
    quint16 groups[8];
    for (qsizetype end = runEnd; end >= pos + 2; --end) {
        const char16_t next = at(text, end);
        if (isHexDigit(next) || next == u':' || (next == u'.' && isDigit(at(text, end + 1))))
            continue;
        if (isWordChar(next))
            continue;
        if (!parseIpv6(text.mid(pos, end - pos), groups))
            continue;
        qsizetype e = end;
        if (at(text, e) == u'%' && isAsciiAlnum(at(text, e + 1))) {
            ++e;
            while (e < text.size() && (isAsciiAlnum(text[e].unicode()) || text[e] == u'_'))
                ++e;
        }
        return prefixEnd(text, e, 128);
    }
    return -1;
}

} // namespace pairlens::privacy::detail
