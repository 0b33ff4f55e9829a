#pragma once

#include "dataset/filter.h"
#include "dataset/pair.h"
#include "dataset/pairstore.h"
#include "rowcache.h"

#include <QAbstractTableModel>
#include <QItemSelection>
#include <QSet>

#include <memory>
#include <optional>

namespace pairlens::ui {

class DatasetSession;
struct LoadState;
struct Selection;

// The pairs matching a filter as table rows, for datasets of millions of pairs. The row count comes
// from a count query on the worker, asked right after the first page (which is shown before the
// count arrives); data() answers from a bounded page cache and, for rows not loaded yet, shows a
// placeholder and asks the worker for their page. Pages arrive by signal and emit dataChanged;
// results for an older filter or sort (an older generation) are dropped.
class PairTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Time,
        Question,
        Sql,
        Type,
        DatabaseType,
        Success,
        ExecutionTime,
        Pii,
        Review,
        // The order the pairs were added in (the dataset's row number); shown first, and the
        // table's default order, newest added first.
        Added,
        ColumnCount,
        // The trash's extra last column: when each pair was deleted (columnCount() is ColumnCount + 1
        // for a model of the trash).
        DeletedAt = ColumnCount,
    };
    enum Role
    {
        RowIdRole = Qt::UserRole + 1, // qint64, 0 while the row isn't loaded
        PiiMaskRole,                  // quint32
        LoadedRole,                   // bool
    };

    static constexpr int kPageSize = 100;
    static constexpr int kCachePages = 40;

    explicit PairTableModel(DatasetSession *session, Filter::Scope scope = Filter::Scope::Live,
                            QObject *parent = nullptr);
    ~PairTableModel() override;

    // A new filter or sort reloads from scratch; the rows stay until its first page arrives, which
    // is shown at once (the table then has just those rows until the count adds the rest).
    void setFilter(const Filter &filter);
    Filter filter() const { return m_filter; }
    PairStore::Sort currentSort() const { return m_sort; }
    void setSort(const PairStore::Sort &sort);

    // Shows question and SQL as they will be exported.
    void setPreview(bool on);
    bool preview() const { return m_preview; }

    // Forgets everything (e.g. the dataset was closed or another one opened).
    void reset();
    // Reloads after a change, keeping the rows (and so the view's selection and scroll position):
    // stale rows stay visible until their fresh page arrives. In newest-first order, new pairs are
    // inserted on top so the pairs on screen stay where they are.
    void refresh();

    // False until the matching pairs are counted (rowCount() may be the first page alone).
    bool isCounted() const { return m_counted; }
    // True once the rows and count shown are those of the current filter and sort. After
    // setFilter() or setSort(), isCounted() still holds the previous count until the new one
    // arrives; this does not.
    bool isCurrent() const { return m_counted && m_shownGeneration == m_generation; }
    qsizetype cachedPageCount() const { return m_cache.pageCount(); }
    qint64 matchingCount() const { return m_count; }
    const Pair *pairAt(int row) const;
    // A cell's text for copying: as display() shows it, but question and SQL in full (anonymized in
    // preview mode). Empty when the row isn't loaded.
    QString copyText(int row, int column) const;
    // The row ids of the rows in [first, last] that are loaded; false when some aren't.
    bool loadedRowIds(int first, int last, QList<qint64> *ids) const;

    // The selected rows for the worker: row ids of loaded rows, (offset, count) ranges for the rest
    // (any number of ranges, e.g. Ctrl+A over a million rows). Empty when nothing is selected.
    Selection selectionFor(const QItemSelection &selection) const;
    static qint64 selectedRowCount(const QItemSelection &selection);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    void sort(int column, Qt::SortOrder order) override;

    static std::optional<PairStore::SortColumn> sortColumnFor(int column);

signals:
    void countChanged(qint64 matching);
    void pageArrived(qint64 firstRow, qint64 lastRow);
    // A refresh changed the number of rows in an order where any row may now hold another pair
    // (every order but newest added first); emitted while the rows still hold the pairs they had.
    void rowsReordering();

private:
    struct Row
    {
        Pair pair;
        std::optional<QString> previewQuestion; // filled on first use in preview mode
        std::optional<QString> previewSql;
    };

    void restart(bool keepRows);
    void resizeShown(qint64 rows); // inserts or removes rows at the end
    void requestPage(qint64 page) const;
    void onCounted(quint64 client, quint64 generation, qint64 count);
    void onPage(quint64 client, quint64 generation, qint64 page, const QList<Pair> &rows);
    void onDropped(quint64 client, quint64 generation, qint64 page);
    QVariant display(Row &row, int column) const;
    QString previewText(Row &row, bool sql) const;

    DatasetSession *m_session;
    quint64 m_client;
    std::shared_ptr<LoadState> m_state;
    Filter m_filter;
    PairStore::Sort m_sort{PairStore::SortColumn::Id, Qt::DescendingOrder};
    bool m_preview = false;

    quint64 m_generation = 0;      // what new requests are for
    quint64 m_shownGeneration = 0; // what the row count belongs to
    bool m_keepRows = false;       // the pending generation refreshes in place
    bool m_counted = false;
    qint64 m_count = 0;
    mutable RowCache<Row> m_cache{kPageSize, kCachePages};
    mutable QHash<qint64, QList<Row>> m_pending; // pages of a new filter that arrived before its count
    mutable QSet<qint64> m_requested;            // pages asked for in m_generation
};

} // namespace pairlens::ui
