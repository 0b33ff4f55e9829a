// The privacy settings inside PgStorage's writes of PII kinds. A writer analyses pairs before its
// transaction (the importer's worker thread, the server's writer); another program's change of the
// privacy settings may commit meanwhile and its rescan finish before the pairs are stored, which
// would leave them with the kinds of the settings before. Each such write takes the schema's
// settings lock shared, reads the settings again and finds the kinds of any pair analysed with
// other settings once more, as PairStore does inside BEGIN IMMEDIATE in a dataset file.
#include "storage/pgstorage.h"
#include "storage/pgstorage_p.h"

using namespace Qt::StringLiterals;

namespace pairlens {

using pg::Result;

bool PgStorage::lockSettingsShared(QString *why, bool begin)
{
    // BEGIN, the lock and the read in one statement list (one round trip; only the last result,
    // the settings, comes back), the lock's name written in as a literal.
    QString sql;
    if (!pg::inlineParams(m_conn->pg,
                          (begin ? u"BEGIN; "_s : QString()) +
                              u"SELECT pg_advisory_xact_lock_shared(hashtext($1::text)); "
                              "SELECT key, value FROM %1.settings"_s.arg(m_quotedSchema),
                          {(u"pairlens-settings:"_s + m_schema).toUtf8()}, &sql, why))
        return false;
    Result read(pg::exec(m_conn->pg, sql));
    if (!read.ok()) {
        *why = read.error();
        return false;
    }
    m_settingsRead = pg::settingsOf(read);
    return settingsInWrite().refresh(why);
}

const Deriver &PgStorage::settingsInWrite()
{
    // Follows what lockSettingsShared() read inside the transaction that holds the lock.
    if (!m_settingsInWrite)
        m_settingsInWrite = std::make_unique<Deriver>(Deriver::following(
            [this](QHash<QString, QString> *out, QString *) {
                *out = m_settingsRead;
                return true;
            },
            m_secret));
    return *m_settingsInWrite;
}

Storage::PreparedBatch PgStorage::withCurrentKinds(const PreparedBatch &batch)
{
    const Deriver &current = settingsInWrite();
    if (std::all_of(batch.derived.cbegin(), batch.derived.cend(),
                    [&](const DerivedFields &d) { return current.isCurrent(d); }))
        return batch;
    QList<DerivedFields> derived = batch.derived;
    for (qsizetype i = 0; i < derived.size(); ++i)
        derived[i] = current.currentFor(derived.at(i), batch.pairs.at(i));
    PreparedBatch redone = prepareBatch(batch.pairs, std::move(derived));
    redone.fresh = batch.fresh;
    return redone;
}

} // namespace pairlens
