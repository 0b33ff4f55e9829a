#include "filterpanel.h"

#include "datasetworker.h"
#include "piistyle.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPainter>
#include <QPushButton>
#include <QScrollArea>
#include <QTimer>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace pairlens::ui {
namespace {

QLabel *sectionLabel(const QString &text)
{
    auto *label = new QLabel(text);
    QFont f = label->font();
    f.setBold(true);
    label->setFont(f);
    label->setContentsMargins(0, 8, 0, 0);
    return label;
}

QIcon swatch(const QColor &color)
{
    QPixmap pm(12, 12);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    p.setBrush(color);
    p.setPen(color.darker(130));
    p.drawRoundedRect(QRectF(0.5, 0.5, 11, 11), 3, 3);
    return QIcon(pm);
}

QStringList checkedValues(const QListWidget *list)
{
    QStringList out;
    for (int i = 0; i < list->count(); ++i) {
        if (list->item(i)->checkState() == Qt::Checked)
            out << list->item(i)->data(Qt::UserRole).toString();
    }
    return out;
}

void fillList(QListWidget *list, const QStringList &values, const QStringList &checked)
{
    QSignalBlocker block(list);
    list->clear();
    QStringList all = values;
    for (const QString &c : checked) {
        if (!all.contains(c))
            all << c; // a value restored from settings that this dataset doesn't have (yet)
    }
    for (const QString &v : all) {
        auto *item = new QListWidgetItem(v.isEmpty() ? FilterPanel::tr("(no statement)") : v, list);
        item->setData(Qt::UserRole, v);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable);
        item->setCheckState(checked.contains(v) ? Qt::Checked : Qt::Unchecked);
    }
    const int rows = std::clamp(int(all.size()), 1, 6);
    list->setFixedHeight(rows * list->fontMetrics().height() * 3 / 2 + 6);
}

} // namespace

FilterPanel::FilterPanel(QWidget *parent) : QWidget(parent)
{
    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(250);
    connect(m_debounce, &QTimer::timeout, this, [this] { emit filterChanged(filter()); });

    auto *content = new QWidget;
    auto *layout = new QVBoxLayout(content);
    layout->setContentsMargins(8, 4, 8, 8);
    layout->setSpacing(4);

    m_search = new QLineEdit;
    m_search->setObjectName(u"searchEdit"_s);
    m_search->setPlaceholderText(tr("Search questions and SQL…"));
    m_search->setClearButtonEnabled(true);
    m_search->setToolTip(
        tr("Full-text search over question and SQL; the last word matches as a prefix (Ctrl+F)"));
    layout->addWidget(m_search);
    connect(m_search, &QLineEdit::textChanged, this, &FilterPanel::changed);

    layout->addWidget(sectionLabel(tr("Date (UTC)")));
    auto addDate = [&](QCheckBox **on, QDateEdit **edit, const QString &label, const QString &name) {
        auto *row = new QHBoxLayout;
        *on = new QCheckBox(label);
        *edit = new QDateEdit(QDate::currentDate());
        (*edit)->setObjectName(name);
        (*edit)->setCalendarPopup(true);
        (*edit)->setDisplayFormat(u"yyyy-MM-dd"_s);
        (*edit)->setEnabled(false);
        row->addWidget(*on);
        row->addWidget(*edit, 1);
        layout->addLayout(row);
        connect(*on, &QCheckBox::toggled, *edit, &QWidget::setEnabled);
        connect(*on, &QCheckBox::toggled, this, &FilterPanel::changed);
        connect(*edit, &QDateEdit::dateChanged, this, &FilterPanel::changed);
    };
    addDate(&m_fromOn, &m_from, tr("From"), u"fromDate"_s);
    addDate(&m_toOn, &m_to, tr("To"), u"toDate"_s);
    m_fromOn->setMinimumWidth(m_toOn->sizeHint().width());

    layout->addWidget(sectionLabel(tr("Result")));
    m_success = new QComboBox;
    m_success->setObjectName(u"successCombo"_s);
    m_success->addItems({tr("Successful and failed"), tr("Successful only"), tr("Failed only")});
    layout->addWidget(m_success);
    connect(m_success, &QComboBox::currentIndexChanged, this, &FilterPanel::changed);

    layout->addWidget(sectionLabel(tr("Statement type")));
    layout->addWidget(buildChoiceList(&m_types, u"typeList"_s));
    layout->addWidget(sectionLabel(tr("Database type")));
    layout->addWidget(buildChoiceList(&m_dbTypes, u"dbTypeList"_s));
    layout->addWidget(sectionLabel(tr("Database name")));
    layout->addWidget(buildChoiceList(&m_dbNames, u"dbNameList"_s));

    layout->addWidget(sectionLabel(tr("Review status")));
    for (ReviewStatus s : {ReviewStatus::Unreviewed, ReviewStatus::Approved, ReviewStatus::Rejected}) {
        auto *box = new QCheckBox(reviewStatusLabel(s));
        box->setObjectName(u"review_"_s + reviewStatusName(s));
        m_review << box;
        layout->addWidget(box);
        connect(box, &QCheckBox::toggled, this, &FilterPanel::changed);
    }

    layout->addWidget(sectionLabel(tr("Duplicates")));
    m_duplicates = new QComboBox;
    m_duplicates->setObjectName(u"duplicates"_s);
    m_duplicates->addItems(
        {tr("With or without duplicates"), tr("Exact duplicates only"), tr("Normalized duplicates only")});
    m_duplicates->setToolTip(tr("Pairs whose question and SQL another pair repeats: exactly, or up to case, "
                                "spacing and literal values."));
    layout->addWidget(m_duplicates);
    connect(m_duplicates, &QComboBox::currentIndexChanged, this, &FilterPanel::changed);

    layout->addWidget(sectionLabel(tr("Personal data")));
    m_piiAny = new QCheckBox(tr("Only pairs with personal data"));
    m_piiAny->setObjectName(u"piiAny"_s);
    m_piiAny->setToolTip(tr("Check kinds below to narrow it down; none checked means any kind"));
    layout->addWidget(m_piiAny);
    connect(m_piiAny, &QCheckBox::toggled, this, &FilterPanel::changed);
    auto *kinds = new QGridLayout;
    kinds->setContentsMargins(16, 0, 0, 0);
    int i = 0;
    for (PiiKind k : allPiiKinds()) {
        auto *box = new QCheckBox(piiLabel(k));
        box->setObjectName(u"pii_"_s + piiKindName(k));
        box->setIcon(swatch(piiColor(k)));
        box->setToolTip(piiDescription(k));
        box->setProperty("kind", quint32(k));
        m_piiKinds << box;
        kinds->addWidget(box, i / 2, i % 2);
        ++i;
        connect(box, &QCheckBox::toggled, this, [this](bool on) {
            if (on && !m_piiAny->isChecked()) {
                QSignalBlocker b(m_piiAny);
                m_piiAny->setChecked(true);
            }
            changed();
        });
    }
    layout->addLayout(kinds);
    layout->addStretch(1);

    auto *scroll = new QScrollArea;
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    m_clear = new QPushButton(tr("Clear filters"));
    m_clear->setObjectName(u"clearFilters"_s);
    m_clear->setToolTip(tr("Show all pairs again (Ctrl+Shift+L)"));
    connect(m_clear, &QPushButton::clicked, this, &FilterPanel::clear);

    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(scroll, 1);
    auto *bottom = new QHBoxLayout;
    bottom->setContentsMargins(8, 4, 8, 8);
    bottom->addWidget(m_clear);
    outer->addLayout(bottom);
    setMinimumWidth(240);
    updateClearButton();
}

QWidget *FilterPanel::buildChoiceList(QListWidget **list, const QString &objectName)
{
    *list = new QListWidget;
    (*list)->setObjectName(objectName);
    (*list)->setSelectionMode(QAbstractItemView::NoSelection);
    (*list)->setFocusPolicy(Qt::TabFocus);
    fillList(*list, {}, {});
    connect(*list, &QListWidget::itemChanged, this, &FilterPanel::changed);
    return *list;
}

void FilterPanel::setDebounceInterval(int ms)
{
    m_debounce->setInterval(ms);
}

void FilterPanel::changed()
{
    updateClearButton();
    if (!m_loading)
        m_debounce->start();
}

void FilterPanel::updateClearButton()
{
    m_clear->setEnabled(!filter().isEmpty());
}

Filter FilterPanel::filter() const
{
    Filter f;
    f.search = m_search->text().trimmed();
    if (m_fromOn->isChecked())
        f.from = QDateTime(m_from->date(), QTime(0, 0), Qt::UTC);
    if (m_toOn->isChecked())
        f.to = QDateTime(m_to->date(), QTime(23, 59, 59, 999), Qt::UTC);
    f.success = Filter::Success(m_success->currentIndex());
    f.queryTypes = checkedValues(m_types);
    f.databaseTypes = checkedValues(m_dbTypes);
    f.databaseNames = checkedValues(m_dbNames);
    for (int i = 0; i < m_review.size(); ++i) {
        if (m_review.at(i)->isChecked())
            f.reviewStatuses << i;
    }
    f.piiRequired = m_piiAny->isChecked();
    for (QCheckBox *box : m_piiKinds) {
        if (box->isChecked())
            f.piiKinds |= box->property("kind").toUInt();
    }
    if (f.piiKinds)
        f.piiRequired = true;
    f.duplicates = Filter::Duplicates(m_duplicates->currentIndex());
    return f;
}

void FilterPanel::setFilter(const Filter &f)
{
    m_loading = true;
    m_search->setText(f.search);
    m_fromOn->setChecked(f.from.isValid());
    if (f.from.isValid())
        m_from->setDate(f.from.toUTC().date());
    m_toOn->setChecked(f.to.isValid());
    if (f.to.isValid())
        m_to->setDate(f.to.toUTC().date());
    m_success->setCurrentIndex(int(f.success));
    auto recheck = [](QListWidget *list, const QStringList &checked) {
        QStringList values;
        for (int i = 0; i < list->count(); ++i)
            values << list->item(i)->data(Qt::UserRole).toString();
        fillList(list, values, checked);
    };
    recheck(m_types, f.queryTypes);
    recheck(m_dbTypes, f.databaseTypes);
    recheck(m_dbNames, f.databaseNames);
    for (int i = 0; i < m_review.size(); ++i)
        m_review.at(i)->setChecked(f.reviewStatuses.contains(i));
    m_piiAny->setChecked(f.piiRequired);
    for (QCheckBox *box : m_piiKinds)
        box->setChecked(f.piiKinds & box->property("kind").toUInt());
    m_duplicates->setCurrentIndex(int(f.duplicates));
    m_loading = false;
    m_debounce->stop();
    updateClearButton();
}

void FilterPanel::setChoices(const FilterChoices &choices)
{
    fillList(m_types, choices.queryTypes, checkedValues(m_types));
    fillList(m_dbTypes, choices.databaseTypes, checkedValues(m_dbTypes));
    fillList(m_dbNames, choices.databaseNames, checkedValues(m_dbNames));
}

void FilterPanel::clear()
{
    const bool wasEmpty = filter().isEmpty();
    setFilter({});
    if (!wasEmpty)
        emit filterChanged(filter());
}

void FilterPanel::focusSearch()
{
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

} // namespace pairlens::ui
