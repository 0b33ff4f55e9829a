#pragma once

#include <QMainWindow>

#include <memory>

class QTableView;
class QLabel;

namespace pairlens {
class Dataset;
class PairStore;
}

namespace pairlens::ui {

class PairTableModel;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    bool openDataset(const QString &path);
    void openLastDataset();

private:
    void showError(const QString &message);

    std::unique_ptr<Dataset> m_dataset;
    std::unique_ptr<PairStore> m_store;
    PairTableModel *m_model = nullptr;
    QTableView *m_table = nullptr;
    QLabel *m_status = nullptr;
};

} // namespace pairlens::ui
