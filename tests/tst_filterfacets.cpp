// The filter panel's facets and honest states (issue 16): every value shows how many pairs it
// matches under the other filters, the sections that matter are reachable without scrolling, a
// table filter, the active filters as removable chips that copy as a pairlens command line (and
// the command line gives the same filter back), a new dataset opens unfiltered, the dates start at
// the dataset's own, and the counts never show a number they don't know yet.
#include "dataset/filterargs.h"
#include "datasetsession.h"
#include "facetcounter.h"
#include "facetlist.h"
#include "filterchips.h"
#include "filterpanel.h"
#include "stats/facets.h"
#include "stats/statisticsview.h"
#include "windowtest.h"

#include <QAbstractBarSeries>
#include <QApplication>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QCommandLineParser>
#include <QDateEdit>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTimer>
#include <QToolButton>

using namespace Qt::StringLiterals;
using namespace pairlens;
using namespace pairlens::ui;

class TstFilterFacets : public test::WindowTest
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void argumentsRoundTrip_data();
    void argumentsRoundTrip();
    void shellQuoting();
    void facetsLeaveTheirOwnDimensionOut();
    void panelShowsCountsUnderTheOtherFilters();
    void reviewAndPiiReachableWithoutScrolling();
    void nothingClippedInGerman();
    void tableFilterWithCounts();
    void chipsRemoveAFilter();
    void copyAsCommandLineReproducesTheView();
    void anotherDatasetOpensUnfiltered();
    void restoredFilterStaysWithItsDataset();
    void fromStartsAtTheFirstDate();
    void statusNeverShowsAnUnknownCount();
    void statisticsSayComputing();
    void tablesChartFiltersByTable();

private:
    qint64 count(const Filter &filter);
    void waitForCounts();
    static Filter parsed(const QStringList &arguments, bool *ok);
};

void TstFilterFacets::initTestCase()
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
}

void TstFilterFacets::init()
{
    initWindowTest();
}

void TstFilterFacets::cleanup()
{
    cleanupWindowTest();
}

qint64 TstFilterFacets::count(const Filter &filter)
{
    QString error;
    auto ds = Dataset::open(m_path, Dataset::Mode::ReadOnly, &error);
    return ds ? PairStore(*ds).count(filter) : -1;
}

void TstFilterFacets::waitForCounts()
{
    FilterPanel *panel = m_window->filterPanel();
    QSignalSpy shown(panel, &FilterPanel::countsShown);
    QTRY_VERIFY_WITH_TIMEOUT(panel->hasCounts() && !panel->facetCounter()->isBusy(), 20000);
}

Filter TstFilterFacets::parsed(const QStringList &arguments, bool *ok)
{
    // The options exactly as `pairlens export` reads them (app/cli/cliutil.cpp calls the same).
    QCommandLineParser parser;
    addFilterOptions(parser);
    Filter f;
    QString error;
    *ok = parser.parse(QStringList{u"pairlens"_s} + arguments) && filterFromOptions(parser, &f, &error);
    if (!*ok)
        qWarning() << parser.errorText() << error;
    return f;
}

void TstFilterFacets::argumentsRoundTrip_data()
{
    QTest::addColumn<QJsonObject>("filter");
    QTest::newRow("empty") << QJsonObject{};
    QTest::newRow("everything") << QJsonObject{
        {u"from"_s, u"2026-01-02T00:00:00.000Z"_s},
        {u"to"_s, u"2026-03-04T23:59:59.999Z"_s},
        {u"success"_s, u"failed"_s},
        {u"query_types"_s, QJsonArray{u"SELECT"_s, u"INSERT"_s}},
        {u"database_types"_s, QJsonArray{u"postgresql"_s}},
        {u"database_names"_s, QJsonArray{u"shop"_s, u"hr"_s}},
        {u"tables"_s, QJsonArray{u"customers"_s, u"orders"_s}},
        {u"search"_s, u"it's \"quoted\" $HOME `x`"_s},
        {u"review_statuses"_s, QJsonArray{0, 2}},
        {u"pii"_s, QJsonArray{u"email"_s, u"credit_card"_s}},
        {u"duplicates"_s, u"normalized"_s},
    };
    QTest::newRow("pii any, successful")
        << QJsonObject{{u"pii"_s, QJsonArray{}}, {u"success"_s, u"successful"_s}};
    QTest::newRow("time of day") << QJsonObject{{u"from"_s, u"2026-01-02T10:30:00.000Z"_s},
                                                {u"to"_s, u"2026-01-03T08:00:00.500Z"_s}};
    QTest::newRow("search like an option")
        << QJsonObject{{u"search"_s, u"--type drop"_s}, {u"duplicates"_s, u"exact"_s}};
}

void TstFilterFacets::argumentsRoundTrip()
{
    QFETCH(QJsonObject, filter);
    const Filter f = Filter::fromJson(filter);
    bool ok = false;
    const Filter back = parsed(filterArguments(f), &ok);
    QVERIFY(ok);
    QCOMPARE(back.toJson(), f.toJson());
}

void TstFilterFacets::shellQuoting()
{
    QCOMPARE(shellQuote(u"/tmp/a-b_c.pairlens"_s), u"/tmp/a-b_c.pairlens"_s);
    QCOMPARE(shellQuote(u"my data.pairlens"_s), u"'my data.pairlens'"_s);
    QCOMPARE(shellQuote(u"it's"_s), u"'it'\\''s'"_s);
    QCOMPARE(shellQuote(QString()), u"''"_s);
    Filter f;
    f.queryTypes = {u"SELECT"_s};
    f.piiRequired = true;
    f.piiKinds = piiKindFromName(u"email");
    f.search = u"x y"_s;
    QCOMPARE(FilterChips::commandLine(u"/d/s.pairlens"_s, f),
             u"pairlens export /d/s.pairlens -o pairs.jsonl --type SELECT --search 'x y' --pii email"_s);
}

void TstFilterFacets::facetsLeaveTheirOwnDimensionOut()
{
    QVERIFY(test::makeDemoDataset(m_path, 600));
    Filter f;
    f.queryTypes = {u"SELECT"_s};
    f.piiRequired = true;
    f.reviewStatuses = {0};
    QString error;
    auto ds = Dataset::open(m_path, Dataset::Mode::ReadOnly, &error);
    QVERIFY(ds);
    FacetCounts c;
    QVERIFY2(computeFacets(*ds, f, &c, &error), qPrintable(error));
    // Each count: the filter with the value in place of its own dimension's condition.
    for (const auto &v : c.queryTypes) {
        Filter g = f;
        g.queryTypes = {v.first};
        QCOMPARE(v.second, count(g));
    }
    QVERIFY(c.queryTypes.size() > 1); // the other types are counted too, not just SELECT
    for (const auto &v : c.databaseTypes) {
        Filter g = f;
        g.databaseTypes = {v.first};
        QCOMPARE(v.second, count(g));
    }
    Filter anyPii = f;
    anyPii.piiRequired = false;
    for (PiiKind k : allPiiKinds()) {
        Filter g = anyPii;
        g.piiRequired = true;
        g.piiKinds = quint32(k);
        QCOMPARE(c.piiKinds.value(quint32(k)), count(g));
    }
    QCOMPARE(c.withPii, count(f));
    Filter successful = f;
    successful.success = Filter::Success::SuccessfulOnly;
    QCOMPARE(c.successful, count(successful));
    QCOMPARE(c.reviewStatuses.value(0), count(f));
    QVERIFY(!c.tables.isEmpty());
    for (const auto &v : c.tables) {
        Filter g = f;
        g.tables = {v.first};
        QCOMPARE(v.second, count(g));
    }
}

void TstFilterFacets::panelShowsCountsUnderTheOtherFilters()
{
    openWindow();
    waitForCounts();
    FilterPanel *panel = m_window->filterPanel();
    auto *types = panel->findChild<FacetList *>(u"typeList"_s);
    QVERIFY(types);
    Filter select;
    select.queryTypes = {u"SELECT"_s};
    QCOMPARE(types->countText(u"SELECT"_s), QLocale().toString(count(select)));
    auto *emailCount = panel->findChild<QLabel *>(u"count_pii_email"_s);
    Filter email;
    email.piiRequired = true;
    email.piiKinds = piiKindFromName(u"email");
    QCOMPARE(emailCount->text(), QLocale().toString(count(email)));

    // Ticking e-mail: the statement types count e-mail pairs; e-mail's own count stays.
    auto *emailBox = panel->findChild<QCheckBox *>(u"pii_email"_s);
    QTest::mouseClick(emailBox, Qt::LeftButton, {}, QPoint(4, emailBox->height() / 2));
    QTRY_COMPARE(qint64(m_window->model()->rowCount()), count(email));
    Filter both = email;
    both.queryTypes = {u"SELECT"_s};
    QTRY_COMPARE(types->countText(u"SELECT"_s), QLocale().toString(count(both)));
    QCOMPARE(emailCount->text(), QLocale().toString(count(email)));
    auto *unreviewed = panel->findChild<QLabel *>(u"count_review_unreviewed"_s);
    QCOMPARE(unreviewed->text(), QLocale().toString(count(email)));
    auto *success = panel->findChild<QComboBox *>(u"successCombo"_s);
    Filter failed = email;
    failed.success = Filter::Success::FailedOnly;
    QVERIFY(success->itemText(2).contains(u'(' + QLocale().toString(count(failed)) + u')'));
}

void TstFilterFacets::reviewAndPiiReachableWithoutScrolling()
{
    openWindow();
    m_window->resize(1280, 800);
    QTRY_COMPARE(m_window->size(), QSize(1280, 800));
    FilterPanel *panel = m_window->filterPanel();
    auto *scroll = panel->findChild<QScrollArea *>(u"filterScroll"_s);
    QVERIFY(scroll);
    QCOMPARE(scroll->verticalScrollBar()->value(), 0);
    const QRect viewport = scroll->viewport()->rect();
    QStringList boxes{u"review_unreviewed"_s, u"review_approved"_s, u"review_rejected"_s, u"piiAny"_s};
    for (PiiKind k : allPiiKinds())
        boxes << u"pii_"_s + piiKindName(k);
    for (const QString &name : boxes) {
        auto *box = panel->findChild<QCheckBox *>(name);
        QVERIFY2(box && box->isVisible(), qPrintable(name));
        const QRect r(box->mapTo(scroll->viewport(), QPoint(0, 0)), box->size());
        QVERIFY2(viewport.contains(r), qPrintable(name));
    }
    // A section folds away and opens again.
    auto *header = panel->findChild<QToolButton *>(u"section_review"_s);
    auto *approved = panel->findChild<QCheckBox *>(u"review_approved"_s);
    QTest::mouseClick(header, Qt::LeftButton);
    QVERIFY(!approved->isVisible());
    QTest::mouseClick(header, Qt::LeftButton);
    QVERIFY(approved->isVisible());
}

void TstFilterFacets::nothingClippedInGerman()
{
    const test::GermanUi german;
    QVERIFY(german.loaded());
    openWindow();
    m_window->resize(1280, 800);
    waitForCounts();
    FilterPanel *panel = m_window->filterPanel();
    QVERIFY(panel->findChild<QCheckBox *>(u"review_rejected"_s)->text() != u"Rejected"_s); // German
    // Every section open, with a filter that makes the headers and chips their longest.
    Filter f;
    f.piiRequired = true;
    f.piiKinds = piiKindFromName(u"email");
    f.tables = {u"customers"_s};
    f.success = Filter::Success::FailedOnly;
    panel->applyFilter(f);
    waitForCounts();
    for (QToolButton *header : panel->findChildren<QToolButton *>()) {
        if (header->objectName().startsWith(u"section_"_s))
            header->setChecked(true);
    }
    // Counts of a dataset of millions.
    FacetCounts big = panel->counts();
    const qint64 many = 9999999;
    for (FacetCounts::Values *values :
         {&big.queryTypes, &big.databaseTypes, &big.databaseNames, &big.tables}) {
        for (auto &v : *values)
            v.second = many;
    }
    big.successful = big.failed = big.withPii = many;
    big.reviewStatuses = {many, many, many};
    for (PiiKind k : allPiiKinds())
        big.piiKinds.insert(quint32(k), many);
    emit panel->facetCounter()->counted(big);
    QCOMPARE(panel->findChild<QLabel *>(u"count_piiAny"_s)->text(), QLocale().toString(many));
    QTest::qWait(50);
    auto *scroll = panel->findChild<QScrollArea *>(u"filterScroll"_s);
    const int width = scroll->viewport()->width();
    QStringList clipped;
    for (QWidget *w : scroll->widget()->findChildren<QWidget *>()) {
        if (!w->isVisible() || !(qobject_cast<QCheckBox *>(w) || qobject_cast<QLabel *>(w) ||
                                 qobject_cast<QComboBox *>(w) || qobject_cast<QDateEdit *>(w)))
            continue;
        const int right = w->mapTo(scroll->viewport(), QPoint(w->width(), 0)).x();
        const bool fits =
            right <= width && (qobject_cast<QComboBox *>(w) || w->width() >= w->sizeHint().width());
        if (!fits)
            clipped << u"%1 (%2: %3 of %4, right %5 of %6)"_s
                           .arg(w->objectName(), QString::fromLatin1(w->metaObject()->className()))
                           .arg(w->width())
                           .arg(w->sizeHint().width())
                           .arg(right)
                           .arg(width);
    }
    QVERIFY2(clipped.isEmpty(), qPrintable(clipped.join(u"; "_s)));
}

void TstFilterFacets::tableFilterWithCounts()
{
    openWindow();
    waitForCounts();
    FilterPanel *panel = m_window->filterPanel();
    auto *tables = panel->findChild<FacetList *>(u"tableList"_s);
    QVERIFY(tables);
    QVERIFY(!tables->isVisible()); // folded at first
    QTest::mouseClick(panel->findChild<QToolButton *>(u"section_table"_s), Qt::LeftButton);
    QTRY_VERIFY(tables->isVisible());
    QVERIFY(tables->count() > 1);
    const QString name = tables->item(0)->data(Qt::UserRole).toString();
    Filter one;
    one.tables = {name};
    const qint64 expected = count(one);
    QVERIFY(expected > 0 && expected < 300);
    QCOMPARE(tables->countText(name), QLocale().toString(expected));
    // Clicking the item's check box filters the table by it.
    const QRect rect = tables->visualItemRect(tables->item(0));
    QTest::mouseClick(tables->viewport(), Qt::LeftButton, {}, QPoint(rect.left() + 10, rect.center().y()));
    QTRY_COMPARE(m_window->model()->filter().tables, QStringList{name});
    QTRY_COMPARE(qint64(m_window->model()->rowCount()), expected);
    QTRY_VERIFY(m_window->statusText().contains(QLocale().toString(expected) + u" matching"_s));
}

void TstFilterFacets::chipsRemoveAFilter()
{
    openWindow();
    FilterChips *chips = m_window->filterChips();
    QVERIFY(chips && !chips->isVisible());
    QTest::keyClicks(m_window->filterPanel()->searchEdit(), u"customers"_s);
    auto *emailBox = m_window->filterPanel()->findChild<QCheckBox *>(u"pii_email"_s);
    QTest::mouseClick(emailBox, Qt::LeftButton, {}, QPoint(4, emailBox->height() / 2));
    QTRY_VERIFY(chips->isVisible());
    QTRY_VERIFY(chips->findChild<QToolButton *>(u"chip_pii_email"_s));
    auto *search = chips->findChild<QToolButton *>(u"chip_search"_s);
    QVERIFY(search && search->text().contains(u"customers"_s));
    QTest::mouseClick(search, Qt::LeftButton);
    QTRY_VERIFY(m_window->model()->filter().search.isEmpty());
    QCOMPARE(m_window->filterPanel()->searchEdit()->text(), QString());
    QVERIFY(m_window->model()->filter().piiRequired);
    Filter email;
    email.piiRequired = true;
    email.piiKinds = piiKindFromName(u"email");
    QTRY_COMPARE(qint64(m_window->model()->rowCount()), count(email));
    QTRY_VERIFY(!chips->findChild<QToolButton *>(u"chip_search"_s));
    QTest::mouseClick(chips->findChild<QToolButton *>(u"chip_pii_email"_s), Qt::LeftButton);
    QTRY_VERIFY(!chips->isVisible());
    QVERIFY(!emailBox->isChecked());
    QTRY_COMPARE(m_window->model()->rowCount(), 300);
}

void TstFilterFacets::copyAsCommandLineReproducesTheView()
{
    openWindow();
    FilterPanel *panel = m_window->filterPanel();
    QTest::keyClicks(panel->searchEdit(), u"customer's email"_s);
    panel->findChild<QComboBox *>(u"successCombo"_s)->setCurrentIndex(1);
    QTRY_VERIFY(m_window->filterChips()->isVisible());
    // The search box applies its text after a pause of typing, the combo box at once: wait for
    // both, or a loaded machine copies the view between the two. Then for the table's count of that
    // filter (isCounted() still holds the previous filter's count until the new one arrives).
    QTRY_VERIFY(m_window->model()->filter().success == Filter::Success::SuccessfulOnly &&
                m_window->model()->filter().search == u"customer's email"_s);
    const qint64 matching = count(m_window->model()->filter());
    QVERIFY(matching >= 0);
    QTRY_VERIFY(m_window->model()->isCounted() && m_window->model()->rowCount() == matching);
    auto *copy = m_window->filterChips()->findChild<QToolButton *>(u"copyCommandLine"_s);
    QTest::mouseClick(copy, Qt::LeftButton);
    const QString text = QApplication::clipboard()->text();
    QVERIFY2(text.startsWith(u"pairlens export "_s + m_path + u" -o pairs.jsonl "_s), qPrintable(text));
    QVERIFY2(text.contains(u"--successful-only --search 'customer'\\''s email'"_s), qPrintable(text));
    // The flags, parsed as the command line parses them, give the window's filter back.
    bool ok = false;
    const QStringList flags = filterArguments(m_window->model()->filter());
    QCOMPARE(shellCommand(flags), text.section(u" -o pairs.jsonl "_s, 1));
    QCOMPARE(parsed(flags, &ok).toJson(), m_window->model()->filter().toJson());
    QVERIFY(ok);
    // And the real pairlens lists as many pairs as the window shows.
    const test::CliRun run = test::runHeadless(
        QStringLiteral(PAIRLENS_BINARY_DIR "/app/pairlens"),
        QStringList{u"list"_s, m_path, u"--json"_s, u"--limit"_s, u"1"_s} + flags, m_dir->path());
    QCOMPARE(run.code, 0);
    const QJsonObject listed = QJsonDocument::fromJson(run.rawOut).object();
    QCOMPARE(listed.value(u"total"_s).toInteger(-1), qint64(m_window->model()->rowCount()));
}

void TstFilterFacets::anotherDatasetOpensUnfiltered()
{
    openWindow();
    QTest::keyClicks(m_window->filterPanel()->searchEdit(), u"customers"_s);
    QTRY_VERIFY(m_window->model()->rowCount() < 300);
    const QString other = m_dir->filePath(u"other.pairlens"_s);
    QVERIFY(test::makeDemoDataset(other, 120, 11));
    QVERIFY(m_window->openDataset(other));
    QTRY_COMPARE(m_window->model()->rowCount(), 120);
    QVERIFY(m_window->model()->filter().isEmpty());
    QCOMPARE(m_window->filterPanel()->searchEdit()->text(), QString());
    QVERIFY(!m_window->filterChips()->isVisible());
}

void TstFilterFacets::restoredFilterStaysWithItsDataset()
{
    openWindow();
    QTest::keyClicks(m_window->filterPanel()->searchEdit(), u"orders"_s);
    QTRY_VERIFY(m_window->model()->rowCount() < 300);
    m_window->close();
    m_window.reset();
    // The next start opens another dataset (e.g. `pairlens gui other.pairlens`): no search.
    const QString other = m_dir->filePath(u"other.pairlens"_s);
    QVERIFY(test::makeDemoDataset(other, 120, 11));
    m_window = std::make_unique<MainWindow>();
    m_window->show();
    QCOMPARE(m_window->filterPanel()->searchEdit()->text(), u"orders"_s);
    QVERIFY(m_window->openDataset(other));
    QTRY_COMPARE(m_window->model()->rowCount(), 120);
    QCOMPARE(m_window->filterPanel()->searchEdit()->text(), QString());
}

void TstFilterFacets::fromStartsAtTheFirstDate()
{
    // Pairs that ended long ago: today is far from the dataset's dates.
    QVERIFY(test::makeDemoDataset(m_path, 200, 7, QDateTime(QDate(2021, 5, 31), QTime(12, 0), Qt::UTC)));
    openWindowOnDataset(200);
    waitForCounts();
    QString error;
    auto ds = Dataset::open(m_path, Dataset::Mode::ReadOnly, &error);
    QDateTime first, last;
    QVERIFY(liveTimeRange(*ds, &first, &last, &error));
    QVERIFY(first.date().year() < 2022);
    FilterPanel *panel = m_window->filterPanel();
    auto *fromOn = panel->findChild<QCheckBox *>(u"fromDateOn"_s);
    auto *from = panel->findChild<QDateEdit *>(u"fromDate"_s);
    auto *to = panel->findChild<QDateEdit *>(u"toDate"_s);
    QTest::mouseClick(fromOn, Qt::LeftButton, {}, QPoint(4, fromOn->height() / 2));
    QVERIFY(fromOn->isChecked());
    QCOMPARE(from->date(), first.toUTC().date());
    QCOMPARE(to->date(), last.toUTC().date());
    QTRY_COMPARE(m_window->model()->filter().from, QDateTime(first.toUTC().date(), QTime(0, 0), Qt::UTC));
    QTRY_COMPARE(m_window->model()->rowCount(), 200); // from the first date on: every pair
}

void TstFilterFacets::statusNeverShowsAnUnknownCount()
{
    QVERIFY(test::makeDemoDataset(m_path, 3000));
    m_window = std::make_unique<MainWindow>();
    m_window->filterPanel()->setDebounceInterval(10);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    // Every text the status shows, however briefly (a count can come in within one turn of the
    // event loop, which a timer sampling the label could miss).
    QStringList seen;
    connect(m_window.get(), &MainWindow::statusTextChanged, this, [&](const QString &text) { seen << text; });
    QVERIFY(m_window->openDataset(m_path));
    const QString all = QLocale().toString(3000) + u" pairs"_s;
    QTRY_VERIFY(m_window->statusText().startsWith(all));
    // A filter: "Counting…" until its count is in, never the count before it.
    Filter failed;
    failed.success = Filter::Success::FailedOnly;
    const QString matching = QLocale().toString(count(failed)) + u" matching"_s;
    m_window->filterPanel()->findChild<QComboBox *>(u"successCombo"_s)->setCurrentIndex(2);
    QTRY_VERIFY(m_window->statusText().contains(matching));
    disconnect(m_window.get(), &MainWindow::statusTextChanged, this, nullptr);
    bool counting = false;
    for (const QString &s : std::as_const(seen)) {
        QVERIFY2(!s.startsWith(u"0 pairs"_s), qPrintable(seen.join(u" | "_s)));
        if (s.contains(u"matching"_s))
            QVERIFY2(s.contains(matching), qPrintable(seen.join(u" | "_s)));
        counting = counting || s.contains(u"Counting…"_s);
    }
    QVERIFY2(counting, qPrintable(seen.join(u" | "_s)));
}

void TstFilterFacets::statisticsSayComputing()
{
    openWindow();
    StatisticsView *stats = m_window->statisticsView();
    auto *tabs = m_window->findChild<QTabWidget *>();
    QVERIFY(tabs);
    QStringList seen;
    auto note = [&] {
        for (QLabel *l : stats->findChildren<QLabel *>()) {
            if (l->isVisible() && !l->text().isEmpty() && !seen.contains(l->text()))
                seen << l->text();
        }
    };
    QSignalSpy ready(stats, &StatisticsView::statisticsReady);
    tabs->setCurrentWidget(stats);
    note();
    QVERIFY2(seen.join(u' ').contains(u"Computing…"_s), qPrintable(seen.join(u" | "_s)));
    QTimer sampler;
    connect(&sampler, &QTimer::timeout, this, note);
    sampler.start(1);
    QTRY_VERIFY_WITH_TIMEOUT(ready.count() > 0, 30000);
    sampler.stop();
    QVERIFY(stats->hasStatistics());
    for (const QString &s : std::as_const(seen))
        QVERIFY2(!s.contains(u"Open a dataset"_s), qPrintable(seen.join(u" | "_s)));
}

void TstFilterFacets::tablesChartFiltersByTable()
{
    openWindow();
    StatisticsView *stats = m_window->statisticsView();
    QSignalSpy ready(stats, &StatisticsView::statisticsReady);
    m_window->findChild<QTabWidget *>()->setCurrentWidget(stats);
    QTRY_VERIFY_WITH_TIMEOUT(ready.count() > 0 && stats->hasStatistics(), 30000);
    QChart *chart = stats->chartView(ChartKind::Tables)->chart();
    QAbstractBarSeries *bars = nullptr;
    for (QAbstractSeries *s : chart->series())
        bars = bars ? bars : qobject_cast<QAbstractBarSeries *>(s);
    QVERIFY(bars && !bars->barSets().isEmpty());
    const QString top = stats->statistics().topTables.value(0).name;
    QVERIFY(!top.isEmpty());
    // The bar of the most used table: the set's first value (bars are drawn from the top down or up;
    // find the index whose label is the table).
    QBarSet *set = bars->barSets().first();
    int index = -1;
    for (int i = 0; i < set->count() && index < 0; ++i) {
        if (set->at(i) == double(stats->statistics().topTables.value(0).count))
            index = i;
    }
    QVERIFY(index >= 0);
    emit bars->clicked(index, set);
    QTRY_COMPARE(m_window->model()->filter().tables.size(), 1);
    const QString table = m_window->model()->filter().tables.first();
    Filter one;
    one.tables = {table};
    QTRY_COMPARE(qint64(m_window->model()->rowCount()), count(one));
    QCOMPARE(m_window->filterPanel()->filter().tables, QStringList{table});
    QVERIFY(m_window->filterChips()->findChild<QToolButton *>(u"chip_table_"_s + table));
}

QTEST_MAIN(TstFilterFacets)
#include "tst_filterfacets.moc"
