#pragma once

// Internal: the keyed digest behind every hash-derived replacement.

#include <QByteArray>
#include <QStringView>

#include <array>

namespace pairlens::privacy::detail {

using Digest = std::array<unsigned char, 32>;

// HMAC-SHA256(key, domain || 0x1f || UTF-8(value)). `domain` separates kinds (and custom pattern
// names) so that equal text of different kinds gets unrelated replacements.
Digest keyedDigest(const QByteArray &key, QStringView domain, QStringView value);

// Lower-case hex of the first `chars / 2` bytes of the digest (chars <= 64, even).
QString digestHex(const Digest &digest, int chars);

// A number in [0, bound) taken from the digest bytes at `offset` (8 bytes, big-endian).
quint64 digestNumber(const Digest &digest, int offset, quint64 bound);

} // namespace pairlens::privacy::detail
