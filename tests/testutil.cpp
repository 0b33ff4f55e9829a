#include "testutil.h"

#include <QDir>
#include <QFileInfo>

namespace pairlens::test {

QString sharedDataFile(const QString &name)
{
    const QString path = QDir(QStringLiteral(PAIRLENS_SHARED_DATA)).filePath(name);
    return QFileInfo::exists(path) ? QFileInfo(path).canonicalFilePath() : QString();
}

QString tempPath(QTemporaryDir &dir, const QString &name)
{
    return dir.filePath(name);
}

} // namespace pairlens::test
