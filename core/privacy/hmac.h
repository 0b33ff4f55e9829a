#pragma once

// Internal: the keyed digest behind every hash-derived replacement.

#include <QByteArray>
#include <QStringView>

#include <array>
#include <memory>

namespace pairlens::privacy::detail {

using Digest = std::array<unsigned char, 32>;

// HMAC-SHA256 with the key schedule computed once: digest() only runs the inner and outer hash
// over the message, so the per-value cost is two short SHA-256 passes, no allocation and no
// provider lookup. Immutable after construction, hence safe to share between threads.
class KeyedHasher
{
public:
    explicit KeyedHasher(const QByteArray &key);
    ~KeyedHasher();

    // HMAC-SHA256(key, UTF-8(domain) || 0x1f || UTF-8(value)). `domain` separates kinds (and
    // custom pattern names) so equal text of different kinds gets unrelated replacements.
    Digest digest(QStringView domain, QStringView value) const;

private:
    struct State;
    std::unique_ptr<State> m_state;
};

// The same digest through OpenSSL's one-shot HMAC() (the reference the tests compare against).
Digest referenceDigest(const QByteArray &key, QStringView domain, QStringView value);

// Lower-case hex of the first `chars / 2` bytes of the digest (chars <= 64, even).
QString digestHex(const Digest &digest, int chars);

// A number in [0, bound) taken from the digest bytes at `offset` (8 bytes, big-endian).
quint64 digestNumber(const Digest &digest, int offset, quint64 bound);

} // namespace pairlens::privacy::detail
