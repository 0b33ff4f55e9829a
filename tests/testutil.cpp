#include "testutil.h"

#include "dataset/dataset.h"
#include "dataset/demogenerator.h"
#include "dataset/pairstore.h"

#include <QDir>
#include <QFileInfo>

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

} // namespace pairlens::test
