// PgStorage's privacy settings and decisions (the window, issue 18): several settings and their
// audit entry in one transaction, and the rescan of the PII kinds that follows a change of what
// detection finds, as savePrivacySettings(), savePrivacyDecisions() and Deriver::rescanPii() do in
// a dataset file.
#include "storage/pgstorage.h"
#include "storage/pgstorage_p.h"

#include <QJsonDocument>

#include <optional>

using namespace Qt::StringLiterals;

namespace pairlens {

using pg::Result;
using pg::tr;

bool PgStorage::updateSettings(const QHash<QString, QString> &values, const QString &action,
                               const QJsonObject &detail, QString *error)
{
    return pg::againAfterReconnect(m_conn.get(), error,
                                   [&] { return updateSettingsOnce(values, action, detail, error); });
}

bool PgStorage::updateSettingsOnce(const QHash<QString, QString> &values, const QString &action,
                                   const QJsonObject &detail, QString *error)
{
    PGconn *pg = connection();
    error->clear();
    if (!pg::hasCuration(m_version)) { // no audit log before format version 3
        *error = tr("%1 is read-only for this PostgreSQL role: it may not change the settings of schema %2.")
                     .arg(m_location, m_schema);
        return false;
    }
    // A write: never run again after a lost connection, which gets the store's one sentence.
    const pg::Writing writing(m_conn.get());
    bool committing = false;
    const auto fail = [&](const Result &r) {
        if (!writing.lostOrRolledBack(committing, error))
            *error = settingsFailure(r.state(), r.error());
        return false;
    };
    const auto run = [&](const QString &sql, const QList<QByteArray> &params, Result *out) {
        out->res = pg::exec(pg, sql, params);
        return out->ok();
    };
    {
        Result begin(nullptr);
        if (!run(u"BEGIN"_s, {}, &begin))
            return fail(begin);
        // The lock updateSetting() takes: changes of the schema's settings are made one after the other.
        Result lock(nullptr);
        if (!run(u"SELECT pg_advisory_xact_lock(hashtext($1::text))"_s,
                 {(u"pairlens-settings:"_s + m_schema).toUtf8()}, &lock))
            return fail(lock);
    }
    for (auto it = values.cbegin(); it != values.cend(); ++it) {
        Result write(nullptr);
        if (!run(u"INSERT INTO %1.settings (key, value) VALUES ($1, $2) "
                 "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"_s.arg(m_quotedSchema),
                 {it.key().toUtf8(), it.value().toUtf8()}, &write))
            return fail(write);
    }
    Result audit(nullptr);
    if (!run(u"INSERT INTO %1.audit_log (action, pair_count, detail) VALUES ($1, 0, $2::jsonb)"_s.arg(
                 m_quotedSchema),
             {action.toUtf8(), QJsonDocument(detail).toJson(QJsonDocument::Compact)}, &audit))
        return fail(audit);
    // Announced like a change of the pairs (pgnotify.cpp), at commit: open windows read the settings
    // again for their preview even when no pair's PII kinds change (an operator, a decision).
    Result announce(nullptr);
    if (!run(u"SELECT pg_notify($1, 'settings')"_s, {m_schema.toUtf8()}, &announce))
        return fail(announce);
    committing = true;
    Result commit(nullptr);
    if (!run(u"COMMIT"_s, {}, &commit))
        return fail(commit);
    return true;
}

qint64 PgStorage::rescanPii(const Deriver &deriver, const RescanProgress &progress, QString *error)
{
    return pg::againAfterReconnect(m_conn.get(), error,
                                   [&] { return rescanPiiOnce(deriver, progress, error); });
}

qint64 PgStorage::rescanPiiOnce(const Deriver &deriver, const RescanProgress &progress, QString *error)
{
    PGconn *pg = connection();
    constexpr int kBatch = 5000;
    error->clear();
    const pg::Writing writing(m_conn.get());
    const auto fail = [&](const QString &why, bool committing = false) -> qint64 {
        if (!writing.lostOrRolledBack(committing, error))
            *error = tr("Cannot rescan the PII kinds in PostgreSQL schema %1: %2").arg(m_schema, why);
        return -1;
    };
    if (QString unreadable; !deriver.usable(&unreadable))
        return fail(unreadable);
    qint64 total = 0;
    if (progress) {
        Result n(pg::exec(
            pg, u"SELECT count(*) FROM %1.pairs WHERE query_type IS NOT NULL"_s.arg(m_quotedSchema)));
        if (!n.ok())
            return fail(n.error());
        total = n.number(0, 0);
    }
    qint64 done = 0, changed = 0;
    QByteArray lastId = "0";
    // Each write takes the settings lock shared and reads the settings again: when another program
    // changed them since this rescan began (its own rescan may be past these rows already), the
    // rescan starts over with the settings as they are then (pgsettingslock.cpp).
    const Deriver *scanner = &deriver;
    std::optional<Deriver> overtakenBy; // the settings of the changes that overtook this rescan
    // BEGIN, the lock and the settings: false with *why on failure; *overtaken (and rolled back,
    // ready to start over) when they are no longer those of the scan.
    const auto beginCurrent = [&](bool *overtaken, QString *why) {
        *overtaken = false;
        if (!lockSettingsShared(why, true))
            return false;
        if (settingsInWrite().settingsId() == scanner->settingsId())
            return true;
        *overtaken = true;
        PQclear(pg::exec(pg, u"ROLLBACK"_s));
        overtakenBy = settingsInWrite(); // a copy: the next lockSettingsShared() reads again
        scanner = &*overtakenBy;
        done = changed = 0;
        lastId = "0";
        return true;
    };
    int rereads = 0; // of the current batch, after other writes changed some of its rows
    constexpr int kMaxRereads = 100;
    while (true) {
        const QByteArray batchStart = lastId;
        // Read and analysed outside any transaction; only the update of the changed kinds holds locks.
        Result rows(pg::exec(
            pg,
            u"SELECT id, natural_language_query, sql_query, timestamp, database_type, pair_id, "
            "metadata, pii_mask, xmin FROM %1.pairs WHERE query_type IS NOT NULL AND id > $1::bigint "
            "ORDER BY id LIMIT %2"_s.arg(m_quotedSchema)
                .arg(kBatch),
            {lastId}));
        if (!rows.ok())
            return fail(rows.error());
        // A changed kind is written only to the row version it was found in (its xmin): an edit
        // committed between this read and the update below stored the kinds of its own texts. Rows
        // another write changed meanwhile (an edit, a review, a delete) are read again with the batch.
        QByteArray ids = "{", masks = "{", versions = "{";
        int n = 0;
        for (int i = 0; i < rows.rows(); ++i) {
            lastId = PQgetvalue(rows.res, i, 0);
            const DerivedFields d =
                scanner->derive(rows.text(i, 1), rows.text(i, 2), rows.text(i, 3), rows.text(i, 4),
                                rows.text(i, 5), pg::metadataObject(rows.text(i, 6)));
            if (!rows.isNull(i, 7) && quint32(rows.number(i, 7)) == d.piiMask)
                continue;
            if (n++ > 0) {
                ids += ',';
                masks += ',';
                versions += ',';
            }
            ids += lastId;
            masks += QByteArray::number(d.piiMask);
            versions += PQgetvalue(rows.res, i, 8);
        }
        ids += '}';
        masks += '}';
        versions += '}';
        if (n > 0) {
            bool overtaken = false;
            QString why;
            if (!beginCurrent(&overtaken, &why))
                return fail(why);
            if (overtaken)
                continue;
            Result updated(pg::exec(pg,
                                    u"UPDATE %1.pairs p SET pii_mask = c.mask FROM unnest($1::bigint[], "
                                    "$2::bigint[], $3::xid[]) AS c(id, mask, version) WHERE p.id = c.id AND "
                                    "p.xmin = c.version"_s.arg(m_quotedSchema),
                                    {ids, masks, versions}));
            if (!updated.ok())
                return fail(updated.error());
            const qint64 written = QByteArray(PQcmdTuples(updated.res)).toLongLong();
            Result commit(pg::exec(pg, u"COMMIT"_s));
            if (!commit.ok())
                return fail(commit.error(), true);
            changed += written;
            if (written < n) { // some rows changed since the read: this batch once more
                if (++rereads > kMaxRereads)
                    return fail(tr("the pairs kept changing while they were rescanned"));
                lastId = batchStart;
                continue;
            }
        }
        rereads = 0;
        done += rows.rows();
        if (progress && !progress(done, std::max(total, done))) {
            *error = tr(
                "The rescan of the PII kinds was stopped; it is finished when the dataset is next opened.");
            return -1;
        }
        if (rows.rows() < kBatch)
            break;
    }
    // The owed rescan is done only if the settings are still those it scanned with.
    bool overtaken = false;
    QString why;
    if (!beginCurrent(&overtaken, &why))
        return fail(why);
    if (overtaken)
        return rescanPiiOnce(*scanner, progress, error);
    Result owed(pg::exec(pg, u"DELETE FROM %1.settings WHERE key = $1"_s.arg(m_quotedSchema),
                         {Deriver::kRescanPendingKey.toUtf8()}));
    if (!owed.ok())
        return fail(owed.error());
    Result commit(pg::exec(pg, u"COMMIT"_s));
    if (!commit.ok())
        return fail(commit.error(), true);
    return changed;
}

} // namespace pairlens
