// The window on a 1M-pair dataset (DESIGN.md targets): first rows visible <= 0.5 s after opening,
// a filter change answered within 200 ms, <= 250 MB resident after scrolling top to bottom.
// Usage: bench_gui [PAIRS] [DATASET]   (default 1000000, /tmp/pairlens-bench-gui-1m.pairlens; the
// dataset is generated once with DemoGenerator and cached). Runs on the offscreen platform.
#include "dataset/dataset.h"
#include "dataset/demogenerator.h"
#include "dataset/pairstore.h"
#include "filterpanel.h"
#include "mainwindow.h"
#include "pairtablemodel.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QLineEdit>
#include <QScrollBar>
#include <QSettings>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <functional>

using namespace Qt::StringLiterals;
using namespace pairlens;
using namespace pairlens::ui;

namespace {

void print(const char *what, double value, const char *unit, const char *target)
{
    std::printf("%-48s %10.1f %-6s target %s\n", what, value, unit, target);
    std::fflush(stdout);
}

double residentMb()
{
    QFile f(u"/proc/self/status"_s);
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toDouble() / 1024.0;
    }
    return -1;
}

bool ensureDataset(const QString &path, int pairs)
{
    {
        QString error;
        if (auto ds = Dataset::open(path, Dataset::Mode::OpenExisting, &error)) {
            if (PairStore(*ds).count({}) == pairs)
                return true;
        }
    }
    QFile::remove(path);
    QFile::remove(path + u"-wal"_s);
    QFile::remove(path + u"-shm"_s);
    std::printf("generating %d pairs into %s ...\n", pairs, qPrintable(path));
    std::fflush(stdout);
    QString error;
    auto ds = Dataset::open(path, Dataset::Mode::OpenOrCreate, &error);
    if (!ds) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return false;
    }
    PairStore store(*ds);
    DemoGenerator gen(2024);
    for (int done = 0; done < pairs; done += 20000) {
        const PairStore::AddResult r = store.add(gen.generate(std::min(20000, pairs - done)));
        if (!r.error.isEmpty()) {
            std::fprintf(stderr, "%s\n", qPrintable(r.error));
            return false;
        }
    }
    return true;
}

// Spins the event loop until `done` holds; returns the elapsed milliseconds (-1 on timeout).
double waitFor(const std::function<bool()> &done, int timeoutMs = 60000)
{
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs)
            return -1;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    }
    return double(t.nsecsElapsed()) / 1e6;
}

// True when every row in the table's viewport is loaded.
bool visibleRowsLoaded(QTableView *view)
{
    auto *model = static_cast<PairTableModel *>(view->model());
    if (model->rowCount() == 0)
        return model->isCounted();
    const int first = std::max(0, view->rowAt(0));
    int last = view->rowAt(view->viewport()->height() - 1);
    if (last < 0)
        last = model->rowCount() - 1;
    for (int row = first; row <= last; ++row) {
        if (!model->pairAt(row))
            return false;
    }
    return true;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? -1 : v[v.size() / 2];
}

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const int pairs = argc > 1 ? std::atoi(argv[1]) : 1'000'000;
    const QString path =
        argc > 2 ? QString::fromLocal8Bit(argv[2]) : u"/tmp/pairlens-bench-gui-1m.pairlens"_s;
    QTemporaryDir settingsDir;
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"PairLensBench"_s);
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settingsDir.path());
    if (!ensureDataset(path, pairs))
        return 1;
    std::printf("dataset: %s, %d pairs, resident before opening %.1f MB\n", qPrintable(path), pairs,
                residentMb());

    MainWindow window;
    window.resize(1400, 900);
    window.show();
    QTableView *view = window.tableView();
    PairTableModel *model = window.model();

    // 1. Open -> first rows visible (median of 3 opens).
    std::vector<double> opens;
    for (int run = 0; run < 3; ++run) {
        window.closeDataset();
        waitFor([] { return false; }, 200);
        QElapsedTimer t;
        t.start();
        window.openDataset(path);
        waitFor([&] { return model->rowCount() == pairs && visibleRowsLoaded(view); });
        opens.push_back(double(t.nsecsElapsed()) / 1e6);
    }
    print("open -> first rows visible (median of 3)", median(opens), "ms", "<= 500 ms");

    // 2. Filter changes, without the panel's 250 ms typing debounce (that delay is deliberate).
    window.filterPanel()->setDebounceInterval(0);
    struct Case
    {
        const char *name;
        std::function<void(FilterPanel *)> apply;
    };
    auto setSearch = [](const QString &text) {
        return [text](FilterPanel *p) { p->searchEdit()->setText(text); };
    };
    const std::vector<Case> cases = {
        {"search 'customers'", setSearch(u"customers"_s)},
        {"search 'total revenue'", setSearch(u"total revenue"_s)},
        {"search 'ord' (prefix)", setSearch(u"ord"_s)},
        {"clear search", setSearch(QString())},
        {"search 'email'", setSearch(u"email"_s)},
        {"clear again", setSearch(QString())},
    };
    std::vector<double> filters;
    for (const Case &c : cases) {
        QElapsedTimer t;
        t.start();
        bool changed = false;
        const auto conn = QObject::connect(model, &PairTableModel::countChanged, [&] { changed = true; });
        c.apply(window.filterPanel());
        waitFor([&] { return changed && visibleRowsLoaded(view); });
        QObject::disconnect(conn);
        const double ms = double(t.nsecsElapsed()) / 1e6;
        filters.push_back(ms);
        std::printf("  filter %-28s %8.1f ms  (%d matching)\n", c.name, ms, model->rowCount());
    }
    print("filter change -> rows visible (median)", median(filters), "ms", "<= 200 ms");
    print("filter change -> rows visible (worst)", *std::max_element(filters.begin(), filters.end()), "ms",
          "<= 200 ms");

    // 3. Scroll from top to bottom in 400 jumps, each waiting for its rows; then the memory.
    QScrollBar *bar = view->verticalScrollBar();
    const int steps = 400;
    std::vector<double> pages;
    double peak = residentMb();
    for (int i = 0; i <= steps; ++i) {
        bar->setValue(int(qint64(bar->maximum()) * i / steps));
        pages.push_back(waitFor([&] { return visibleRowsLoaded(view); }, 20000));
        peak = std::max(peak, residentMb());
        if (i % 50 == 0)
            std::printf("  scrolled to row %d: %.1f ms, %.1f MB resident\n", view->rowAt(0), pages.back(),
                        residentMb());
    }
    // And a stretch of continuous scrolling at the bottom, a page at a time.
    for (int i = 0; i < 100; ++i) {
        bar->setValue(std::max(0, bar->value() - bar->pageStep()));
        waitFor([&] { return visibleRowsLoaded(view); });
        peak = std::max(peak, residentMb());
    }
    print("scroll jump -> rows visible (median)", median(pages), "ms", "-");
    print("scroll jump -> rows visible (worst)", *std::max_element(pages.begin(), pages.end()), "ms", "-");
    print("resident memory after scrolling (VmRSS)", residentMb(), "MB", "<= 250 MB");
    print("peak resident memory while scrolling", peak, "MB", "<= 250 MB");
    std::printf("cached pages: %lld of at most %d\n", qlonglong(model->cachedPageCount()),
                PairTableModel::kCachePages);
    return 0;
}
