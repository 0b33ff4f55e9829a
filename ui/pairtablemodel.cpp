#include "pairtablemodel.h"

#include "dataset/pairstore.h"
#include "privacy/piikind.h"

using namespace Qt::StringLiterals;

namespace pairlens::ui {

PairTableModel::PairTableModel(QObject *parent) : QAbstractTableModel(parent) {}

void PairTableModel::setStore(PairStore *store)
{
    beginResetModel();
    m_store = store;
    m_pages.clear();
    m_count = store ? std::max<qint64>(0, store->count({})) : 0;
    endResetModel();
}

int PairTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(std::min<qint64>(m_count, std::numeric_limits<int>::max()));
}

int PairTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

const Pair *PairTableModel::pairAt(int row) const
{
    if (!m_store || row < 0 || row >= m_count)
        return nullptr;
    const int page = row / kPageSize;
    auto it = m_pages.find(page);
    if (it == m_pages.end())
        it = m_pages.insert(page, m_store->page({}, {}, kPageSize, qint64(page) * kPageSize));
    const int i = row % kPageSize;
    return i < it->size() ? &it->at(i) : nullptr;
}

QVariant PairTableModel::data(const QModelIndex &index, int role) const
{
    const Pair *p = pairAt(index.row());
    if (!p)
        return {};
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Time: return p->timestamp.left(19).replace(u'T', u' ');
        case Question: return p->naturalLanguageQuery.simplified();
        case Sql: return p->sqlQuery.simplified();
        case Type: return p->queryType;
        case DatabaseType: return p->databaseType;
        case Success: return p->success ? tr("yes") : tr("no");
        case ExecutionTime: return p->executionTimeMs < 0 ? QString() : QString::number(p->executionTimeMs, 'f', 1);
        case Pii: return piiKindNames(p->piiMask).join(u", "_s);
        case Review: return reviewStatusName(p->reviewStatus);
        }
    }
    if (role == Qt::ToolTipRole && (index.column() == Question || index.column() == Sql))
        return index.column() == Question ? p->naturalLanguageQuery : p->sqlQuery;
    return {};
}

QVariant PairTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time: return tr("Time");
    case Question: return tr("Question");
    case Sql: return tr("SQL");
    case Type: return tr("Type");
    case DatabaseType: return tr("Database");
    case Success: return tr("Success");
    case ExecutionTime: return tr("ms");
    case Pii: return tr("PII");
    case Review: return tr("Review");
    }
    return {};
}

} // namespace pairlens::ui
