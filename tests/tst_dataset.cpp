#include <QTest>
class Tstdataset : public QObject { Q_OBJECT private slots: void placeholder() { QVERIFY(true); } };
QTEST_GUILESS_MAIN(Tstdataset)
#include "tst_dataset.moc"
