#include "launch.h"

#include "cli/cliutil.h"
#include "cli/command.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

#include <cerrno>
#include <cstring>
#include <unistd.h>
#include <vector>

using namespace Qt::StringLiterals;

namespace pairlens::app {
namespace {

// Beside `pairlens` in the build folder; PAIRLENS_WINDOW_FROM_BIN (lib/pairlens/) once installed.
QString windowProgram()
{
    char self[4096];
    const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return {};
    const QDir bin = QFileInfo(QString::fromLocal8Bit(self, n)).absoluteDir();
    for (const QString &relative : {u"pairlens-window"_s, QStringLiteral(PAIRLENS_WINDOW_FROM_BIN)}) {
        const QFileInfo candidate(QDir::cleanPath(bin.absoluteFilePath(relative)));
        if (candidate.isFile() && candidate.isExecutable())
            return candidate.absoluteFilePath();
    }
    return {};
}

} // namespace

int execWindowProgram(const QStringList &args)
{
    const QString program = windowProgram();
    if (program.isEmpty()) {
        cli::err(QCoreApplication::translate("main", "pairlens: the window program pairlens-window is not "
                                                     "installed beside pairlens; reinstall PairLens."));
        return cli::Failure;
    }
    // argv[0] stays "pairlens": the window's class name and every message say pairlens.
    std::vector<QByteArray> bytes{QByteArrayLiteral("pairlens")};
    for (const QString &a : args)
        bytes.push_back(a.toLocal8Bit());
    std::vector<char *> argv;
    for (QByteArray &b : bytes)
        argv.push_back(b.data());
    argv.push_back(nullptr);
    const QByteArray path = program.toLocal8Bit();
    execv(path.constData(), argv.data());
    const int error = errno;
    cli::err(QCoreApplication::translate("main", "pairlens: could not start %1: %2.")
                 .arg(program, QString::fromLocal8Bit(std::strerror(error))));
    return cli::Failure;
}

} // namespace pairlens::app

namespace pairlens::cli {

// `pairlens chart` draws with QtCharts: it runs in the window program, on the offscreen platform.
int runChart(const QStringList &args)
{
    return app::execWindowProgram(args);
}

} // namespace pairlens::cli
