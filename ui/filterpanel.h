#pragma once

#include "dataset/filter.h"
#include "stats/facets.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QLabel;
class QLineEdit;
class QPushButton;
class QTimer;

namespace pairlens::ui {

class FacetCounter;
class FacetList;
class FilterSection;
struct FilterChoices;

// The side panel that builds the current Filter: a search box over question and SQL, a date range,
// success, review status, PII kinds, statement types, database types and names, tables and
// duplicates. Every value shows its facet count (how many pairs it matches under the other active
// filters), counted off the window's thread (FacetCounter). Sections fold away. Changes apply as
// one types, debounced, through filterChanged(); "Clear filters" resets everything at once.
class FilterPanel : public QWidget
{
    Q_OBJECT
public:
    explicit FilterPanel(QWidget *parent = nullptr);

    Filter filter() const;
    // Shows a filter (e.g. the one restored from the last session) without emitting filterChanged.
    void setFilter(const Filter &filter);
    // Shows a filter and applies it at once (emits filterChanged), e.g. when a chip is removed.
    void applyFilter(const Filter &filter);
    // Fills the choice lists (from the dataset's distinct values), keeping what is checked.
    void setChoices(const FilterChoices &choices);
    void setDebounceInterval(int ms);
    // The dataset whose facets are counted (empty: none open; the counts are cleared). The date
    // edits start at its first and last dates.
    void setDataset(const QString &location);
    // Counts the facets again (after the dataset changed).
    void recount();
    FacetCounter *facetCounter() const { return m_counter; }
    // The last counts shown (valid when hasCounts()).
    const FacetCounts &counts() const { return m_counts; }
    bool hasCounts() const { return m_hasCounts; }

    QLineEdit *searchEdit() const { return m_search; }

public slots:
    void clear();
    void focusSearch();

signals:
    void filterChanged(const pairlens::Filter &filter);
    // New facet counts are shown.
    void countsShown();

private:
    void changed();
    void updateClearButton();
    void updateSections();
    void showCounts(const FacetCounts &counts);
    void clearCounts();
    FilterSection *addSection(const QString &title, const QString &name, QWidget *content);
    FacetList *buildChoiceList(const QString &objectName);
    QLabel *countLabel(const QString &objectName);

    QLineEdit *m_search = nullptr;
    QCheckBox *m_fromOn = nullptr;
    QCheckBox *m_toOn = nullptr;
    QDateEdit *m_from = nullptr;
    QDateEdit *m_to = nullptr;
    QComboBox *m_success = nullptr;
    FacetList *m_types = nullptr;
    FacetList *m_dbTypes = nullptr;
    FacetList *m_dbNames = nullptr;
    FacetList *m_tables = nullptr;
    QList<QCheckBox *> m_review;
    QList<QLabel *> m_reviewCounts;
    QCheckBox *m_piiAny = nullptr;
    QLabel *m_piiAnyCount = nullptr;
    QComboBox *m_duplicates = nullptr;
    QList<QCheckBox *> m_piiKinds;
    QList<QLabel *> m_piiCounts;
    QHash<QString, FilterSection *> m_sections;
    QPushButton *m_clear = nullptr;
    QTimer *m_debounce = nullptr;
    QTimer *m_recount = nullptr;
    FacetCounter *m_counter = nullptr;
    FacetCounts m_counts;
    bool m_hasCounts = false;
    bool m_loading = false;
};

} // namespace pairlens::ui
