#include "pairtablemodel.h"

#include "dataset/deriver.h"
#include "datasetsession.h"
#include "piistyle.h"
#include "privacy/anonymizer.h"

#include <QBrush>
#include <QFontDatabase>
#include <QLocale>

using namespace Qt::StringLiterals;

namespace pairlens::ui {
namespace {

constexpr qsizetype kCellChars = 400;     // text shown in a cell (the view elides the rest)
constexpr qsizetype kTooltipChars = 3000; // text shown in a tooltip

QString cellText(const QString &text)
{
    return text.size() > kCellChars ? text.left(kCellChars).simplified() + u'…' : text.simplified();
}

QString tooltipText(const QString &text)
{
    return text.size() > kTooltipChars ? text.left(kTooltipChars) + u"\n…"_s : text;
}

} // namespace

PairTableModel::PairTableModel(DatasetSession *session, Filter::Scope scope, QObject *parent)
    : QAbstractTableModel(parent), m_session(session), m_client(session->newClientId()),
      m_state(std::make_shared<LoadState>())
{
    m_filter.scope = scope;
    DatasetWorker *w = session->worker();
    connect(w, &DatasetWorker::counted, this, &PairTableModel::onCounted);
    connect(w, &DatasetWorker::pageLoaded, this, &PairTableModel::onPage);
    connect(w, &DatasetWorker::pageDropped, this, &PairTableModel::onDropped);
    connect(session, &DatasetSession::modified, this, &PairTableModel::refresh);
    connect(session, &DatasetSession::opened, this, [this] {
        reset();
        restart(false);
    });
    connect(session, &DatasetSession::closed, this, &PairTableModel::reset);
    if (session->isOpen())
        restart(false);
}

PairTableModel::~PairTableModel()
{
    m_state->generation = ~quint64(0); // whatever is still queued for this model is dropped
}

void PairTableModel::setFilter(const Filter &filter)
{
    const Filter::Scope scope = m_filter.scope;
    m_filter = filter;
    m_filter.scope = scope;
    restart(false);
}

void PairTableModel::setSort(const PairStore::Sort &sort)
{
    m_sort = sort;
    restart(false);
}

void PairTableModel::sort(int column, Qt::SortOrder order)
{
    const std::optional<PairStore::SortColumn> c = sortColumnFor(column);
    if (!c)
        return;
    setSort({*c, order});
}

std::optional<PairStore::SortColumn> PairTableModel::sortColumnFor(int column)
{
    using C = PairStore::SortColumn;
    switch (column) {
    case Time:
        return C::Timestamp;
    case Question:
        return C::Question;
    case Sql:
        return C::Sql;
    case Type:
        return C::QueryType;
    case DatabaseType:
        return C::DatabaseType;
    case Success:
        return C::Success;
    case ExecutionTime:
        return C::ExecutionTime;
    case Pii:
        return C::PiiKinds;
    case Review:
        return C::ReviewStatus;
    case Added:
        return C::Id;
    }
    return std::nullopt;
}

void PairTableModel::setPreview(bool on)
{
    if (m_preview == on)
        return;
    m_preview = on;
    emit headerDataChanged(Qt::Horizontal, Question, Sql);
    if (m_count > 0)
        emit dataChanged(index(0, Question), index(rowCount() - 1, Sql));
}

void PairTableModel::reset()
{
    beginResetModel();
    m_state->generation = ++m_generation;
    m_session->interruptStaleReads(); // the count or page of the old generation in flight
    m_shownGeneration = m_generation;
    m_count = 0;
    m_counted = false;
    m_cache.clear();
    m_pending.clear();
    m_requested.clear();
    endResetModel();
    emit countChanged(0);
}

void PairTableModel::refresh()
{
    if (m_session->isOpen())
        restart(true);
}

void PairTableModel::restart(bool keepRows)
{
    if (!m_session->isOpen())
        return;
    m_state->generation = ++m_generation;
    m_session->interruptStaleReads(); // the count or page of the old generation in flight
    m_keepRows = keepRows;
    m_requested.clear();
    m_pending.clear();
    // A new filter asks for its first rows before its count: they are shown as soon as they arrive
    // (see onPage), and the count, which can take longer than the page for a broad search, follows.
    if (!keepRows)
        requestPage(0);
    m_session->requestCount(m_state, m_client, m_generation, m_filter);
}

void PairTableModel::requestPage(qint64 page) const
{
    m_state->focusPage = page;
    if (m_requested.contains(page))
        return;
    m_requested.insert(page);
    PageRequest r;
    r.state = m_state;
    r.client = m_client;
    r.generation = m_generation;
    r.filter = m_filter;
    r.sort = m_sort;
    r.page = page;
    r.pageSize = kPageSize;
    r.keepRadius = kCachePages / 2;
    m_session->requestPage(r);
}

void PairTableModel::onCounted(quint64 client, quint64 generation, qint64 count)
{
    if (client != m_client || generation != m_generation)
        return;
    const qint64 old = m_count;
    const qint64 shown = std::min<qint64>(count, std::numeric_limits<int>::max());
    if (!m_keepRows && m_shownGeneration == generation) {
        // The first page is on screen already: the rows below it join it, and the view keeps its
        // position, selection and current row.
        resizeShown(shown);
        for (auto it = m_pending.cbegin(); it != m_pending.cend(); ++it)
            m_cache.insert(it.key(), it.value(), generation, m_state->focusPage.load());
        m_pending.clear();
        const bool changed = !m_counted || shown != old;
        m_counted = true;
        if (changed)
            emit countChanged(m_count);
        return;
    }
    if (!m_keepRows || !m_counted) {
        beginResetModel();
        m_count = shown;
        m_cache.clear();
        for (auto it = m_pending.cbegin(); it != m_pending.cend(); ++it)
            m_cache.insert(it.key(), it.value(), generation, 0);
        m_pending.clear();
        m_shownGeneration = generation;
        m_counted = true;
        endResetModel();
    } else {
        m_shownGeneration = generation;
        const bool newestFirst =
            m_sort.column == PairStore::SortColumn::Id && m_sort.order == Qt::DescendingOrder;
        if (!newestFirst)
            emit rowsReordering(); // the rows still hold the pairs they showed
        if (shown > old) {
            const qint64 added = shown - old;
            if (newestFirst) {
                // Pairs added since: they sort first. Rows below move down with their selection.
                beginInsertRows({}, 0, int(added - 1));
                m_count = shown;
                m_cache.clear();
                m_requested.clear();
            } else {
                beginInsertRows({}, int(old), int(shown - 1));
                m_count = shown;
            }
            endInsertRows();
        } else if (shown < old) {
            beginRemoveRows({}, int(shown), int(old - 1));
            m_count = shown;
            endRemoveRows();
        }
        // Every row may have changed: the view asks again, and stale pages are fetched anew.
        if (m_count > 0)
            emit dataChanged(index(0, 0), index(int(m_count - 1), ColumnCount - 1));
    }
    emit countChanged(m_count);
}

void PairTableModel::onPage(quint64 client, quint64 generation, qint64 page, const QList<Pair> &pairs)
{
    if (client != m_client || generation != m_generation)
        return;
    m_requested.remove(page);
    QList<Row> rows;
    rows.reserve(pairs.size());
    for (const Pair &p : pairs)
        rows.append(Row{p, std::nullopt, std::nullopt});
    if (generation != m_shownGeneration && !m_keepRows) {
        if (page != 0) {
            m_pending.insert(page, std::move(rows)); // shown once the count says how many rows there are
            return;
        }
        // The first rows of a new filter or sort, ahead of its count: show them now. Until the
        // count arrives the table has just these rows; a short page is the whole result.
        const bool complete = rows.size() < kPageSize;
        beginResetModel();
        m_count = rows.size();
        m_cache.clear();
        m_cache.insert(0, std::move(rows), generation, 0);
        m_shownGeneration = generation;
        m_counted = complete;
        endResetModel();
        if (complete)
            emit countChanged(m_count);
        if (m_count > 0)
            emit pageArrived(0, m_count - 1);
        return;
    }
    m_cache.insert(page, std::move(rows), generation, m_state->focusPage.load());
    const qint64 first = page * kPageSize;
    const qint64 last = std::min<qint64>(first + kPageSize, m_count) - 1;
    if (last >= first) {
        emit dataChanged(index(int(first), 0), index(int(last), ColumnCount - 1));
        emit pageArrived(first, last);
    }
}

void PairTableModel::resizeShown(qint64 rows)
{
    if (rows > m_count) {
        beginInsertRows({}, int(m_count), int(rows - 1));
        m_count = rows;
        endInsertRows();
    } else if (rows < m_count) {
        beginRemoveRows({}, int(rows), int(m_count - 1));
        m_count = rows;
        endRemoveRows();
    }
}

void PairTableModel::onDropped(quint64 client, quint64 generation, qint64 page)
{
    if (client == m_client && generation == m_generation)
        m_requested.remove(page);
}

const Pair *PairTableModel::pairAt(int row) const
{
    if (row < 0 || row >= m_count)
        return nullptr;
    const Row *r = m_cache.row(row);
    return r ? &r->pair : nullptr;
}

bool PairTableModel::loadedRowIds(int first, int last, QList<qint64> *ids) const
{
    for (int row = first; row <= last; ++row) {
        const Pair *p = pairAt(row);
        if (!p)
            return false;
        ids->append(p->rowId);
    }
    return true;
}

namespace {

// The selected rows as sorted, non-overlapping [first, last] intervals.
QList<QPair<int, int>> rowIntervals(const QItemSelection &selection)
{
    QList<QPair<int, int>> rows;
    for (const QItemSelectionRange &r : selection)
        rows.append({r.top(), r.bottom()});
    std::sort(rows.begin(), rows.end());
    QList<QPair<int, int>> merged;
    for (const auto &r : rows) {
        if (!merged.isEmpty() && r.first <= merged.last().second + 1)
            merged.last().second = std::max(merged.last().second, r.second);
        else
            merged.append(r);
    }
    return merged;
}

} // namespace

Selection PairTableModel::selectionFor(const QItemSelection &selection) const
{
    Selection s;
    s.filter = m_filter;
    s.sort = m_sort;
    for (const auto &interval : rowIntervals(selection)) {
        QList<qint64> ids;
        if (loadedRowIds(interval.first, interval.second, &ids))
            s.rowIds += ids;
        else
            s.ranges.append({interval.first, interval.second - interval.first + 1});
    }
    return s;
}

qint64 PairTableModel::selectedRowCount(const QItemSelection &selection)
{
    qint64 n = 0;
    for (const auto &interval : rowIntervals(selection))
        n += interval.second - interval.first + 1;
    return n;
}

int PairTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_count);
}

int PairTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount + (m_filter.scope == Filter::Scope::Deleted ? 1 : 0);
}

QString PairTableModel::previewText(Row &row, bool sql) const
{
    std::optional<QString> &slot = sql ? row.previewSql : row.previewQuestion;
    if (!slot) {
        const privacy::Anonymizer *a = m_session->anonymizer();
        if (a)
            a = &a->forPair(row.pair.pairId);
        const QString &text = sql ? row.pair.sqlQuery : row.pair.naturalLanguageQuery;
        if (!a) {
            slot = text;
        } else {
            // Both at once, as exported: the SQL's values are replaced in the question too.
            const privacy::AnonymizedText s =
                a->anonymizeSql(row.pair.sqlQuery, sql::dialectFromDatabaseType(row.pair.databaseType));
            row.previewSql = s.text;
            row.previewQuestion = a->anonymizeQuestion(row.pair.naturalLanguageQuery, s).text;
        }
    }
    return *slot;
}

QVariant PairTableModel::display(Row &row, int column) const
{
    const Pair &p = row.pair;
    switch (column) {
    case Time: {
        const QDateTime dt = parsePairTimestamp(p.timestamp);
        return dt.isValid() ? dt.toUTC().toString(u"yyyy-MM-dd HH:mm:ss"_s) : p.timestamp;
    }
    case Question:
        return cellText(m_preview ? previewText(row, false) : p.naturalLanguageQuery);
    case Sql:
        return cellText(m_preview ? previewText(row, true) : p.sqlQuery);
    case Type:
        return p.queryType.isEmpty() ? tr("(none)") : p.queryType;
    case DatabaseType:
        return p.databaseType;
    case Success:
        return p.success ? tr("Yes") : tr("Failed");
    case ExecutionTime:
        return p.executionTimeMs < 0 ? QString()
                                     : tr("%1 ms").arg(QLocale().toString(p.executionTimeMs, 'f', 1));
    case Pii: {
        QStringList labels;
        for (PiiKind k : allPiiKinds()) {
            if (p.piiMask & quint32(k))
                labels << piiLabel(k);
        }
        return labels.join(u", "_s);
    }
    case Review:
        return reviewStatusLabel(p.reviewStatus);
    case Added:
        return QString::number(p.rowId);
    case DeletedAt: {
        const QDateTime dt = QDateTime::fromString(p.deletedAt, Qt::ISODateWithMs);
        return dt.isValid() ? dt.toUTC().toString(u"yyyy-MM-dd HH:mm:ss"_s) : p.deletedAt;
    }
    }
    return {};
}

QString PairTableModel::copyText(int row, int column) const
{
    Row *r = row >= 0 && row < m_count ? m_cache.row(row) : nullptr;
    if (!r)
        return {};
    if (column == Question || column == Sql)
        return m_preview ? previewText(*r, column == Sql)
                         : (column == Sql ? r->pair.sqlQuery : r->pair.naturalLanguageQuery);
    return display(*r, column).toString();
}

QVariant PairTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const qint64 page = index.row() / kPageSize;
    Row *row = m_cache.row(index.row());
    // Not loaded, or loaded before the last change: the old row shows meanwhile. The rows of an
    // earlier filter, still on screen until the new one's first page arrives, need no new page.
    if ((!row || m_cache.generationOf(page) != m_generation) &&
        (m_keepRows || m_shownGeneration == m_generation))
        requestPage(page);
    if (!row) {
        if (role == Qt::DisplayRole && index.column() == Question)
            return tr("Loading…");
        if (role == Qt::ForegroundRole)
            return QBrush(Qt::gray);
        if (role == LoadedRole)
            return false;
        if (role == RowIdRole)
            return qint64(0);
        return {};
    }
    const Pair &p = row->pair;
    switch (role) {
    case Qt::DisplayRole:
        return display(*row, index.column());
    case Qt::ToolTipRole:
        switch (index.column()) {
        case Question:
            return tooltipText(m_preview ? previewText(*row, false) : p.naturalLanguageQuery);
        case Sql:
            return tooltipText(m_preview ? previewText(*row, true) : p.sqlQuery);
        case DatabaseType:
            return p.databaseName.isEmpty() ? p.databaseType : p.databaseType + u" · "_s + p.databaseName;
        case Time:
            return p.timestamp;
        case Pii: {
            QStringList kinds;
            for (PiiKind k : allPiiKinds()) {
                if (p.piiMask & quint32(k))
                    kinds << piiDescription(k);
            }
            return kinds.isEmpty() ? tr("No personal data found") : kinds.join(u'\n');
        }
        }
        return {};
    case Qt::ForegroundRole:
        if (index.column() == Success && !p.success)
            return QBrush(QColor(0xc0, 0x2b, 0x2b));
        if (index.column() == Review)
            return QBrush(reviewStatusColor(p.reviewStatus));
        if (index.column() == Added)
            return QBrush(QColor(0x6b, 0x6b, 0x6b));
        return {};
    case Qt::FontRole:
        if (index.column() == Sql)
            return QFontDatabase::systemFont(QFontDatabase::FixedFont);
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == ExecutionTime || index.column() == Added)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case RowIdRole:
        return p.rowId;
    case PiiMaskRole:
        return p.piiMask;
    case LoadedRole:
        return true;
    }
    return {};
}

QVariant PairTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= columnCount())
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::DisplayRole) {
        switch (section) {
        case Time:
            return tr("Time (UTC)");
        case Question:
            return tr("Question");
        case Sql:
            return tr("SQL");
        case Type:
            return tr("Type");
        case DatabaseType:
            return tr("Database");
        case Success:
            return tr("Success");
        case ExecutionTime:
            return tr("Duration");
        case Pii:
            return tr("PII");
        case Review:
            return tr("Review");
        case Added:
            return tr("#");
        case DeletedAt:
            return tr("Deleted (UTC)");
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case Type:
            return tr("Statement type of the SQL");
        case DatabaseType:
            return tr("Database type the SQL ran against");
        case ExecutionTime:
            return tr("Execution time");
        case Pii:
            return tr("Kinds of personal data found in the question or the SQL");
        case Review:
            return tr("Review status");
        case Added:
            return tr("Order added: the pair's row number in the dataset");
        }
    }
    return {};
}

} // namespace pairlens::ui
