#include "pairtableview.h"

#include "pairtablemodel.h"
#include "piibadgedelegate.h"

#include <QHeaderView>
#include <QTableView>

namespace pairlens::ui {

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
    view->horizontalHeader()->setHighlightSections(false);
    view->horizontalHeader()->setStretchLastSection(true);
    view->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
}

void fitPairColumns(QTableView *view)
{
    const QFontMetrics fm = view->fontMetrics();
    auto width = [&fm](const QString &sample) { return fm.horizontalAdvance(sample) + 20; };
    QHeaderView *header = view->horizontalHeader();
    using M = PairTableModel;
    const QList<QPair<int, int>> fixed = {
        {M::Time, width(QStringLiteral("2026-12-31 23:59:59"))},
        {M::Type, width(QStringLiteral("TRUNCATE"))},
        {M::DatabaseType, width(QStringLiteral("postgresql"))},
        {M::Success, width(QStringLiteral("Success"))},
        {M::ExecutionTime, width(QStringLiteral("1,234.5 ms"))},
        {M::Pii, width(QStringLiteral("E-mail Phone")) + 10},
        {M::Review, width(QStringLiteral("Unreviewed"))},
    };
    int used = 0;
    for (const auto &[column, size] : fixed) {
        header->resizeSection(column, size); // the last one (the review) stretches to the edge
        used += size;
    }
    const int available = view->viewport()->width() - used;
    const int text = std::max(160, available / 2);
    header->resizeSection(M::Question, text);
    header->resizeSection(M::Sql, std::max(160, available - text));
}

} // namespace pairlens::ui
