#include <QTest>
class Tsttokenizer : public QObject { Q_OBJECT private slots: void placeholder() { QVERIFY(true); } };
QTEST_GUILESS_MAIN(Tsttokenizer)
#include "tst_tokenizer.moc"
