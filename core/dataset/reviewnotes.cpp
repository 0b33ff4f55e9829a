#include "dataset/reviewnotes.h"

#include "dataset/dataset.h"
#include "dataset/pairstore.h"
#include "dataset/writetx.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QSqlError>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace pairlens {

std::optional<qint64> setReviewerNotes(Dataset &dataset, const Filter &filter, const QString &note,
                                       QString *error, const Progress &progress)
{
    const auto failed = [&](const QString &why) -> std::optional<qint64> {
        *error = QCoreApplication::translate("PairStore", "Cannot write to the dataset: %1").arg(why);
        return std::nullopt;
    };
    if (dataset.isReadOnly()) {
        *error = QCoreApplication::translate("PairStore", "The dataset is read-only; nothing was changed.");
        return std::nullopt;
    }
    PairStore store(dataset);
    // The rows are gathered first (a read), then written chunk by chunk.
    const QList<qint64> ids = store.rowIds(filter, {PairStore::SortColumn::Id, Qt::AscendingOrder});
    if (!store.errorString().isEmpty())
        return failed(store.errorString());
    const QString stored = note.isNull() ? u""_s : note; // "" when there is none, as PairStore writes it
    ChunkSizer sizer(200);
    qint64 done = 0;
    QSqlQuery q(dataset.db());
    while (done < ids.size()) {
        const qsizetype n = std::min<qsizetype>(sizer.size(), ids.size() - done);
        WriteTransaction tx(dataset.db());
        QString why;
        if (!tx.begin(&why))
            return failed(why);
        q.prepare(u"UPDATE pairs SET reviewer_note = ? WHERE id = ?"_s);
        for (qsizetype i = done; i < done + n; ++i) {
            q.addBindValue(stored);
            q.addBindValue(ids.at(i));
            if (!q.exec())
                return failed(q.lastError().text());
        }
        const qint64 held = tx.heldMs();
        if (!tx.commit(&why))
            return failed(why);
        sizer.record(int(n), held);
        done += n;
        progress.report(done, ids.size());
        if (done < ids.size())
            yieldWriteLock(held);
    }
    const QJsonObject detail{{u"note"_s, note}, {u"filter"_s, filter.toJson()}};
    if (!store.audit(u"note"_s, done, detail))
        return failed(store.errorString());
    return done;
}

} // namespace pairlens
