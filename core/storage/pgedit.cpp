// PgStorage's edits by hand (the window, issue 18): a pair's question and SQL with their derived
// fields, as PairStore::updateText changes them in a dataset file.
//
// The edit is a curation change (PgStorage::curate, pgcurate.cpp): one transaction under the
// schema's curation lock with its audit entry, so two edits of one pair at the same time are made
// one after the other: the one committed last wins, and the audit log lists both in that order.
#include "storage/pgstorage.h"
#include "storage/pgstorage_p.h"

#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace pairlens {

using pg::Result;
using pg::tr;

bool PgStorage::updateText(qint64 rowId, const QString &question, const QString &sql,
                           const DerivedFields &derived, QString *error)
{
    error->clear();
    const qint64 n = curate(
        u"edit"_s, {}, 1,
        [&](QString *why, QJsonObject *detail) -> qint64 {
            const auto failed = [&](const Result &r) {
                // curate() reads the SQLSTATE from the first five characters.
                *why = QString::fromLatin1(r.state().leftJustified(5, ' ')) + u' ' + r.error();
                return -1;
            };
            // The normalized key reads the SQL in the dialect of the pair's database type.
            Result type(
                pg::exec(m_conn->pg,
                         u"SELECT database_type, pair_id, metadata FROM %1.pairs WHERE id = $1::bigint"_s.arg(
                             m_quotedSchema),
                         {QByteArray::number(rowId)}));
            if (!type.ok())
                return failed(type);
            const QString databaseType = type.rows() ? type.text(0, 0) : QString();
            const pg::DuplicateKeys keys = pg::duplicateKeys(question, sql, databaseType);
            // Analysed before the transaction: found again if the privacy settings changed since.
            if (QString unreadable; !lockSettingsShared(&unreadable)) {
                *why = u"      "_s + unreadable;
                return -1;
            }
            DerivedFields current = derived;
            if (!settingsInWrite().isCurrent(derived) && type.rows())
                current =
                    settingsInWrite().withCurrentKinds(derived, question, sql, databaseType, type.text(0, 1),
                                                       pg::metadataObject(type.text(0, 2)));
            Result r(pg::exec(
                m_conn->pg,
                u"UPDATE %1.pairs SET natural_language_query = $1, sql_query = $2, query_type = $3, "
                "table_names = $4, pii_mask = $5::bigint, question_length = $6::integer, "
                "sql_length = $7::integer, search_vector = $8::tsvector, exact_key = $9::bytea, "
                "normalized_key = $10::bytea WHERE id = $11::bigint RETURNING pair_id"_s.arg(m_quotedSchema),
                {question.toUtf8(), sql.toUtf8(), current.queryType.toUtf8(), current.tableNamesJson.toUtf8(),
                 QByteArray::number(current.piiMask), QByteArray::number(current.questionLength),
                 QByteArray::number(current.sqlLength), pg::searchVector(question, sql), keys.exact,
                 keys.normalized, QByteArray::number(rowId)}));
            if (!r.ok())
                return failed(r);
            if (r.rows() == 0) {
                *why = u"      "_s + tr("The pair no longer exists.");
                return -1;
            }
            detail->insert(u"pair_id"_s, r.text(0, 0));
            return 1;
        },
        error);
    return n >= 0;
}

} // namespace pairlens
