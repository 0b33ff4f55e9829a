#include "facetlist.h"

#include <QPainter>
#include <QStyledItemDelegate>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace pairlens::ui {
namespace {

QString countLabel(const QModelIndex &index)
{
    const QVariant v = index.data(FacetList::CountRole);
    return v.isValid() && v.toLongLong() >= 0 ? QLocale().toString(v.toLongLong()) : QString();
}

// Paints the count right-aligned in a muted colour; the value's text is elided before it.
class CountDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        const QString count = countLabel(index);
        QStyleOptionViewItem opt = option;
        const int margin = opt.fontMetrics.horizontalAdvance(u' ') * 2;
        const int width = count.isEmpty() ? 0 : opt.fontMetrics.horizontalAdvance(count) + margin;
        if (index.data(CountRoleZero).toBool())
            opt.palette.setColor(QPalette::Text, opt.palette.color(QPalette::Disabled, QPalette::Text));
        QRect full = opt.rect;
        opt.rect.setRight(opt.rect.right() - width);
        QStyledItemDelegate::paint(painter, opt, index);
        if (count.isEmpty())
            return;
        painter->save();
        painter->setPen(option.palette.color(QPalette::Disabled, QPalette::Text));
        full.setRight(full.right() - margin / 2);
        painter->drawText(full, Qt::AlignRight | Qt::AlignVCenter, count);
        painter->restore();
    }

    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QSize s = QStyledItemDelegate::sizeHint(option, index);
        const QString count = countLabel(index);
        if (!count.isEmpty())
            s.rwidth() += option.fontMetrics.horizontalAdvance(count + u"  "_s);
        return s;
    }

    static constexpr int CountRoleZero = FacetList::CountRole + 1;
};

} // namespace

FacetList::FacetList(QWidget *parent) : QListWidget(parent)
{
    setSelectionMode(QAbstractItemView::NoSelection);
    setFocusPolicy(Qt::TabFocus);
    setItemDelegate(new CountDelegate(this));
    setUniformItemSizes(true);
    fitHeight();
}

void FacetList::setValues(const QStringList &values, const QStringList &checked)
{
    QHash<QString, QVariant> counts;
    for (int i = 0; i < count(); ++i)
        counts.insert(item(i)->data(Qt::UserRole).toString(), item(i)->data(CountRole));
    QSignalBlocker block(this);
    clear();
    QStringList all = values;
    for (const QString &c : checked) {
        if (!all.contains(c))
            all << c; // a value restored from settings that this dataset doesn't have (yet)
    }
    for (const QString &v : all) {
        auto *item = new QListWidgetItem(v.isEmpty() ? tr("(no statement)") : v, this);
        item->setData(Qt::UserRole, v);
        item->setData(CountRole, counts.value(v, qint64(-1)));
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        item->setCheckState(checked.contains(v) ? Qt::Checked : Qt::Unchecked);
    }
    fitHeight();
}

QStringList FacetList::values() const
{
    QStringList out;
    for (int i = 0; i < count(); ++i)
        out << item(i)->data(Qt::UserRole).toString();
    return out;
}

QStringList FacetList::checkedValues() const
{
    QStringList out;
    for (int i = 0; i < count(); ++i) {
        if (item(i)->checkState() == Qt::Checked)
            out << item(i)->data(Qt::UserRole).toString();
    }
    return out;
}

int FacetList::rowOf(const QString &value) const
{
    for (int i = 0; i < count(); ++i) {
        if (item(i)->data(Qt::UserRole).toString().compare(value, Qt::CaseInsensitive) == 0)
            return i;
    }
    return -1;
}

void FacetList::setCounts(const FacetCounts::Values &counts)
{
    QSignalBlocker block(this);
    QHash<int, qint64> byRow;
    for (const auto &c : counts) {
        int row = rowOf(c.first);
        if (row < 0) {
            auto *item = new QListWidgetItem(c.first.isEmpty() ? tr("(no statement)") : c.first, this);
            item->setData(Qt::UserRole, c.first);
            item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
            item->setCheckState(Qt::Unchecked);
            row = count() - 1;
        }
        byRow.insert(row, c.second);
    }
    for (int i = 0; i < count(); ++i) {
        const qint64 n = byRow.value(i, 0);
        item(i)->setData(CountRole, n);
        item(i)->setData(CountDelegate::CountRoleZero, n == 0);
    }
    fitHeight();
    viewport()->update();
}

void FacetList::clearCounts()
{
    QSignalBlocker block(this);
    for (int i = 0; i < count(); ++i) {
        item(i)->setData(CountRole, qint64(-1));
        item(i)->setData(CountDelegate::CountRoleZero, false);
    }
    viewport()->update();
}

QString FacetList::countText(const QString &value) const
{
    const int row = rowOf(value);
    return row < 0 ? QString() : countLabel(indexFromItem(item(row)));
}

void FacetList::fitHeight()
{
    // Up to eight rows show without scrolling; longer lists (tables) scroll inside.
    const int rows = std::clamp(count(), 1, 8);
    const int row = count() > 0 ? std::max(sizeHintForRow(0), fontMetrics().height() + 4)
                                : fontMetrics().height() * 3 / 2;
    setFixedHeight(rows * row + 2 * frameWidth() + 2);
}

FilterSection::FilterSection(const QString &title, const QString &name, QWidget *content, QWidget *parent)
    : QWidget(parent), m_title(title), m_content(content)
{
    m_header = new QToolButton;
    m_header->setObjectName(u"section_"_s + name);
    m_header->setCheckable(true);
    m_header->setChecked(true);
    m_header->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_header->setAutoRaise(true);
    m_header->setStyleSheet(u"QToolButton { border: none; padding: 3px 0px; }"_s);
    // Takes the panel's width and never widens it (a long title in German is cut, not the panel).
    m_header->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    QFont f = m_header->font();
    f.setBold(true);
    m_header->setFont(f);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_header);
    layout->addWidget(content);
    connect(m_header, &QToolButton::toggled, this, [this](bool on) {
        m_content->setVisible(on);
        updateTitle();
    });
    updateTitle();
}

void FilterSection::setExpanded(bool on)
{
    m_header->setChecked(on);
}

void FilterSection::setActiveCount(int n)
{
    m_active = n;
    updateTitle();
}

void FilterSection::updateTitle()
{
    m_header->setArrowType(isExpanded() ? Qt::DownArrow : Qt::RightArrow);
    m_header->setText(!isExpanded() && m_active > 0 ? tr("%1 (%2 active)").arg(m_title).arg(m_active)
                                                    : m_title);
}

} // namespace pairlens::ui
