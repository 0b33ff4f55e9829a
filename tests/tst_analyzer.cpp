#include <QTest>
class Tstanalyzer : public QObject { Q_OBJECT private slots: void placeholder() { QVERIFY(true); } };
QTEST_GUILESS_MAIN(Tstanalyzer)
#include "tst_analyzer.moc"
