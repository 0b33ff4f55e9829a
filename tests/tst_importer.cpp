#include <QTest>
class Tstimporter : public QObject { Q_OBJECT private slots: void placeholder() { QVERIFY(true); } };
QTEST_GUILESS_MAIN(Tstimporter)
#include "tst_importer.moc"
