// The replay driver of the ordinary build: feeds every file of the folders (or the files) given on
// the command line, in name order, to the target's LLVMFuzzerTestOneInput(), once each. Linked
// with each fuzz target as fuzz_replay_<target>; CTest's tst_fuzz_regressions runs them over
// fuzz/seeds/<target>/ and fuzz/regressions/<target>/ (fuzz/CMakeLists.txt). A broken invariant or
// a crash ends the process with the input's path on stderr.
#include "fuzzcommon.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStringList>

#include <csignal>
#include <cstring>
#include <unistd.h>

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv);
extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

namespace {

void onCrash(int signal)
{
    const char *name = pairlens::fuzz::currentInput();
    const char prefix[] = "\nfuzz replay: crashed on input ";
    ssize_t ignored = ::write(STDERR_FILENO, prefix, sizeof prefix - 1);
    if (name) {
        ignored = ::write(STDERR_FILENO, name, std::strlen(name));
        ignored = ::write(STDERR_FILENO, "\n", 1);
    }
    (void)ignored;
    std::signal(signal, SIG_DFL);
    std::raise(signal);
}

} // namespace

int main(int argc, char **argv)
{
    QStringList files;
    for (int i = 1; i < argc; ++i) {
        const QString arg = QString::fromLocal8Bit(argv[i]);
        const QFileInfo info(arg);
        if (info.isDir()) {
            // README files explain a folder; everything else in it is an input.
            const QStringList names = QDir(arg).entryList(QDir::Files | QDir::NoDotAndDotDot, QDir::Name);
            for (const QString &name : names) {
                if (!name.startsWith(u"README"))
                    files.append(QDir(arg).filePath(name));
            }
        } else if (info.isFile()) {
            files.append(arg);
        } // a folder that does not exist yet (no regression found so far) holds no input
    }
    for (int s : {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL})
        std::signal(s, onCrash);

    int fakeArgc = 1;
    char **fakeArgv = argv;
    LLVMFuzzerInitialize(&fakeArgc, &fakeArgv);
    for (const QString &path : std::as_const(files)) {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) {
            std::fprintf(stderr, "fuzz replay: cannot read %s\n", qPrintable(path));
            return 2;
        }
        const QByteArray data = f.readAll();
        const QByteArray name = path.toLocal8Bit();
        pairlens::fuzz::currentInput() = name.constData();
        LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t *>(data.constData()), size_t(data.size()));
        pairlens::fuzz::currentInput() = nullptr;
    }
    std::printf("%s: %lld inputs replayed, no invariant broken\n",
                QFileInfo(QString::fromLocal8Bit(argv[0])).fileName().toLocal8Bit().constData(),
                static_cast<long long>(files.size()));
    return 0;
}
