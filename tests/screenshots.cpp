// Saves the documentation screenshots of the window (docs/screenshots/) with QWidget::grab():
//   pairlens_screenshots DATASET OUTDIR
// Run by scripts/screenshots.sh under xvfb-run; DATASET is created with 5,000 demo pairs when it
// doesn't exist. Settings are isolated. The window speaks the language of the locale (LANG), as
// pairlens does: the script runs it in English and in German (docs/screenshots/de/).
#include "curator.h"
#include "dataset/dataset.h"
#include "dataset/demogenerator.h"
#include "dataset/pairstore.h"
#include "datasetsession.h"
#include "exportdialog.h"
#include "filterpanel.h"
#include "identity.h"
#include "mainwindow.h"
#include "pairtablemodel.h"
#include "privacy/piikind.h"
#include "stats/statisticsview.h"
#include "trashdialog.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QLineEdit>
#include <QSettings>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>

#include <cstdio>
#include <functional>

using namespace Qt::StringLiterals;
using namespace pairlens;
using namespace pairlens::ui;

namespace {

bool waitFor(const std::function<bool()> &done, int timeoutMs = 30000)
{
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    }
    return true;
}

void settle(int ms = 400)
{
    waitFor([] { return false; }, ms);
}

bool save(QWidget *widget, const QString &path)
{
    const bool ok = widget->grab().save(path);
    std::printf("%s %s\n", ok ? "saved" : "FAILED", qPrintable(path));
    return ok;
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    pairlens::app::installTranslations(app); // as the window does
    if (argc < 3) {
        std::fprintf(stderr, "usage: pairlens_screenshots DATASET OUTDIR\n");
        return 2;
    }
    const QString dataset = QString::fromLocal8Bit(argv[1]);
    const QDir out(QString::fromLocal8Bit(argv[2]));
    QDir().mkpath(out.path());
    if (!QFileInfo::exists(dataset)) {
        QString error;
        auto ds = Dataset::open(dataset, Dataset::Mode::OpenOrCreate, &error);
        if (!ds || !PairStore(*ds).add(DemoGenerator(7).generate(5000)).error.isEmpty()) {
            std::fprintf(stderr, "cannot create the demo dataset %s: %s\n", qPrintable(dataset),
                         qPrintable(error));
            return 1;
        }
    }
    QTemporaryDir settings;
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"PairLensScreenshots"_s);
    QCoreApplication::setApplicationName(u"PairLens"_s);
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settings.path());

    MainWindow window;
    window.resize(1560, 960);
    window.show();
    settle();
    bool ok = save(&window, out.filePath(u"empty-state.png"_s));

    window.openDataset(dataset);
    PairTableModel *model = window.model();
    QTableView *view = window.tableView();
    if (!waitFor([&] { return model->rowCount() > 0 && model->pairAt(0); }))
        return 1;
    // Select a pair with personal data in the question, so the detail pane shows highlights.
    int row = 0;
    for (int r = 0; r < 40; ++r) {
        const Pair *p = model->pairAt(r);
        if (p && (p->piiMask & quint32(PiiKind::Email)) && p->naturalLanguageQuery.contains(u'@')) {
            row = r;
            break;
        }
    }
    view->selectRow(row);
    view->setFocus();
    settle();
    ok = save(&window, out.filePath(u"main-window.png"_s)) && ok;

    window.setPreview(true);
    settle();
    ok = save(&window, out.filePath(u"preview.png"_s)) && ok;
    window.setPreview(false);

    window.filterPanel()->searchEdit()->setText(u"customers"_s);
    waitFor(
        [&] { return model->isCounted() && model->pairAt(0) && model->filter().search == u"customers"_s; });
    settle();
    ok = save(&window, out.filePath(u"filtered.png"_s)) && ok;
    window.filterPanel()->clear();
    waitFor([&] { return model->filter().isEmpty() && model->pairAt(0); });

    // Put a few pairs in the trash and show it.
    window.curator()->confirm = [](const QString &, const QString &) { return true; };
    view->selectionModel()->clearSelection();
    for (int r : {3, 4, 5, 9})
        view->selectionModel()->select(model->index(r, 0),
                                       QItemSelectionModel::Select | QItemSelectionModel::Rows);
    const qint64 before = window.session()->trashTotal();
    window.curator()->deleteSelected();
    waitFor([&] { return window.session()->trashTotal() == before + 4; });
    window.showTrash();
    TrashDialog *trash = window.trashDialog();
    waitFor([&] { return trash->model()->rowCount() > 0 && trash->model()->pairAt(0); });
    settle();
    ok = save(trash, out.filePath(u"trash.png"_s)) && ok;
    trash->restoreAll();
    waitFor([&] { return window.session()->trashTotal() == 0; });
    trash->close();

    // The statistics tab.
    auto *tabs = window.findChild<QTabWidget *>();
    StatisticsView *stats = window.statisticsView();
    tabs->setCurrentWidget(stats);
    waitFor([&] { return stats->hasStatistics() && !stats->isBusy(); });
    settle(800);
    ok = save(&window, out.filePath(u"statistics.png"_s)) && ok;
    tabs->setCurrentIndex(0);

    // The export dialog.
    window.findChild<QAction *>(u"actionExport"_s)->trigger();
    auto *exportDialog = window.findChild<ExportDialog *>(u"exportDialog"_s);
    if (!exportDialog)
        return 1;
    exportDialog->setTarget(QDir::home().filePath(u"exports/demo.jsonl"_s));
    settle();
    ok = save(exportDialog, out.filePath(u"export-dialog.png"_s)) && ok;
    exportDialog->reject();
    return ok ? 0 : 1;
}
