#include "piibadgedelegate.h"

#include "pairtablemodel.h"
#include "piistyle.h"

#include <QApplication>
#include <QPainter>

namespace pairlens::ui {
namespace {

constexpr int kPadding = 5;
constexpr int kGap = 3;

QFont badgeFont(const QFont &base)
{
    QFont f = base;
    f.setPointSizeF(base.pointSizeF() * 0.85);
    f.setBold(true);
    return f;
}

} // namespace

void PiiBadgeDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                             const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text.clear();
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget); // background and selection

    const quint32 mask = index.data(PairTableModel::PiiMaskRole).toUInt();
    if (!mask)
        return;
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const QFont font = badgeFont(option.font);
    painter->setFont(font);
    const QFontMetrics fm(font);
    const int h = fm.height() + 2;
    QRect area = option.rect.adjusted(4, 0, -4, 0);
    int x = area.left();
    const int y = area.top() + (area.height() - h) / 2;
    for (PiiKind kind : allPiiKinds()) {
        if (!(mask & quint32(kind)))
            continue;
        const QString label = piiLabel(kind);
        const int w = fm.horizontalAdvance(label) + 2 * kPadding;
        if (x + w > area.right() + 1) {
            painter->setPen(option.palette.color(QPalette::Text));
            painter->drawText(QRect(x, y, area.right() - x, h), Qt::AlignLeft | Qt::AlignVCenter,
                              QStringLiteral("…"));
            break;
        }
        const QRect badge(x, y, w, h);
        painter->setPen(Qt::NoPen);
        painter->setBrush(piiColor(kind));
        painter->drawRoundedRect(badge, 4, 4);
        painter->setPen(QColor(0x20, 0x20, 0x20));
        painter->drawText(badge, Qt::AlignCenter, label);
        x += w + kGap;
    }
    painter->restore();
}

QSize PiiBadgeDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const quint32 mask = index.data(PairTableModel::PiiMaskRole).toUInt();
    const QFontMetrics fm(badgeFont(option.font));
    int w = 8;
    for (PiiKind kind : allPiiKinds()) {
        if (mask & quint32(kind))
            w += fm.horizontalAdvance(piiLabel(kind)) + 2 * kPadding + kGap;
    }
    return QSize(std::max(w, 40), fm.height() + 8);
}

} // namespace pairlens::ui
