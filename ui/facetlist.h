#pragma once

#include "stats/facets.h"

#include <QListWidget>
#include <QToolButton>

namespace pairlens::ui {

// A list of checkable filter values, each with its facet count right-aligned (as Datasette shows
// them): how many pairs the value matches under the panel's other filters. A value with no
// matching pair stays listed (greyed) so that checked values never disappear under the mouse.
class FacetList : public QListWidget
{
    Q_OBJECT
public:
    static constexpr int CountRole = Qt::UserRole + 1; // qint64, -1 while unknown

    explicit FacetList(QWidget *parent = nullptr);

    // The values in this order (plus checked ones it lacks), keeping the known counts.
    void setValues(const QStringList &values, const QStringList &checked);
    QStringList values() const;
    QStringList checkedValues() const;
    // Counts for the values; values the counts name that are not listed yet are added at the end.
    void setCounts(const FacetCounts::Values &counts);
    void clearCounts();
    // The count shown for a value ("" while unknown), for tests.
    QString countText(const QString &value) const;
    // An item's row by value, -1 when absent.
    int rowOf(const QString &value) const;

private:
    void fitHeight();
};

// A filter section: a bold header that folds its content away, so the sections that matter are
// reachable without scrolling. The header says how many values of it are active while folded.
class FilterSection : public QWidget
{
    Q_OBJECT
public:
    FilterSection(const QString &title, const QString &name, QWidget *content, QWidget *parent = nullptr);
    void setExpanded(bool on);
    bool isExpanded() const { return m_header->isChecked(); }
    void setActiveCount(int n);
    QToolButton *header() const { return m_header; }

private:
    void updateTitle();

    QString m_title;
    int m_active = 0;
    QToolButton *m_header = nullptr;
    QWidget *m_content = nullptr;
};

} // namespace pairlens::ui
