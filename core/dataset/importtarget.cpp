#include "dataset/importtarget.h"

#include "dataset/dataset.h"
#include "dataset/pairinsert.h"
#include "dataset/pairstore.h"

#include <QCoreApplication>

namespace pairlens {

const Deriver &PairStoreTarget::deriver() const
{
    return m_store.deriver();
}

bool PairStoreTarget::isOwnFile(const QString &path) const
{
    return m_store.dataset().isOwnFile(path);
}

qint64 PairStoreTarget::maxRowId()
{
    return m_store.maxRowId();
}

bool PairStoreTarget::findPairIds(const QStringList &ids, const Found &found, QString *error)
{
    return pairlens::findPairIds(sqliteHandle(m_store.dataset().db()), ids, found, error);
}

ImportTarget::Added PairStoreTarget::add(const QList<Pair> &pairs, const QList<DerivedFields> &derived,
                                         const std::any &prepared)
{
    Q_UNUSED(prepared);
    const PairStore::AddResult r = derived.isEmpty() ? m_store.add(pairs) : m_store.add(pairs, derived);
    return {r.added, r.alreadyPresent, r.error};
}

QString PairStoreTarget::writeFailure(const QString &error) const
{
    // The store's errors may carry its own "Cannot write to the dataset: " in front.
    QString detail = error;
    const QString prefix =
        QCoreApplication::translate("PairStore", "Cannot write to the dataset: %1").arg(QString());
    if (!prefix.isEmpty() && detail.startsWith(prefix))
        detail = detail.mid(prefix.size());
    return m_store.dataset().failureMessage(Dataset::Access::Write, detail);
}

} // namespace pairlens
