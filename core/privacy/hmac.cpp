#include "privacy/hmac.h"

#include <QString>
#include <QVarLengthArray>

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace pairlens::privacy::detail {

Digest keyedDigest(const QByteArray &key, QStringView domain, QStringView value)
{
    QVarLengthArray<char, 256> message;
    const QByteArray d = domain.toUtf8();
    const QByteArray v = value.toUtf8();
    message.append(d.constData(), d.size());
    message.append('\x1f');
    message.append(v.constData(), v.size());
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
