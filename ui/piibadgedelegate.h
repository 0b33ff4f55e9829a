#pragma once

#include <QStyledItemDelegate>

namespace pairlens::ui {

// Paints a pair's PII kinds as small rounded badges in each kind's colour (the model's PiiMaskRole).
class PiiBadgeDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
};

} // namespace pairlens::ui
