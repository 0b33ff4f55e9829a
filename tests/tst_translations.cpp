// The German translation: it is embedded as :/i18n/pairlens_de.qm in everything that links pairlens_ui,
// loads the way main.cpp loads it, is found under the contexts the code looks strings up in (Q_OBJECT
// classes and the file-local tr() helpers of the CLI and core), is complete, keeps every placeholder,
// accelerator and HTML tag of its source, and the real binary speaks German when the locale says so.
#include "guitestutil.h"
#include "mainwindow.h"
#include "trashdialog.h"

#include <QAction>
#include <QDir>
#include <QFile>
#include <QLocale>
#include <QMenu>
#include <QMenuBar>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QTranslator>
#include <QXmlStreamReader>

using namespace Qt::StringLiterals;

namespace {

struct Message
{
    QString context;
    QString source;
    bool numerus = false;
    bool unfinished = false;
    QStringList translations; // one, or one per plural form
};

QList<Message> readTs(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = file.errorString();
        return {};
    }
    QList<Message> messages;
    QString context;
    QXmlStreamReader xml(&file);
    while (!xml.atEnd()) {
        if (xml.readNext() != QXmlStreamReader::StartElement)
            continue;
        if (xml.name() == u"name"_s) {
            context = xml.readElementText();
        } else if (xml.name() == u"message"_s) {
            Message m;
            m.context = context;
            m.numerus = xml.attributes().value(u"numerus"_s) == u"yes"_s;
            while (xml.readNextStartElement()) {
                if (xml.name() == u"source"_s) {
                    m.source = xml.readElementText();
                } else if (xml.name() == u"translation"_s) {
                    const QString type = xml.attributes().value(u"type"_s).toString();
                    m.unfinished = type == u"unfinished"_s || type == u"vanished"_s || type == u"obsolete"_s;
                    if (m.numerus) {
                        while (xml.readNextStartElement())
                            m.translations << xml.readElementText(); // <numerusform>
                    } else {
                        m.translations << xml.readElementText();
                    }
                } else {
                    xml.skipCurrentElement();
                }
            }
            messages << m;
        }
    }
    if (xml.hasError())
        *error = u"%1 at line %2"_s.arg(xml.errorString()).arg(xml.lineNumber());
    return messages;
}

QStringList matches(const QRegularExpression &re, const QString &text)
{
    QStringList found;
    for (auto it = re.globalMatch(text); it.hasNext();)
        found << it.next().captured(0);
    found.sort();
    return found;
}

// The character after the accelerator '&' ("&&" is a literal ampersand), or a null QChar.
QChar accelerator(const QString &text)
{
    for (qsizetype i = 0; i + 1 < text.size(); ++i) {
        if (text.at(i) != u'&')
            continue;
        if (text.at(i + 1) != u'&')
            return text.at(i + 1).toLower();
        ++i;
    }
    return {};
}

QString tsPath()
{
    return QDir(QStringLiteral(PAIRLENS_SOURCE_DIR)).filePath(u"translations/pairlens_de.ts"_s);
}

} // namespace

class TstTranslations : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void translatesKnownStrings_data();
    void translatesKnownStrings();
    void pluralForms();
    void tsIsComplete();
    void placeholdersAcceleratorsAndTagsKept();
    void menuAcceleratorsUnique();
    void binarySpeaksGerman();

private:
    struct Run
    {
        int code = -1;
        QString out;
        QString err;
    };
    Run run(const QStringList &args, const QString &locale);

    QTranslator m_translator;
    QTemporaryDir m_home;
};

void TstTranslations::initTestCase()
{
    QVERIFY2(QFile::exists(u":/i18n/pairlens_de.qm"_s), "the translation is not embedded via pairlens_ui");
    // Exactly what main.cpp's installTranslations() does, with a German locale.
    QVERIFY(m_translator.load(QLocale(u"de_DE"_s), u"pairlens"_s, u"_"_s, u":/i18n"_s));
    QVERIFY(QCoreApplication::installTranslator(&m_translator));
    QVERIFY(!m_translator.isEmpty());
}

void TstTranslations::translatesKnownStrings_data()
{
    QTest::addColumn<QByteArray>("context");
    QTest::addColumn<QByteArray>("source");
    QTest::addColumn<QString>("german");
    auto row = [](const char *context, const char *source, const QString &german) {
        QTest::addRow("%s: %s", context, source) << QByteArray(context) << QByteArray(source) << german;
    };
    // core: explicit contexts and the file-local tr() helpers of importer, export and statistics
    row("Dataset", "The dataset is read-only.", u"Der Datensatz ist schreibgeschützt."_s);
    row("PairStore", "The pair no longer exists.", u"Das Paar existiert nicht mehr."_s);
    row("Importer", "the line is not valid UTF-8", u"die Zeile ist kein gültiges UTF-8"_s);
    row("Export", "Cannot write %1: %2", u"%1 kann nicht geschrieben werden: %2"_s);
    row("Statistics", "Dataset statistics", u"Statistik des Datensatzes"_s);
    // cli: main.cpp and the "cli" helper of app/cli/*.cpp
    row("main", "Commands:", u"Befehle:"_s);
    row("cli", "Dataset file.", u"Datensatzdatei."_s);
    row("cli", "Restores deleted pairs from the trash.",
        u"Stellt gelöschte Paare aus dem Papierkorb wieder her."_s);
    row("cli", "KIND", u"ART"_s);
    // ui
    row("PiiStyle", "Approved", u"Genehmigt"_s);
    row("ChartFactory", "Review progress", u"Prüffortschritt"_s);
    row("pairlens::ui::MainWindow", "&Trash…", u"&Papierkorb…"_s);
    row("pairlens::ui::MainWindow", "Anonymization &Preview", u"Anonymisierungs&vorschau"_s);
}

void TstTranslations::translatesKnownStrings()
{
    QFETCH(QByteArray, context);
    QFETCH(QByteArray, source);
    QFETCH(QString, german);
    QCOMPARE(QCoreApplication::translate(context.constData(), source.constData()), german);
}

void TstTranslations::pluralForms()
{
    // Through the classes' own tr(), so the .ts contexts must match their meta-object class names.
    using pairlens::ui::MainWindow;
    using pairlens::ui::TrashDialog;
    QCOMPARE(MainWindow::tr("&File"), u"&Datei"_s);
    QCOMPARE(TrashDialog::tr("%n deleted pairs", nullptr, 1), u"1 gelöschtes Paar"_s);
    QCOMPARE(TrashDialog::tr("%n deleted pairs", nullptr, 3), u"3 gelöschte Paare"_s);
    QCOMPARE(QCoreApplication::translate("DeleteCommand", "Delete %n pairs", nullptr, 2),
             u"2 Paare löschen"_s);
}

void TstTranslations::tsIsComplete()
{
    QString error;
    const QList<Message> messages = readTs(tsPath(), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(messages.size() > 300);
    QStringList problems;
    for (const Message &m : messages) {
        const auto where = u"[%1] %2"_s.arg(m.context, m.source);
        if (m.unfinished)
            problems << u"unfinished: "_s + where;
        else if (m.translations.size() != (m.numerus ? 2 : 1))
            problems << u"needs %1 forms: "_s.arg(m.numerus ? 2 : 1) + where;
        else if (std::any_of(m.translations.cbegin(), m.translations.cend(),
                             [](auto &t) { return t.isEmpty(); }))
            problems << u"empty: "_s + where;
    }
    QVERIFY2(problems.isEmpty(),
             qPrintable(problems.join(u'\n') +
                        u"\nRun python3 translations/fill_de.py (docs/contributing.md)."_s));
}

void TstTranslations::placeholdersAcceleratorsAndTagsKept()
{
    static const QRegularExpression placeholder(u"%L?[1-9][0-9]?|%n"_s);
    static const QRegularExpression accelerator(u"&[^&\\s]"_s);
    static const QRegularExpression tag(u"</?[a-zA-Z][^>]*>"_s);
    QString error;
    const QList<Message> messages = readTs(tsPath(), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QStringList problems;
    for (const Message &m : messages) {
        for (const QString &t : m.translations) {
            const auto where = u"[%1] %2 -> %3"_s.arg(m.context, m.source, t);
            if (matches(placeholder, t) != matches(placeholder, m.source))
                problems << u"placeholders differ: "_s + where;
            if (matches(accelerator, t).size() != matches(accelerator, m.source).size())
                problems << u"accelerator differs: "_s + where;
            if (matches(tag, t) != matches(tag, m.source))
                problems << u"HTML tags differ: "_s + where;
            if (m.source.endsWith(u'…') != t.endsWith(u'…') || m.source.endsWith(u'.') != t.endsWith(u'.'))
                problems << u"trailing punctuation differs: "_s + where;
        }
    }
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
}

void TstTranslations::menuAcceleratorsUnique()
{
    QTemporaryDir settings;
    pairlens::test::isolateSettings(settings);
    pairlens::ui::MainWindow window;
    const QList<QAction *> menus = window.menuBar()->actions();
    QVERIFY(!menus.isEmpty());
    QCOMPARE(menus.first()->text(), u"&Datei"_s); // the window really is German
    QStringList problems;
    auto check = [&problems](const QString &where, const QList<QAction *> &actions) {
        QHash<QChar, QString> seen;
        for (const QAction *a : actions) {
            const QChar key = accelerator(a->text());
            if (a->isSeparator() || key.isNull())
                continue;
            if (seen.contains(key))
                problems << u"%1: \"%2\" and \"%3\" share &%4"_s.arg(where, seen.value(key), a->text(), key);
            seen.insert(key, a->text());
        }
    };
    check(u"menu bar"_s, menus);
    for (const QAction *menu : menus) {
        if (menu->menu())
            check(menu->text(), menu->menu()->actions());
    }
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
}

TstTranslations::Run TstTranslations::run(const QStringList &args, const QString &locale)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(u"DISPLAY"_s);
    env.insert(u"HOME"_s, m_home.path());
    env.insert(u"LANG"_s, locale);
    env.insert(u"LC_ALL"_s, locale); // CTest sets LC_ALL=C.UTF-8, which would win over LANG
    env.insert(u"LANGUAGE"_s, locale.section(u'_', 0, 0).section(u'.', 0, 0));
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(PAIRLENS_EXE), args);
    p.closeWriteChannel();
    if (!p.waitForFinished(120000))
        return {};
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}

void TstTranslations::binarySpeaksGerman()
{
    QVERIFY(m_home.isValid());
    Run r = run({u"--help"_s}, u"de_DE.UTF-8"_s);
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(u"Befehle:"_s) && r.out.contains(u"öffnet das Fenster"_s) &&
                 r.out.contains(u"Holt Paare aus dem Papierkorb zurück."_s),
             qPrintable(r.out));

    r = run({u"--help"_s}, u"C.UTF-8"_s); // and English without a German locale
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(u"Usage:"_s), qPrintable(r.out));

    // A subcommand's help (the "cli" helper context) and a core error message (Dataset).
    r = run({u"list"_s, u"--help"_s}, u"de_DE.UTF-8"_s);
    QVERIFY2(r.out.contains(u"Listet die Paare eines Datensatzes auf"_s), qPrintable(r.out + r.err));
    const QString missing = QDir(m_home.path()).filePath(u"missing.pairlens"_s);
    r = run({u"list"_s, missing}, u"de_DE.UTF-8"_s);
    QVERIFY(r.code != 0);
    QVERIFY2(r.err.contains(u"existiert nicht"_s), qPrintable(r.err));

    // Statistics of a small demo dataset: the aligned German labels.
    const QString demo = QDir(m_home.path()).filePath(u"demo.pairlens"_s);
    r = run({u"demo"_s, demo, u"--pairs"_s, u"50"_s}, u"de_DE.UTF-8"_s);
    QVERIFY2(r.code == 0, qPrintable(r.err));
    r = run({u"stats"_s, demo}, u"de_DE.UTF-8"_s);
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains(u"Paare:                  50"_s), qPrintable(r.out));
    QVERIFY2(r.out.contains(u"Verschiedene Tabellen:  "_s), qPrintable(r.out));
}

QTEST_MAIN(TstTranslations)
#include "tst_translations.moc"
