#include <QTest>
class Tstpairstore : public QObject { Q_OBJECT private slots: void placeholder() { QVERIFY(true); } };
QTEST_GUILESS_MAIN(Tstpairstore)
#include "tst_pairstore.moc"
