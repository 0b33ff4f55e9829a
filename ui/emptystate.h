#pragma once

#include <QWidget>

class QLabel;
class QVBoxLayout;

namespace pairlens::ui {

// What the window shows while no dataset is open: a centred panel with Open, New and Open demo,
// plus the recently used datasets.
class EmptyState : public QWidget
{
    Q_OBJECT
public:
    explicit EmptyState(QWidget *parent = nullptr);
    void setRecent(const QStringList &paths);

signals:
    void openRequested();
    void newRequested();
    void demoRequested();
    void recentRequested(const QString &path);

private:
    QVBoxLayout *m_recent = nullptr;
    QLabel *m_recentTitle = nullptr;
};

} // namespace pairlens::ui
