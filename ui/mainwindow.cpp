#include "mainwindow.h"

#include "pairtablemodel.h"

#include "dataset/dataset.h"
#include "dataset/deriver.h"
#include "dataset/pairstore.h"

#include <QFileDialog>
#include <QHeaderView>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QTableView>

using namespace Qt::StringLiterals;

namespace pairlens::ui {

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setWindowTitle(tr("PairLens"));
    resize(1280, 800);
    m_model = new PairTableModel(this);
    m_table = new QTableView(this);
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->setDefaultSectionSize(24);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(false);
    setCentralWidget(m_table);
    m_status = new QLabel(this);
    statusBar()->addWidget(m_status);

    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open Dataset…"), QKeySequence::Open, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open Dataset"), {},
                                                          tr("PairLens datasets (*.pairlens *.db *.sqlite);;All files (*)"));
        if (!path.isEmpty())
            openDataset(path);
    });
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
}

MainWindow::~MainWindow()
{
    m_model->setStore(nullptr);
}

void MainWindow::showError(const QString &message)
{
    QMessageBox::warning(this, tr("PairLens"), message);
}

bool MainWindow::openDataset(const QString &path)
{
    QString error;
    std::unique_ptr<Dataset> ds = Dataset::open(path, Dataset::Mode::OpenExisting, &error);
    if (!ds) {
        showError(error);
        return false;
    }
    if (!ds->isReadOnly())
        Deriver::forDataset(*ds).deriveMissing(*ds, &error);
    m_model->setStore(nullptr);
    m_store.reset();
    m_dataset = std::move(ds);
    m_store = std::make_unique<PairStore>(*m_dataset);
    m_model->setStore(m_store.get());
    m_table->resizeColumnsToContents();
    m_table->horizontalHeader()->resizeSection(1, 420);
    m_table->horizontalHeader()->resizeSection(2, 420);
    setWindowTitle(tr("%1 – PairLens").arg(m_dataset->displayName()));
    m_status->setText(tr("%n pairs", nullptr, int(m_model->rowCount())));
    QSettings().setValue(u"lastDataset"_s, path);
    return true;
}

void MainWindow::openLastDataset()
{
    const QString last = QSettings().value(u"lastDataset"_s).toString();
    if (!last.isEmpty() && QFile::exists(last))
        openDataset(last);
}

} // namespace pairlens::ui
