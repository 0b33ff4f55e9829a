#include "server/apikeys.h"

#include "dataset/dataset.h"
#include "dataset/writetx.h"
#include "storage/storage.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>

using namespace Qt::StringLiterals;

namespace pairlens::server {
namespace {
const QList<Scope> kScopes = {ScopeRead, ScopeWrite, ScopeExport, ScopeRaw, ScopeAdmin};

// Changes the stored keys in one BEGIN IMMEDIATE transaction: read, change, write, commit.
template <typename Change> bool changeKeys(Dataset &dataset, QString *error, Change change)
{
    WriteTransaction tx(dataset.db());
    if (dataset.isReadOnly()) {
        *error = QCoreApplication::translate("ApiKeys", "%1 is read-only.").arg(dataset.location());
        return false;
    }
    if (!tx.begin(error))
        return false;
    QList<ApiKey> keys = ApiKeys::fromJson(dataset.setting(ApiKeys::kSettingKey));
    if (!change(keys))
        return false;
    if (!dataset.setSetting(ApiKeys::kSettingKey, ApiKeys::toJson(keys))) {
        *error = dataset.errorString();
        return false;
    }
    return tx.commit(error);
}

template <typename Change> bool changeKeys(Storage &storage, QString *error, Change change)
{
    return storage.updateSetting(
        ApiKeys::kSettingKey,
        [&](const QString &current, QString *why) -> std::optional<QString> {
            QList<ApiKey> keys = ApiKeys::fromJson(current);
            if (!change(keys)) {
                *why = *error;
                return std::nullopt;
            }
            return ApiKeys::toJson(keys);
        },
        error);
}

// A new key: "plk_" and 32 bytes from the system's cryptographic generator (getrandom on Linux).
QString newKey()
{
    QByteArray raw(32, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(raw.data()), raw.size() / 4);
    return u"plk_"_s +
           QString::fromLatin1(raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

template <typename Store>
std::optional<QString> createKey(Store &store, const QString &name, quint32 scopes, QString *error)
{
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty() || trimmed.size() > 100) {
        *error = QCoreApplication::translate("ApiKeys", "a key needs a name of 1 to 100 characters");
        return std::nullopt;
    }
    const QString key = newKey();
    const bool ok = changeKeys(store, error, [&](QList<ApiKey> &keys) {
        for (const ApiKey &k : std::as_const(keys)) {
            if (k.name == trimmed) {
                *error = QCoreApplication::translate("ApiKeys",
                                                     "a key named '%1' exists already (revoke it first)")
                             .arg(trimmed);
                return false;
            }
        }
        keys << ApiKey{trimmed, ApiKeys::hash(key.toUtf8()), scopes,
                       QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)};
        return true;
    });
    if (!ok)
        return std::nullopt;
    return key;
}

template <typename Store> std::optional<QList<ApiKey>> listKeys(Store &store, QString *error)
{
    QHash<QString, QString> settings;
    if (!store.readSettings(&settings, error))
        return std::nullopt;
    return ApiKeys::fromJson(settings.value(ApiKeys::kSettingKey));
}

template <typename Store> bool revokeKey(Store &store, const QString &name, QString *error)
{
    return changeKeys(store, error, [&](QList<ApiKey> &keys) {
        const qsizetype removed = keys.removeIf([&](const ApiKey &k) { return k.name == name.trimmed(); });
        if (removed == 0)
            *error = QCoreApplication::translate("ApiKeys", "no key is named '%1'").arg(name);
        return removed > 0;
    });
}
} // namespace

QString scopeName(Scope scope)
{
    switch (scope) {
    case ScopeRead:
        return u"read"_s;
    case ScopeWrite:
        return u"write"_s;
    case ScopeExport:
        return u"export"_s;
    case ScopeRaw:
        return u"raw"_s;
    case ScopeAdmin:
        return u"admin"_s;
    }
    return {};
}

QStringList scopeNames(quint32 scopes)
{
    QStringList names;
    for (Scope s : kScopes) {
        if (scopes & s)
            names << scopeName(s);
    }
    return names;
}

std::optional<quint32> parseScopes(const QString &list, QString *error)
{
    quint32 scopes = 0;
    for (const QString &part : list.split(u',', Qt::SkipEmptyParts)) {
        const QString word = part.trimmed().toLower();
        const auto it =
            std::find_if(kScopes.begin(), kScopes.end(), [&](Scope s) { return scopeName(s) == word; });
        if (it == kScopes.end()) {
            *error = QCoreApplication::translate("ApiKeys",
                                                 "unknown scope '%1' (use read, write, export, raw or admin)")
                         .arg(part.trimmed());
            return std::nullopt;
        }
        scopes |= *it;
    }
    if (scopes == 0) {
        *error =
            QCoreApplication::translate("ApiKeys", "no scope given (use read, write, export, raw or admin)");
        return std::nullopt;
    }
    return scopes;
}

QByteArray ApiKeys::hash(QByteArrayView key)
{
    return QCryptographicHash::hash(key, QCryptographicHash::Sha256).toHex();
}

QList<ApiKey> ApiKeys::fromJson(const QString &json)
{
    QList<ApiKey> keys;
    const QJsonArray array = QJsonDocument::fromJson(json.toUtf8()).array();
    for (const QJsonValue &v : array) {
        const QJsonObject o = v.toObject();
        ApiKey k;
        k.name = o.value(u"name"_s).toString();
        k.sha256 = o.value(u"sha256"_s).toString().toLatin1();
        QString ignored;
        k.scopes =
            parseScopes(o.value(u"scopes"_s).toVariant().toStringList().join(u','), &ignored).value_or(0);
        k.created = o.value(u"created"_s).toString();
        if (!k.name.isEmpty() && k.sha256.size() == 64 && k.scopes != 0)
            keys << k;
    }
    return keys;
}

QString ApiKeys::toJson(const QList<ApiKey> &keys)
{
    QJsonArray array;
    for (const ApiKey &k : keys)
        array.append(QJsonObject{{u"name"_s, k.name},
                                 {u"sha256"_s, QString::fromLatin1(k.sha256)},
                                 {u"scopes"_s, QJsonArray::fromStringList(scopeNames(k.scopes))},
                                 {u"created"_s, k.created}});
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact));
}

std::optional<QList<ApiKey>> ApiKeys::list(Dataset &dataset, QString *error)
{
    return listKeys(dataset, error);
}

std::optional<QString> ApiKeys::create(Dataset &dataset, const QString &name, quint32 scopes, QString *error)
{
    return createKey(dataset, name, scopes, error);
}

bool ApiKeys::revoke(Dataset &dataset, const QString &name, QString *error)
{
    return revokeKey(dataset, name, error);
}

std::optional<QList<ApiKey>> ApiKeys::list(Storage &storage, QString *error)
{
    return listKeys(storage, error);
}

std::optional<QString> ApiKeys::create(Storage &storage, const QString &name, quint32 scopes, QString *error)
{
    return createKey(storage, name, scopes, error);
}

bool ApiKeys::revoke(Storage &storage, const QString &name, QString *error)
{
    return revokeKey(storage, name, error);
}

} // namespace pairlens::server
