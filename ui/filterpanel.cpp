#include "filterpanel.h"

#include "datasetworker.h"
#include "facetcounter.h"
#include "facetlist.h"
#include "piistyle.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QPushButton>
#include <QScrollArea>
#include <QTimer>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace pairlens::ui {
namespace {

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

QStringList successLabels()
{
    return {FilterPanel::tr("Successful and failed"), FilterPanel::tr("Successful only"),
            FilterPanel::tr("Failed only")};
}

} // namespace

FilterPanel::FilterPanel(QWidget *parent) : QWidget(parent)
{
    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(250);
    connect(m_debounce, &QTimer::timeout, this, [this] {
        emit filterChanged(filter());
        recount();
    });
    m_recount = new QTimer(this);
    m_recount->setSingleShot(true);
    m_recount->setInterval(0);
    m_counter = new FacetCounter(this);
    connect(m_recount, &QTimer::timeout, this, [this] { m_counter->count(filter()); });
    connect(m_counter, &FacetCounter::counted, this, &FilterPanel::showCounts);
    connect(m_counter, &FacetCounter::timeRangeRead, this,
            [this](const QDateTime &first, const QDateTime &last) {
                // An unticked date starts at the dataset's own dates, not today.
                m_loading = true;
                if (first.isValid() && !m_fromOn->isChecked())
                    m_from->setDate(first.toUTC().date());
                if (last.isValid() && !m_toOn->isChecked())
                    m_to->setDate(last.toUTC().date());
                m_loading = false;
            });

    auto *content = new QWidget;
    auto *layout = new QVBoxLayout(content);
    layout->setContentsMargins(8, 4, 8, 8);
    layout->setSpacing(2);

    m_search = new QLineEdit;
    m_search->setObjectName(u"searchEdit"_s);
    m_search->setPlaceholderText(tr("Search questions and SQL…"));
    m_search->setClearButtonEnabled(true);
    m_search->setToolTip(
        tr("Full-text search over question and SQL; the last word matches as a prefix (Ctrl+F)"));
    layout->addWidget(m_search);
    connect(m_search, &QLineEdit::textChanged, this, &FilterPanel::changed);

    auto *dates = new QWidget;
    auto *dateRows = new QGridLayout(dates);
    dateRows->setContentsMargins(0, 0, 0, 0);
    auto addDate = [&](QCheckBox **on, QDateEdit **edit, const QString &label, const QString &name) {
        *on = new QCheckBox(label);
        *edit = new QDateEdit(QDate::currentDate());
        (*edit)->setObjectName(name);
        (*on)->setObjectName(name + u"On"_s);
        (*edit)->setCalendarPopup(true);
        (*edit)->setDisplayFormat(u"yyyy-MM-dd"_s);
        (*edit)->setEnabled(false);
        const int row = dateRows->rowCount();
        dateRows->addWidget(*on, row, 0);
        dateRows->addWidget(*edit, row, 1);
        connect(*on, &QCheckBox::toggled, *edit, &QWidget::setEnabled);
        connect(*on, &QCheckBox::toggled, this, &FilterPanel::changed);
        connect(*edit, &QDateEdit::dateChanged, this, [this, on = *on] {
            if (on->isChecked())
                changed();
        });
    };
    addDate(&m_fromOn, &m_from, tr("From"), u"fromDate"_s);
    addDate(&m_toOn, &m_to, tr("To"), u"toDate"_s);
    dateRows->setColumnStretch(1, 1);
    layout->addWidget(addSection(tr("Date (UTC)"), u"date"_s, dates));

    m_success = new QComboBox;
    m_success->setObjectName(u"successCombo"_s);
    m_success->addItems(successLabels());
    m_success->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_success->setMinimumContentsLength(12);
    layout->addWidget(addSection(tr("Result"), u"result"_s, m_success));
    connect(m_success, &QComboBox::currentIndexChanged, this, &FilterPanel::changed);

    // Review status and personal data come first: the sections reviewers use most, reachable
    // without scrolling.
    auto *review = new QWidget;
    auto *reviewRows = new QGridLayout(review);
    reviewRows->setContentsMargins(0, 0, 0, 0);
    reviewRows->setVerticalSpacing(2);
    for (ReviewStatus s : {ReviewStatus::Unreviewed, ReviewStatus::Approved, ReviewStatus::Rejected}) {
        auto *box = new QCheckBox(reviewStatusLabel(s));
        box->setObjectName(u"review_"_s + reviewStatusName(s));
        m_review << box;
        m_reviewCounts << countLabel(u"count_review_"_s + reviewStatusName(s));
        reviewRows->addWidget(box, int(s), 0);
        reviewRows->addWidget(m_reviewCounts.last(), int(s), 1);
        connect(box, &QCheckBox::toggled, this, &FilterPanel::changed);
    }
    reviewRows->setColumnStretch(0, 1);
    layout->addWidget(addSection(tr("Review status"), u"review"_s, review));

    auto *pii = new QWidget;
    auto *piiRows = new QGridLayout(pii);
    piiRows->setContentsMargins(0, 0, 0, 0);
    piiRows->setVerticalSpacing(2);
    m_piiAny = new QCheckBox(tr("With personal data")); // short: its count goes beside it
    m_piiAny->setObjectName(u"piiAny"_s);
    m_piiAny->setToolTip(tr("Only pairs with personal data. Check kinds below to narrow it down; none "
                            "checked means any kind"));
    m_piiAnyCount = countLabel(u"count_piiAny"_s);
    piiRows->addWidget(m_piiAny, 0, 0, 1, 2);
    piiRows->addWidget(m_piiAnyCount, 0, 2);
    connect(m_piiAny, &QCheckBox::toggled, this, &FilterPanel::changed);
    // Two columns of kinds, each with its count.
    const QList<PiiKind> kinds = allPiiKinds();
    for (qsizetype i = 0; i < kinds.size(); ++i) {
        const PiiKind k = kinds.at(i);
        auto *box = new QCheckBox(piiLabel(k));
        box->setObjectName(u"pii_"_s + piiKindName(k));
        box->setIcon(swatch(piiColor(k)));
        box->setToolTip(piiDescription(k));
        box->setProperty("kind", quint32(k));
        m_piiKinds << box;
        m_piiCounts << countLabel(u"count_pii_"_s + piiKindName(k));
        const int row = 1 + int(i);
        piiRows->addWidget(box, row, 1);
        piiRows->addWidget(m_piiCounts.last(), row, 2);
        connect(box, &QCheckBox::toggled, this, [this](bool on) {
            if (on && !m_piiAny->isChecked()) {
                QSignalBlocker b(m_piiAny);
                m_piiAny->setChecked(true);
            }
            changed();
        });
    }
    piiRows->setColumnMinimumWidth(0, 12);
    piiRows->setColumnStretch(1, 1);
    layout->addWidget(addSection(tr("Personal data"), u"pii"_s, pii));

    m_types = buildChoiceList(u"typeList"_s);
    layout->addWidget(addSection(tr("Statement type"), u"type"_s, m_types));
    m_dbTypes = buildChoiceList(u"dbTypeList"_s);
    layout->addWidget(addSection(tr("Database type"), u"dbType"_s, m_dbTypes));
    m_dbNames = buildChoiceList(u"dbNameList"_s);
    layout->addWidget(addSection(tr("Database name"), u"dbName"_s, m_dbNames));
    m_tables = buildChoiceList(u"tableList"_s);
    m_tables->setToolTip(tr("Pairs whose SQL uses the table; the most used tables first"));
    layout->addWidget(addSection(tr("Table"), u"table"_s, m_tables));

    m_duplicates = new QComboBox;
    m_duplicates->setObjectName(u"duplicates"_s);
    m_duplicates->addItems(
        {tr("With or without duplicates"), tr("Exact duplicates only"), tr("Normalized duplicates only")});
    m_duplicates->setToolTip(tr("Pairs whose question and SQL another pair repeats: exactly, or up to case, "
                                "spacing and literal values."));
    m_duplicates->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_duplicates->setMinimumContentsLength(12);
    layout->addWidget(addSection(tr("Duplicates"), u"duplicates"_s, m_duplicates));
    connect(m_duplicates, &QComboBox::currentIndexChanged, this, &FilterPanel::changed);
    layout->addStretch(1);
    // Folded at first: the long lists and the rarely used ones (they open when they filter).
    for (const QString &name : {u"dbName"_s, u"table"_s, u"duplicates"_s})
        m_sections.value(name)->setExpanded(false);

    auto *scroll = new QScrollArea;
    scroll->setObjectName(u"filterScroll"_s);
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

FilterSection *FilterPanel::addSection(const QString &title, const QString &name, QWidget *content)
{
    auto *section = new FilterSection(title, name, content);
    m_sections.insert(name, section);
    return section;
}

FacetList *FilterPanel::buildChoiceList(const QString &objectName)
{
    auto *list = new FacetList;
    list->setObjectName(objectName);
    connect(list, &QListWidget::itemChanged, this, &FilterPanel::changed);
    return list;
}

QLabel *FilterPanel::countLabel(const QString &objectName)
{
    auto *label = new QLabel;
    label->setObjectName(objectName);
    label->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    label->setForegroundRole(QPalette::PlaceholderText);
    return label;
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
    updateSections();
}

void FilterPanel::updateSections()
{
    const Filter f = filter();
    const QList<QPair<QString, int>> active = {
        {u"date"_s, int(f.from.isValid()) + int(f.to.isValid())},
        {u"result"_s, int(f.success != Filter::Success::Any)},
        {u"review"_s, int(f.reviewStatuses.size())},
        {u"pii"_s, f.piiRequired ? std::max(1, int(piiKindNames(f.piiKinds).size())) : 0},
        {u"type"_s, int(f.queryTypes.size())},
        {u"dbType"_s, int(f.databaseTypes.size())},
        {u"dbName"_s, int(f.databaseNames.size())},
        {u"table"_s, int(f.tables.size())},
        {u"duplicates"_s, int(f.duplicates != Filter::Duplicates::Any)},
    };
    for (const auto &a : active) {
        if (FilterSection *s = m_sections.value(a.first))
            s->setActiveCount(a.second);
    }
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
    f.queryTypes = m_types->checkedValues();
    f.databaseTypes = m_dbTypes->checkedValues();
    f.databaseNames = m_dbNames->checkedValues();
    f.tables = m_tables->checkedValues();
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
    m_types->setValues(m_types->values(), f.queryTypes);
    m_dbTypes->setValues(m_dbTypes->values(), f.databaseTypes);
    m_dbNames->setValues(m_dbNames->values(), f.databaseNames);
    m_tables->setValues(m_tables->values(), f.tables);
    for (int i = 0; i < m_review.size(); ++i)
        m_review.at(i)->setChecked(f.reviewStatuses.contains(i));
    m_piiAny->setChecked(f.piiRequired);
    for (QCheckBox *box : m_piiKinds)
        box->setChecked(f.piiKinds & box->property("kind").toUInt());
    m_duplicates->setCurrentIndex(int(f.duplicates));
    m_loading = false;
    m_debounce->stop();
    updateClearButton();
    // A folded section that now filters opens, so that nothing active is hidden.
    if (!f.databaseNames.isEmpty())
        m_sections.value(u"dbName"_s)->setExpanded(true);
    if (!f.tables.isEmpty())
        m_sections.value(u"table"_s)->setExpanded(true);
    if (f.duplicates != Filter::Duplicates::Any)
        m_sections.value(u"duplicates"_s)->setExpanded(true);
    recount();
}

void FilterPanel::applyFilter(const Filter &filter)
{
    setFilter(filter);
    emit filterChanged(this->filter());
}

void FilterPanel::setChoices(const FilterChoices &choices)
{
    m_types->setValues(choices.queryTypes, m_types->checkedValues());
    m_dbTypes->setValues(choices.databaseTypes, m_dbTypes->checkedValues());
    m_dbNames->setValues(choices.databaseNames, m_dbNames->checkedValues());
    if (m_hasCounts)
        showCounts(m_counts); // values the choices add get their counts (0 when absent)
}

void FilterPanel::setDataset(const QString &location)
{
    if (location == m_counter->dataset())
        return;
    m_counter->setDataset(location);
    clearCounts();
    if (location.isEmpty()) {
        m_tables->setValues({}, m_tables->checkedValues());
        return;
    }
    // The tables come with the counts (the most used first).
    m_tables->setValues({}, m_tables->checkedValues());
    recount();
}

void FilterPanel::recount()
{
    if (!m_counter->dataset().isEmpty())
        m_recount->start();
}

void FilterPanel::clearCounts()
{
    m_hasCounts = false;
    m_counts = {};
    for (FacetList *list : {m_types, m_dbTypes, m_dbNames, m_tables})
        list->clearCounts();
    for (QLabel *label : m_reviewCounts + m_piiCounts)
        label->clear();
    m_piiAnyCount->clear();
    for (int i = 0; i < m_success->count(); ++i)
        m_success->setItemText(i, successLabels().value(i));
}

void FilterPanel::showCounts(const FacetCounts &c)
{
    m_counts = c;
    m_hasCounts = true;
    const QLocale l;
    m_types->setCounts(c.queryTypes);
    m_dbTypes->setCounts(c.databaseTypes);
    m_dbNames->setCounts(c.databaseNames);
    m_tables->setCounts(c.tables);
    for (int i = 0; i < m_reviewCounts.size(); ++i)
        m_reviewCounts.at(i)->setText(l.toString(c.reviewStatuses.value(i)));
    m_piiAnyCount->setText(l.toString(c.withPii));
    for (int i = 0; i < m_piiKinds.size(); ++i)
        m_piiCounts.at(i)->setText(l.toString(c.piiKinds.value(m_piiKinds.at(i)->property("kind").toUInt())));
    const QStringList labels = successLabels();
    const qint64 counts[] = {0, c.successful, c.failed};
    // "Successful and failed" is every pair the other filters leave: its count would say nothing new.
    for (int i = 1; i < m_success->count(); ++i)
        m_success->setItemText(i, u"%1 (%2)"_s.arg(labels.value(i), l.toString(counts[i])));
    emit countsShown();
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
