#pragma once

#include "dataset/filter.h"
#include "stats/facets.h"

#include <QDateTime>
#include <QObject>

#include <atomic>
#include <memory>

namespace pairlens::ui {

class ReadInterrupt;

// Counts the filter panel's facets (stats/facets.h) on a low-priority thread with a connection of its own,
// so that neither the window nor the table's worker waits for them. A newer request cancels an
// older one; only the newest result is reported.
class FacetCounter : public QObject
{
    Q_OBJECT
public:
    explicit FacetCounter(QObject *parent = nullptr);
    ~FacetCounter() override;

    // An empty location stops counting. A new dataset's time range is read with its first counts.
    void setDataset(const QString &location);
    QString dataset() const { return m_location; }
    void count(const Filter &filter);
    bool isBusy() const { return m_busy; }

signals:
    void counted(const pairlens::FacetCounts &counts);
    void timeRangeRead(const QDateTime &first, const QDateTime &last);
    void busyChanged(bool busy);

private:
    struct Result;
    void setBusy(bool busy);

    QString m_location;
    bool m_rangePending = false;
    bool m_busy = false;
    int m_generation = 0;
    std::shared_ptr<std::atomic_bool> m_cancel;
    std::shared_ptr<ReadInterrupt> m_reads; // the running count's statement in flight
    void cancelRunning();
};

} // namespace pairlens::ui
