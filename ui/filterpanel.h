#pragma once

#include "dataset/filter.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QLineEdit;
class QListWidget;
class QPushButton;
class QTimer;

namespace pairlens::ui {

struct FilterChoices;

// The side panel that builds the current Filter: a search box over question and SQL, a date range,
// success, statement types, database types and names, review status and PII kinds. Changes apply
// as one types, debounced, through filterChanged(); "Clear filters" resets everything at once.
class FilterPanel : public QWidget
{
    Q_OBJECT
public:
    explicit FilterPanel(QWidget *parent = nullptr);

    Filter filter() const;
    // Shows a filter (e.g. the one restored from the last session) without emitting filterChanged.
    void setFilter(const Filter &filter);
    // Fills the choice lists (from the dataset's distinct values), keeping what is checked.
    void setChoices(const FilterChoices &choices);
    void setDebounceInterval(int ms);

    QLineEdit *searchEdit() const { return m_search; }

public slots:
    void clear();
    void focusSearch();

signals:
    void filterChanged(const pairlens::Filter &filter);

private:
    void changed();
    void updateClearButton();
    QWidget *buildChoiceList(QListWidget **list, const QString &objectName);

    QLineEdit *m_search = nullptr;
    QCheckBox *m_fromOn = nullptr;
    QCheckBox *m_toOn = nullptr;
    QDateEdit *m_from = nullptr;
    QDateEdit *m_to = nullptr;
    QComboBox *m_success = nullptr;
    QListWidget *m_types = nullptr;
    QListWidget *m_dbTypes = nullptr;
    QListWidget *m_dbNames = nullptr;
    QList<QCheckBox *> m_review;
    QCheckBox *m_piiAny = nullptr;
    QComboBox *m_duplicates = nullptr;
    QList<QCheckBox *> m_piiKinds;
    QPushButton *m_clear = nullptr;
    QTimer *m_debounce = nullptr;
    bool m_loading = false;
};

} // namespace pairlens::ui
