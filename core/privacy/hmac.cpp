// HMAC-SHA256 (RFC 2104) over OpenSSL's SHA-256. The low-level SHA256_* functions are deprecated
// in OpenSSL 3 in favour of EVP, but EVP_Q_mac()/HMAC() fetch the algorithm and allocate a context
// on every call (several microseconds); with precomputed inner and outer states one replacement
// costs two short compression runs. referenceDigest() keeps the EVP path for the tests.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "privacy/hmac.h"

#include <QString>
#include <QVarLengthArray>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <cstring>

namespace pairlens::privacy::detail {

struct KeyedHasher::State
{
    SHA256_CTX inner;
    SHA256_CTX outer;
};

namespace {

void appendUtf8(QVarLengthArray<unsigned char, 256> &out, QStringView text)
{
    const qsizetype start = out.size();
    for (QChar c : text) {
        if (c.unicode() >= 0x80) { // rare: convert the whole text properly
            const QByteArray utf8 = text.toUtf8();
            out.resize(start);
            out.append(reinterpret_cast<const unsigned char *>(utf8.constData()), utf8.size());
            return;
        }
        out.append(static_cast<unsigned char>(c.unicode()));
    }
}

} // namespace

KeyedHasher::KeyedHasher(const QByteArray &key) : m_state(std::make_unique<State>())
{
    unsigned char block[SHA256_CBLOCK] = {};
    if (key.size() > SHA256_CBLOCK) {
        SHA256(reinterpret_cast<const unsigned char *>(key.constData()), size_t(key.size()), block);
    } else if (!key.isEmpty()) {
        std::memcpy(block, key.constData(), size_t(key.size()));
    }
    unsigned char pad[SHA256_CBLOCK];
    for (int i = 0; i < SHA256_CBLOCK; ++i)
        pad[i] = block[i] ^ 0x36;
    SHA256_Init(&m_state->inner);
    SHA256_Update(&m_state->inner, pad, sizeof pad);
    for (int i = 0; i < SHA256_CBLOCK; ++i)
        pad[i] = block[i] ^ 0x5c;
    SHA256_Init(&m_state->outer);
    SHA256_Update(&m_state->outer, pad, sizeof pad);
}

KeyedHasher::~KeyedHasher() = default;

Digest KeyedHasher::digest(QStringView domain, QStringView value) const
{
    QVarLengthArray<unsigned char, 256> message;
    appendUtf8(message, domain);
    message.append(0x1f);
    appendUtf8(message, value);
    Digest innerHash{};
    SHA256_CTX ctx = m_state->inner;
    SHA256_Update(&ctx, message.constData(), size_t(message.size()));
    SHA256_Final(innerHash.data(), &ctx);
    Digest out{};
    ctx = m_state->outer;
    SHA256_Update(&ctx, innerHash.data(), innerHash.size());
    SHA256_Final(out.data(), &ctx);
    return out;
}

Digest referenceDigest(const QByteArray &key, QStringView domain, QStringView value)
{
    const QByteArray message = domain.toUtf8() + '\x1f' + value.toUtf8();
    static const unsigned char emptyKey[1] = {0};
    Digest out{};
    unsigned int length = 0;
    HMAC(EVP_sha256(), key.isEmpty() ? emptyKey : reinterpret_cast<const unsigned char *>(key.constData()),
         int(key.size()), reinterpret_cast<const unsigned char *>(message.constData()),
         size_t(message.size()), out.data(), &length);
    return out;
}

QString digestHex(const Digest &digest, int chars)
{
    static const char16_t hex[] = u"0123456789abcdef";
    QString out(chars, Qt::Uninitialized);
    for (int i = 0; i < chars; ++i) {
        const unsigned char byte = digest[size_t(i / 2)];
        out[i] = QChar(hex[(i % 2 == 0) ? byte >> 4 : byte & 0x0f]);
    }
    return out;
}

quint64 digestNumber(const Digest &digest, int offset, quint64 bound)
{
    quint64 v = 0;
    for (int i = 0; i < 8; ++i)
        v = (v << 8) | digest[size_t((offset + i) % 32)];
    return bound == 0 ? v : v % bound;
}

} // namespace pairlens::privacy::detail
