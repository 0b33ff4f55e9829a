// The Privacy Settings dialog: live examples per operator, custom patterns with a test box and match
// counts, invalid patterns refused, and a saved change written to the dataset (settings, PII kinds,
// audit log), followed by the preview and undone from the Edit menu.
#include "datasetsession.h"
#include "privacysettingsdialog.h"
#include "windowtest.h"

#include "dataset/dataset.h"
#include "dataset/privacydecisions.h"
#include "privacy/anonymizer.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSqlQuery>
#include <QTableWidget>
#include <QTimer>

using namespace Qt::StringLiterals;
using namespace pairlens;
using namespace pairlens::ui;

class TstPrivacySettings : public test::WindowTest
{
    Q_OBJECT
private slots:
    void init() { initWindowTest(); }
    void cleanup() { cleanupWindowTest(); }
    void examplesFollowTheOperator();
    void patternsTestBoxAndErrors();
    void readOnlyCannotSave();
    void saveWritesTheDatasetAndUndoes();
    void changesElsewhereReachThePreview();

private:
    static privacy::Config keyed()
    {
        privacy::Config c;
        c.key = QByteArray(32, 'k');
        return c;
    }
    static void setOperator(PrivacySettingsDialog &d, const QString &name, privacy::Operator op)
    {
        auto *box = d.findChild<QComboBox *>(u"operator_"_s + name);
        QVERIFY(box);
        box->setCurrentIndex(box->findData(int(op)));
    }
};

void TstPrivacySettings::examplesFollowTheOperator()
{
    PrivacySettingsDialog d(keyed(), false);
    // The default (mask) as the anonymizer writes it with this key.
    const QString masked = privacy::Anonymizer(keyed()).anonymizeText(u"ana.silva@example.org"_s).text;
    QVERIFY(masked != u"ana.silva@example.org"_s);
    QCOMPARE(d.exampleText(PiiKind::Email), u"ana.silva@example.org → "_s + masked);
    QVERIFY(!d.findChild<QPushButton *>(u"saveButton"_s)->isEnabled()); // nothing changed yet
    setOperator(d, u"email"_s, privacy::Operator::Pseudonym);
    const QString pseudonym = d.exampleText(PiiKind::Email);
    QVERIFY(pseudonym.startsWith(u"ana.silva@example.org → "_s));
    QVERIFY(!pseudonym.endsWith(u"<EMAIL>"_s));
    QVERIFY(!pseudonym.section(u" → "_s, 1).contains(u"ana.silva"_s));
    // The same key gives the same pseudonym as an export would write.
    privacy::Config c = keyed();
    c.operators.insert(PiiKind::Email, privacy::Operator::Pseudonym);
    QCOMPARE(pseudonym.section(u" → "_s, 1),
             privacy::Anonymizer(c).anonymizeText(u"ana.silva@example.org"_s).text);
    setOperator(d, u"email"_s, privacy::Operator::Redact);
    QCOMPARE(d.exampleText(PiiKind::Email), u"ana.silva@example.org → <EMAIL>"_s);
    // The surrogate operator is a choice too: a realistic phone number in the sample's format.
    setOperator(d, u"phone"_s, privacy::Operator::Surrogate);
    c = keyed();
    c.operators.insert(PiiKind::Phone, privacy::Operator::Surrogate);
    const QString surrogate = privacy::Anonymizer(c).anonymizeText(u"+1 415 555 0132"_s).text;
    QVERIFY(surrogate.startsWith(u"+1 415 555 01"_s) && surrogate.size() == 15);
    QCOMPARE(d.exampleText(PiiKind::Phone), u"+1 415 555 0132 → "_s + surrogate);
    QCOMPARE(d.config().operatorFor(PiiKind::Phone), privacy::Operator::Surrogate);
    setOperator(d, u"email"_s, privacy::Operator::Keep);
    QCOMPARE(d.exampleText(PiiKind::Email), u"ana.silva@example.org → ana.silva@example.org"_s);
    QVERIFY(d.findChild<QPushButton *>(u"saveButton"_s)->isEnabled());
    QCOMPARE(d.config().operatorFor(PiiKind::Email), privacy::Operator::Keep);
    QCOMPARE(d.config().key, keyed().key); // the key is never lost
}

void TstPrivacySettings::patternsTestBoxAndErrors()
{
    PrivacySettingsDialog d(keyed(), false);
    auto *table = d.findChild<QTableWidget *>(u"patternsTable"_s);
    QVERIFY(table);
    QTest::mouseClick(d.findChild<QPushButton *>(u"addPattern"_s), Qt::LeftButton);
    QCOMPARE(table->rowCount(), 1);
    table->item(0, 0)->setText(u"ticket"_s);
    // An empty expression is refused with a sentence, and Save stays off.
    auto *problems = d.findChild<QLabel *>(u"patternProblems"_s);
    QVERIFY(!problems->text().isEmpty());
    QVERIFY(!d.findChild<QPushButton *>(u"saveButton"_s)->isEnabled());
    table->item(0, 1)->setText(u"TCK-(\\d{6}"_s); // unbalanced
    QVERIFY(problems->text().contains(u"not a valid regular expression"_s));
    QVERIFY(!d.findChild<QPushButton *>(u"saveButton"_s)->isEnabled());
    table->item(0, 1)->setText(u"TCK-\\d{6}"_s);
    QVERIFY(problems->text().isEmpty());
    QVERIFY(d.findChild<QPushButton *>(u"saveButton"_s)->isEnabled());

    auto *test = d.findChild<QPlainTextEdit *>(u"testText"_s);
    test->setPlainText(u"Tickets TCK-123456 and TCK-654321 from bob@corp.com"_s);
    QCOMPARE(table->item(0, 3)->text(), u"2"_s);
    QVERIFY(d.testResult().contains(u"pattern ticket: 2"_s));
    QVERIFY(d.testResult().contains(u"[REDACTED]"_s) || d.testResult().contains(u"TICKET"_s));
    QVERIFY(!d.testResult().contains(u"TCK-123456"_s));
    QVERIFY(!d.testResult().contains(u"bob@corp.com"_s));
    QCOMPARE(d.config().customPatterns.size(), 1);
    QCOMPARE(d.config().customPatterns[0].pattern, u"TCK-\\d{6}"_s);

    table->setCurrentCell(0, 0);
    QTest::mouseClick(d.findChild<QPushButton *>(u"removePattern"_s), Qt::LeftButton);
    QCOMPARE(table->rowCount(), 0);
    QVERIFY(!d.testResult().contains(u"pattern ticket"_s));
}

void TstPrivacySettings::readOnlyCannotSave()
{
    PrivacySettingsDialog d(keyed(), true);
    QVERIFY(!d.findChild<QComboBox *>(u"operator_email"_s)->isEnabled());
    QVERIFY(!d.findChild<QPushButton *>(u"addPattern"_s)->isEnabled());
    QVERIFY(!d.findChild<QCheckBox *>(u"scanMetadata"_s)->isEnabled());
    QVERIFY(!d.findChild<QPushButton *>(u"saveButton"_s)->isEnabled());
}

void TstPrivacySettings::saveWritesTheDatasetAndUndoes()
{
    openWindow(50);
    QAction *action = m_window->findChild<QAction *>(u"actionPrivacySettings"_s);
    QVERIFY(action && action->isEnabled());
    auto readSettings = [this] {
        QString error;
        auto ds = Dataset::open(m_path, Dataset::Mode::ReadOnly, &error);
        return ds ? privacy::Config::fromSettings(test::storedSettings(*ds)) : privacy::Config{};
    };
    auto customPairs = [this] {
        QString error;
        auto ds = Dataset::open(m_path, Dataset::Mode::ReadOnly, &error);
        QSqlQuery q(ds->db());
        q.exec(u"SELECT count(*) FROM pairs WHERE pii_mask & %1"_s.arg(quint32(PiiKind::Custom)));
        return q.next() ? q.value(0).toLongLong() : -1;
    };
    QCOMPARE(customPairs(), 0);
    bool shown = false;
    QTimer::singleShot(0, this, [&] {
        auto *d = qobject_cast<PrivacySettingsDialog *>(QApplication::activeModalWidget());
        QVERIFY(d);
        shown = true;
        setOperator(*d, u"email"_s, privacy::Operator::Hash);
        auto *table = d->findChild<QTableWidget *>(u"patternsTable"_s);
        QTest::mouseClick(d->findChild<QPushButton *>(u"addPattern"_s), Qt::LeftButton);
        table->item(0, 0)->setText(u"word"_s);
        table->item(0, 1)->setText(u"[A-Za-z]{3}"_s); // in every question
        d->findChild<QPushButton *>(u"saveButton"_s)->click();
    });
    action->trigger();
    QVERIFY(shown);
    QTRY_COMPARE(readSettings().operatorFor(PiiKind::Email), privacy::Operator::Hash);
    QCOMPARE(readSettings().customPatterns.size(), 1);
    QTRY_VERIFY(customPairs() > 0); // the PII kinds were rescanned with the new pattern
    QTRY_COMPARE(m_window->session()->anonymizer()->config().operatorFor(PiiKind::Email),
                 privacy::Operator::Hash);
    QAction *undo = m_window->findChild<QAction *>(u"actionUndo"_s);
    QTRY_COMPARE(undo->text().remove(u'&'), u"Undo Change privacy settings"_s);
    undo->trigger();
    QTRY_COMPARE(readSettings().operatorFor(PiiKind::Email), privacy::Operator::Mask);
    QVERIFY(readSettings().customPatterns.isEmpty());
    QTRY_COMPARE(customPairs(), 0);
    {
        QString error;
        auto ds = Dataset::open(m_path, Dataset::Mode::ReadOnly, &error);
        QSqlQuery q(ds->db());
        q.exec(u"SELECT count(*) FROM audit_log WHERE action = 'settings'"_s);
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toLongLong(), 2); // the change and its undo
    }
}

void TstPrivacySettings::changesElsewhereReachThePreview()
{
    // `pairlens privacy` (here: a connection of its own) changes the settings while the window is
    // open: the preview anonymizes as an export now would, without reopening.
    openWindow(50);
    m_window->session()->setPollInterval(100);
    QCOMPARE(m_window->session()->anonymizer()->config().operatorFor(PiiKind::Email),
             privacy::Operator::Mask);
    {
        QString error;
        auto other = Dataset::open(m_path, Dataset::Mode::OpenExisting, &error);
        QVERIFY2(other, qPrintable(error));
        privacy::Config config = privacy::Config::fromSettings(test::storedSettings(*other));
        config.operators.insert(PiiKind::Email, privacy::Operator::Hash);
        config.customPatterns.append({u"ticket"_s, u"TCK-[0-9]{6}"_s, privacy::Operator::Redact});
        QVERIFY2(savePrivacySettings(*other, config, &error) >= 0, qPrintable(error));
    }
    QTRY_COMPARE(m_window->session()->anonymizer()->config().operatorFor(PiiKind::Email),
                 privacy::Operator::Hash);
    QCOMPARE(m_window->session()->anonymizer()->config().customPatterns.size(), 1);
    QVERIFY(!m_window->session()
                 ->anonymizer()
                 ->anonymizeText(u"ticket TCK-204518"_s)
                 .text.contains(u"TCK-204518"_s));
}

QTEST_MAIN(TstPrivacySettings)
#include "tst_privacysettings.moc"
