// The window and `pairlens serve` on one dataset file (issue 19: "the window shows pairs arriving
// live"): a real server process, called with a real HTTP client (QNetworkAccessManager), and the
// window in this process. Pairs an agent POSTs appear in the window; a delete in the window is a
// 404 for the server's clients; a delete through the API leaves the window at the next refresh.
#include "datasetsession.h"
#include "infobar.h"
#include "mainwindow.h"
#include "pairtablemodel.h"
#include "windowtest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QToolButton>
#include <QUrl>

#include <memory>

using namespace Qt::StringLiterals;
using namespace pairlens;
using namespace pairlens::ui;

namespace {

constexpr int kDemoPairs = 300;

// One HTTP answer: status and body (the JSON object, empty when there is none).
struct Answer
{
    int status = 0;
    QJsonObject body;
};

} // namespace

class TstLiveServe : public test::WindowTest
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void postedPairsAppearInTheWindow();
    void deletesCrossBetweenWindowAndServer();

private:
    void startServer();
    Answer call(const QByteArray &method, const QString &path, const QJsonObject &body = {});
    QJsonObject livePair(int i) const;
    int rowOfQuestion(const QString &question) const;

    std::unique_ptr<QProcess> m_server;
    QUrl m_base;
    QByteArray m_key;
    QNetworkAccessManager m_http;
};

void TstLiveServe::init()
{
    initWindowTest();
    QVERIFY(test::makeDemoDataset(m_path, kDemoPairs));
    // A key for the agent, made before the window opens (as an administrator would).
    QProcess keys;
    keys.start(QStringLiteral(PAIRLENS_EXE),
               {u"keys"_s, m_path, u"create"_s, u"--name"_s, u"agent"_s, u"--scope"_s, u"read,write"_s});
    QVERIFY(keys.waitForFinished(60000));
    QCOMPARE(keys.exitCode(), 0);
    m_key = keys.readAllStandardOutput().trimmed();
    QVERIFY2(m_key.startsWith("plk_"), m_key.constData());
    startServer();
    openWindowOnDataset(kDemoPairs);
    m_window->session()->setPollInterval(100);
}

void TstLiveServe::cleanup()
{
    if (m_server) {
        m_server->terminate();
        if (!m_server->waitForFinished(30000))
            m_server->kill();
        m_server.reset();
    }
    cleanupWindowTest();
}

void TstLiveServe::startServer()
{
    m_server = std::make_unique<QProcess>();
    m_server->start(QStringLiteral(PAIRLENS_EXE), {u"serve"_s, m_path, u"--listen"_s, u"127.0.0.1:0"_s});
    QVERIFY(m_server->waitForStarted(30000));
    // The server prints the address it listens on (port 0: the system chose one).
    QTRY_VERIFY_WITH_TIMEOUT(m_server->canReadLine() || m_server->state() != QProcess::Running, 30000);
    const QString line = QString::fromUtf8(m_server->readLine());
    const QRegularExpressionMatch m = QRegularExpression(u"(http://127\\.0\\.0\\.1:\\d+)/"_s).match(line);
    QVERIFY2(m.hasMatch(), qPrintable(line + QString::fromUtf8(m_server->readAllStandardError())));
    m_base = QUrl(m.captured(1));
}

Answer TstLiveServe::call(const QByteArray &method, const QString &path, const QJsonObject &body)
{
    QNetworkRequest request(m_base.resolved(QUrl(path)));
    request.setRawHeader("Authorization", "Bearer " + m_key);
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    const QByteArray data =
        body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact);
    std::unique_ptr<QNetworkReply> reply(m_http.sendCustomRequest(request, method, data));
    // The window's event loop keeps running meanwhile (its poll, its worker's answers).
    Answer a;
    if (!QTest::qWaitFor([&] { return reply->isFinished(); }, 60000))
        return a; // status 0: no answer, which every caller's comparison rejects
    a.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    a.body = QJsonDocument::fromJson(reply->readAll()).object();
    return a;
}

QJsonObject TstLiveServe::livePair(int i) const
{
    return {{u"natural_language_query"_s, u"Live question %1 from the agent"_s.arg(i)},
            {u"sql_query"_s, u"SELECT count(*) FROM orders WHERE day = %1"_s.arg(i)},
            {u"database_type"_s, u"postgresql"_s},
            {u"database_name"_s, u"shop"_s},
            {u"execution_time_ms"_s, 3.5}};
}

int TstLiveServe::rowOfQuestion(const QString &question) const
{
    PairTableModel *model = m_window->model();
    for (int r = 0; r < model->rowCount(); ++r) {
        if (const Pair *p = model->pairAt(r); p && p->naturalLanguageQuery == question)
            return r;
    }
    return -1;
}

void TstLiveServe::postedPairsAppearInTheWindow()
{
    for (int i = 0; i < 5; ++i)
        QCOMPARE(call("POST", u"/api/training-data/pairs"_s, livePair(i)).status, 201);
    QJsonArray batch;
    for (int i = 5; i < 25; ++i)
        batch.append(livePair(i));
    const Answer added = call("POST", u"/api/training-data/pairs:batch"_s, {{u"pairs"_s, batch}});
    QCOMPARE(added.status, 201);
    QCOMPARE(added.body.value(u"added"_s).toInt(), 20);

    // The window says so without being asked, and moves nothing until the user refreshes.
    InfoBar *bar = m_window->externalBar();
    QTRY_VERIFY_WITH_TIMEOUT(bar->isVisible() && bar->text().contains(u"25 new pairs"_s), 20000);
    QCOMPARE(m_window->model()->rowCount(), kDemoPairs);
    QTest::mouseClick(bar->findChild<QToolButton *>(u"refreshButton"_s), Qt::LeftButton);
    QTRY_COMPARE(m_window->model()->rowCount(), kDemoPairs + 25);
    // Newest first: the agent's pairs lead the table, analysed like any other.
    QTRY_VERIFY(m_window->model()->pairAt(0));
    for (int i = 0; i < 25; ++i) {
        const QString question = u"Live question %1 from the agent"_s.arg(i);
        QTRY_VERIFY2(rowOfQuestion(question) >= 0 && rowOfQuestion(question) < 25, qPrintable(question));
        const Pair *p = m_window->model()->pairAt(rowOfQuestion(question));
        QCOMPARE(p->queryType, u"SELECT"_s);
        QCOMPARE(p->tableNames, QStringList{u"orders"_s});
    }
}

void TstLiveServe::deletesCrossBetweenWindowAndServer()
{
    const Answer a = call("POST", u"/api/training-data/pairs"_s, livePair(1));
    QCOMPARE(a.status, 201);
    const QString arrived = a.body.value(u"pair"_s).toObject().value(u"pair_id"_s).toString();
    const Answer b = call("POST", u"/api/training-data/pairs"_s, livePair(2));
    QCOMPARE(b.status, 201);
    const QString other = b.body.value(u"pair"_s).toObject().value(u"pair_id"_s).toString();
    QTRY_VERIFY_WITH_TIMEOUT(m_window->externalBar()->isVisible(), 20000);
    QTest::mouseClick(m_window->externalBar()->findChild<QToolButton *>(u"refreshButton"_s), Qt::LeftButton);
    QTRY_COMPARE(m_window->model()->rowCount(), kDemoPairs + 2);

    // The reviewer deletes the agent's first pair in the window: the API no longer serves it.
    QTRY_VERIFY(rowOfQuestion(u"Live question 1 from the agent"_s) >= 0);
    clickRow(rowOfQuestion(u"Live question 1 from the agent"_s));
    key(QKeySequence(QKeySequence::Delete));
    QTRY_COMPARE(m_window->model()->rowCount(), kDemoPairs + 1);
    QTRY_COMPARE(call("GET", u"/api/training-data/pairs/"_s + arrived).status, 404);
    QCOMPARE(call("GET", u"/api/training-data/pairs/"_s + other).status, 200);

    // An API client deletes the other one: the window drops it at the next refresh.
    QCOMPARE(call("DELETE", u"/api/training-data/pairs/"_s + other).status, 200);
    m_window->refresh();
    QTRY_COMPARE(m_window->model()->rowCount(), kDemoPairs);
    // The count comes first; the rows on screen are replaced when their page has been read again.
    QTRY_VERIFY(m_window->model()->pairAt(0) &&
                m_window->model()->pairAt(0)->naturalLanguageQuery != u"Live question 2 from the agent"_s);
    QCOMPARE(rowOfQuestion(u"Live question 2 from the agent"_s), -1);
}

QTEST_MAIN(TstLiveServe)
#include "tst_liveserve.moc"
