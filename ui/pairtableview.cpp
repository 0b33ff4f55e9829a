#include "pairtableview.h"

#include "pairtablemodel.h"
#include "piibadgedelegate.h"
#include "piistyle.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCoreApplication>
#include <QHeaderView>
#include <QLocale>
#include <QMenu>
#include <QScrollBar>
#include <QSet>
#include <QTableView>

using namespace Qt::StringLiterals;

namespace pairlens::ui {

namespace {

const char *const kCopyTsv = "actionCopyRows";
const char *const kCopyCsv = "actionCopyRowsCsv";

QString field(const QString &text, QChar separator)
{
    if (!text.contains(separator) && !text.contains(u'"') && !text.contains(u'\n') && !text.contains(u'\r'))
        return text;
    QString quoted = text;
    quoted.replace(u'"', u"\"\""_s);
    return u'"' + quoted + u'"';
}

// Keeps the selected pairs selected across a new sort order and across a refresh that moves rows:
// their row ids are remembered when the sort indicator changes or the rows reorder, and selected
// again wherever they land, as their pages arrive. A selection made by the user meanwhile ends it.
class SelectionKeeper : public QObject
{
public:
    SelectionKeeper(QTableView *view, PairTableModel *model) : QObject(view), m_view(view), m_model(model)
    {
        // Connected before the window's own handler re-sorts the model, so the rows are still there.
        connect(view->horizontalHeader(), &QHeaderView::sortIndicatorChanged, this,
                &SelectionKeeper::remember);
        connect(model, &PairTableModel::pageArrived, this, &SelectionKeeper::reselect);
        connect(model, &PairTableModel::rowsReordering, this, [this] {
            remember();
            if (m_rowIds.isEmpty())
                return;
            // The rows stay (no reset), so the old rows' selection would now mark other pairs.
            m_restoring = true;
            m_view->selectionModel()->clearSelection();
            m_restoring = false;
        });
        connect(view->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
            // A selection the user makes ends it; the reset of the new order (nothing selected) doesn't.
            if (!m_restoring && m_view->selectionModel()->hasSelection())
                m_rowIds.clear();
        });
    }

private:
    void remember()
    {
        m_rowIds.clear();
        m_current = 0;
        const QModelIndexList rows = m_view->selectionModel()->selectedRows();
        for (const QModelIndex &index : rows)
            if (const Pair *p = m_model->pairAt(index.row()))
                m_rowIds.insert(p->rowId);
        if (const Pair *p = m_model->pairAt(m_view->currentIndex().row()); p && m_rowIds.contains(p->rowId))
            m_current = p->rowId;
    }

    void reselect(qint64 first, qint64 last)
    {
        if (m_rowIds.isEmpty())
            return;
        m_restoring = true;
        QItemSelection selection;
        for (qint64 row = first; row <= last; ++row) {
            const Pair *p = m_model->pairAt(int(row));
            if (!p || !m_rowIds.contains(p->rowId))
                continue;
            const QModelIndex index = m_model->index(int(row), 0);
            selection.select(index, index);
            if (p->rowId == m_current) {
                m_view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::NoUpdate);
                m_view->scrollTo(index);
            }
        }
        if (!selection.isEmpty())
            m_view->selectionModel()->select(selection,
                                             QItemSelectionModel::Select | QItemSelectionModel::Rows);
        m_restoring = false;
    }

    QTableView *m_view;
    PairTableModel *m_model;
    QSet<qint64> m_rowIds;
    qint64 m_current = 0;
    bool m_restoring = false;
};

// The header's context menu: a check box per column; the last visible one can't be hidden.
void showColumnMenu(QTableView *view, const QPoint &pos)
{
    QHeaderView *header = view->horizontalHeader();
    QMenu menu(view);
    menu.setObjectName(u"columnMenu"_s);
    int visible = 0;
    for (int i = 0; i < header->count(); ++i)
        visible += header->isSectionHidden(i) ? 0 : 1;
    for (int visual = 0; visual < header->count(); ++visual) {
        const int logical = header->logicalIndex(visual);
        QAction *a = menu.addAction(view->model()->headerData(logical, Qt::Horizontal).toString());
        a->setCheckable(true);
        a->setChecked(!header->isSectionHidden(logical));
        a->setEnabled(header->isSectionHidden(logical) || visible > 1);
        QObject::connect(a, &QAction::toggled, view, [view, header, logical](bool on) {
            header->setSectionHidden(logical, !on);
            if (on && header->sectionSize(logical) < 40)
                header->resizeSection(logical, header->defaultSectionSize());
            fitPairColumns(view);
        });
    }
    menu.addSeparator();
    QAction *all =
        menu.addAction(QCoreApplication::translate("pairlens::ui::PairTableView", "Show All Columns"));
    QObject::connect(all, &QAction::triggered, view, [view, header] {
        for (int i = 0; i < header->count(); ++i)
            header->setSectionHidden(i, false);
        fitPairColumns(view);
    });
    menu.exec(header->mapToGlobal(pos));
}

} // namespace

QString selectedRowsText(QTableView *view, QChar separator, qint64 *missing)
{
    auto *model = qobject_cast<PairTableModel *>(view->model());
    if (missing)
        *missing = 0;
    if (!model)
        return {};
    const QHeaderView *header = view->horizontalHeader();
    QList<int> columns;
    for (int visual = 0; visual < header->count(); ++visual)
        if (!header->isSectionHidden(header->logicalIndex(visual)))
            columns << header->logicalIndex(visual);
    QStringList lines;
    QStringList names;
    for (int c : std::as_const(columns))
        names << field(model->headerData(c, Qt::Horizontal, Qt::DisplayRole).toString(), separator);
    lines << names.join(separator);
    QList<int> rows;
    for (const QModelIndex &index : view->selectionModel()->selectedRows())
        rows << index.row();
    std::sort(rows.begin(), rows.end());
    for (int row : std::as_const(rows)) {
        if (!model->pairAt(row)) {
            if (missing)
                ++*missing;
            continue;
        }
        QStringList values;
        for (int c : std::as_const(columns))
            values << field(model->copyText(row, c), separator);
        lines << values.join(separator);
    }
    return lines.join(u'\n') + u'\n';
}

QList<QAction *> pairTableCopyActions(QTableView *view)
{
    QList<QAction *> actions;
    for (const char *name : {kCopyTsv, kCopyCsv})
        if (auto *a = view->findChild<QAction *>(QString::fromLatin1(name), Qt::FindDirectChildrenOnly))
            actions << a;
    return actions;
}

void setUpPairTable(QTableView *view)
{
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
    view->setTextElideMode(Qt::ElideRight);
    view->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    view->verticalHeader()->hide();
    view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 10);
    view->setItemDelegateForColumn(PairTableModel::Pii, new PiiBadgeDelegate(view));
    QHeaderView *header = view->horizontalHeader();
    header->setHighlightSections(false);
    header->setStretchLastSection(true);
    header->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    header->setContextMenuPolicy(Qt::CustomContextMenu);
    QObject::connect(header, &QWidget::customContextMenuRequested, view,
                     [view](const QPoint &pos) { showColumnMenu(view, pos); });

    auto *model = qobject_cast<PairTableModel *>(view->model());
    if (!model)
        return;
    // The row number first, where tables show it (a saved layout may move it elsewhere).
    header->moveSection(header->visualIndex(PairTableModel::Added), 0);
    new SelectionKeeper(view, model);
    auto copy = [view](QChar separator) {
        QApplication::clipboard()->setText(selectedRowsText(view, separator));
    };
    auto *tsv = new QAction(QCoreApplication::translate("pairlens::ui::PairTableView", "&Copy"), view);
    tsv->setObjectName(QString::fromLatin1(kCopyTsv));
    tsv->setShortcut(QKeySequence::Copy);
    tsv->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    tsv->setToolTip(QCoreApplication::translate("pairlens::ui::PairTableView",
                                                "Copy the selected rows as tab-separated text"));
    QObject::connect(tsv, &QAction::triggered, view, [copy] { copy(u'\t'); });
    auto *csv = new QAction(QCoreApplication::translate("pairlens::ui::PairTableView", "Copy as CS&V"), view);
    csv->setObjectName(QString::fromLatin1(kCopyCsv));
    csv->setToolTip(QCoreApplication::translate("pairlens::ui::PairTableView",
                                                "Copy the selected rows as CSV with a header"));
    QObject::connect(csv, &QAction::triggered, view, [copy] { copy(u','); });
    auto *separator = new QAction(view);
    separator->setSeparator(true);
    view->addActions({tsv, csv, separator});
}

void fitPairColumns(QTableView *view)
{
    const QFontMetrics fm = view->fontMetrics();
    auto width = [&fm](const QString &sample) { return fm.horizontalAdvance(sample) + 20; };
    QHeaderView *header = view->horizontalHeader();
    using M = PairTableModel;
    // The widest of the column's header and its values, in the window's language ("Fehlgeschlagen"
    // is wider than "Success"); the header's sort arrow needs room beside its text.
    const QFontMetrics headerFm(header->font());
    auto fit = [&](int column, const QStringList &values) {
        int w = headerFm.horizontalAdvance(view->model()->headerData(column, Qt::Horizontal).toString()) + 36;
        for (const QString &v : values)
            w = std::max(w, width(v));
        return w;
    };
    auto translate = [](const char *context, const char *text) {
        return QCoreApplication::translate(context, text);
    };
    const char *model = "pairlens::ui::PairTableModel";
    const QList<QPair<int, int>> fixed = {
        {M::Time, fit(M::Time, {QStringLiteral("2026-12-31 23:59:59")})},
        {M::Type, fit(M::Type, {QStringLiteral("TRUNCATE")})},
        {M::DatabaseType, fit(M::DatabaseType, {QStringLiteral("postgresql")})},
        {M::Success, fit(M::Success, {translate(model, "Yes"), translate(model, "Failed")})},
        {M::ExecutionTime,
         fit(M::ExecutionTime, {translate(model, "%1 ms").arg(QLocale().toString(1234.5, 'f', 1))})},
        // Three kinds in the window's language (the demo's common mix; German "E-Mail, Telefon,
        // Name" is a third wider than English): more end in the badges' "…".
        {M::Pii,
         fit(M::Pii,
             {QStringList{piiLabel(PiiKind::Email), piiLabel(PiiKind::Phone), piiLabel(PiiKind::Name)}.join(
                 u", "_s)})},
        {M::Added, fit(M::Added, {QStringLiteral("10000000")})},
        {M::Review, fit(M::Review, {reviewStatusLabel(ReviewStatus::Unreviewed),
                                    reviewStatusLabel(ReviewStatus::Approved),
                                    reviewStatusLabel(ReviewStatus::Rejected)})},
    };
    QList<QPair<int, int>> columns = fixed;
    if (header->count() > M::DeletedAt) // the trash: when each pair was deleted
        columns.append({M::DeletedAt, width(QStringLiteral("2026-12-31 23:59:59"))});
    int used = 0;
    for (const auto &[column, size] : std::as_const(columns)) {
        header->resizeSection(column, size); // the last one (the review) stretches to the edge
        used += header->isSectionHidden(column) ? 0 : size;
    }
    // The vertical scroll bar takes its room once rows fill the view: count it from the start.
    int room = view->viewport()->width();
    if (!view->verticalScrollBar()->isVisible() && view->verticalScrollBarPolicy() != Qt::ScrollBarAlwaysOff)
        room -= view->style()->pixelMetric(QStyle::PM_ScrollBarExtent, nullptr, view);
    const int texts =
        (header->isSectionHidden(M::Question) ? 0 : 1) + (header->isSectionHidden(M::Sql) ? 0 : 1);
    const int available = room - used - 2;
    const int text = texts ? std::max(120, available / texts) : 0;
    header->resizeSection(M::Question, text);
    header->resizeSection(M::Sql, texts == 2 ? std::max(120, available - text) : text);
}

} // namespace pairlens::ui
