#pragma once

#include "dataset/filter.h"

#include <QWidget>

class QHBoxLayout;
class QLabel;
class QToolButton;

namespace pairlens::ui {

// The active filters as removable chips above the table ("Type: SELECT ×", "Search: customers ×"),
// with "Copy as command line": the `pairlens export` command with the same FILTER flags
// (dataset/filterargs.h), so that the view is reproducible in a pipeline. Hidden when nothing
// filters.
class FilterChips : public QWidget
{
    Q_OBJECT
public:
    explicit FilterChips(QWidget *parent = nullptr);

    void setFilter(const Filter &filter, const QString &dataset);
    Filter filter() const { return m_filter; }
    // The command "Copy as command line" copies.
    static QString commandLine(const QString &dataset, const Filter &filter);
    QString commandLine() const { return commandLine(m_dataset, m_filter); }

signals:
    // A chip was removed: the filter without it.
    void filterEdited(const pairlens::Filter &filter);

private:
    void rebuild();
    void addChip(const QString &name, const QString &text, const std::function<void(Filter &)> &remove);

    Filter m_filter;
    QString m_dataset;
    QHBoxLayout *m_chips = nullptr;
    QToolButton *m_copy = nullptr;
};

} // namespace pairlens::ui
