#include <QTest>
class Tstshareddata : public QObject { Q_OBJECT private slots: void placeholder() { QVERIFY(true); } };
QTEST_GUILESS_MAIN(Tstshareddata)
#include "tst_shareddata.moc"
