#include "testutil.h"

#include "dataset/dataset.h"
#include "dataset/demogenerator.h"
#include "dataset/pairstore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QProcessEnvironment>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace pairlens::test {

QString testDataFile(const QString &name)
{
    const QString path = QDir(QStringLiteral(PAIRLENS_TEST_DATA)).filePath(name);
    return QFileInfo(path).isFile() ? QFileInfo(path).canonicalFilePath() : QString();
}

QByteArray missingTestDataMessage(const QString &name)
{
    const QString path = QDir(QStringLiteral(PAIRLENS_TEST_DATA)).filePath(name);
    const QString message =
        QStringLiteral("The test data file ") + QDir::toNativeSeparators(path) +
        QStringLiteral(" is missing; it is part of the repository (see tests/data/README.md).");
    return message.toUtf8();
}

QString tempPath(QTemporaryDir &dir, const QString &name)
{
    return dir.filePath(name);
}

bool makeDemoDataset(const QString &path, int count, quint64 seed, const QDateTime &end)
{
    QString error;
    std::unique_ptr<Dataset> ds = Dataset::open(path, Dataset::Mode::OpenOrCreate, &error);
    if (!ds) {
        qWarning("%s", qPrintable(error));
        return false;
    }
    PairStore store(*ds);
    DemoGenerator gen(seed, end);
    const PairStore::AddResult r = store.add(gen.generate(count));
    if (!r.error.isEmpty())
        qWarning("%s", qPrintable(r.error));
    return r.added == count;
}

QList<int> sqlitePages(const QString &path, const QString &name, const QString &pageType, int *pageSize)
{
    QList<int> pages;
    const QString connection = u"pairlens-test-pages"_s;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, connection);
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(u"PRAGMA page_size"_s) && q.next())
                *pageSize = q.value(0).toInt();
            q.prepare(
                u"SELECT pageno FROM dbstat WHERE name = ? AND (? = '' OR pagetype = ?) ORDER BY pageno"_s);
            q.addBindValue(name);
            q.addBindValue(pageType.isNull() ? u""_s : pageType); // a null QString binds NULL
            q.addBindValue(pageType.isNull() ? u""_s : pageType);
            if (q.exec()) {
                while (q.next())
                    pages << q.value(0).toInt();
            } else {
                qWarning() << "dbstat:" << q.lastError().text();
            }
            q.finish();
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(connection);
    return pages;
}

bool overwritePages(const QString &path, const QList<int> &pages, int pageSize, char fill)
{
    QFile f(path);
    if (pageSize <= 0 || !f.open(QIODevice::ReadWrite))
        return false;
    const QByteArray garbage(pageSize, fill);
    for (const int page : pages) {
        if (page < 1 || !f.seek(qint64(page - 1) * pageSize) || f.write(garbage) != pageSize)
            return false;
    }
    return true;
}

QProcessEnvironment englishEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(u"LANGUAGE"_s);
    env.remove(u"LC_MESSAGES"_s);
    env.insert(u"LC_ALL"_s, u"C.UTF-8"_s);
    env.insert(u"LANG"_s, u"C.UTF-8"_s);
    return env;
}

CliRun runHeadless(const QString &exe, const QStringList &args, const QString &home, const QByteArray &input)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(u"DISPLAY"_s); // headless commands must not need one
    env.remove(u"QT_QPA_PLATFORM"_s);
    env.insert(u"HOME"_s, home);
    p.setProcessEnvironment(env);
    p.start(exe, args);
    if (!input.isNull())
        p.write(input);
    p.closeWriteChannel();
    if (!p.waitForFinished(120000))
        return {};
    CliRun r;
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.rawOut = p.readAllStandardOutput();
    r.out = QString::fromUtf8(r.rawOut);
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

} // namespace pairlens::test
