#pragma once

// API keys of `pairlens serve` (docs/api.md, "Keys"). A key is 32 random bytes, shown once as
// "plk_" + base64url when it is created; the dataset keeps only its SHA-256, its name and its
// scopes, as a JSON array in the settings table under "server.keys" (no schema change). Keys are
// created and revoked in BEGIN IMMEDIATE transactions (in PostgreSQL: under an advisory lock of the
// schema's settings), so two `pairlens keys` runs never lose one.

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace pairlens {
class Dataset;
class Storage;
} // namespace pairlens

namespace pairlens::server {

// What a key may do. Admin allows everything, raw values included.
enum Scope : quint32
{
    ScopeRead = 1,   // GET pairs and statistics
    ScopeWrite = 2,  // add, delete, restore and review pairs
    ScopeExport = 4, // GET /export
    ScopeRaw = 8,    // database names and exports without anonymization
    ScopeAdmin = 16, // all of the above
};
QString scopeName(Scope scope);
QStringList scopeNames(quint32 scopes);
// Parses "read,write,export"; nullopt with one sentence in *error on an unknown or missing scope.
std::optional<quint32> parseScopes(const QString &list, QString *error);

struct ApiKey
{
    QString name;
    QByteArray sha256; // lower-case hex of the key's UTF-8
    quint32 scopes = 0;
    QString created; // UTC ISO-8601

    bool allows(Scope scope) const { return (scopes & ScopeAdmin) || (scopes & scope); }
};

class ApiKeys
{
public:
    static inline const QString kSettingKey = QStringLiteral("server.keys");

    static QByteArray hash(QByteArrayView key);
    static QList<ApiKey> fromJson(const QString &json);
    static QString toJson(const QList<ApiKey> &keys);

    // The dataset's keys (never the keys themselves: they are not stored); nullopt with *error when
    // the settings cannot be read.
    static std::optional<QList<ApiKey>> list(Dataset &dataset, QString *error);
    // Creates a key; returns it (the only time it exists in clear) or nullopt with *error.
    static std::optional<QString> create(Dataset &dataset, const QString &name, quint32 scopes,
                                         QString *error);
    // Removes the key named `name`; false with *error when there is none or writing failed.
    static bool revoke(Dataset &dataset, const QString &name, QString *error);
    // The same for a store behind the storage seam (a PostgreSQL schema: its settings table).
    static std::optional<QList<ApiKey>> list(Storage &storage, QString *error);
    static std::optional<QString> create(Storage &storage, const QString &name, quint32 scopes,
                                         QString *error);
    static bool revoke(Storage &storage, const QString &name, QString *error);
};

} // namespace pairlens::server
