#pragma once

#include "dataset/pair.h"

#include <QAbstractTableModel>
#include <QHash>

namespace pairlens {
class PairStore;
}

namespace pairlens::ui {

// The pairs of a dataset as table rows, loaded a page at a time as rows are asked for.
class PairTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Time, Question, Sql, Type, DatabaseType, Success, ExecutionTime, Pii, Review, ColumnCount };

    explicit PairTableModel(QObject *parent = nullptr);
    void setStore(PairStore *store);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    const Pair *pairAt(int row) const;

    PairStore *m_store = nullptr;
    qint64 m_count = 0;
    mutable QHash<int, QList<Pair>> m_pages;
    static constexpr int kPageSize = 200;
};

} // namespace pairlens::ui
