// pairlens-window: the window, and `pairlens chart`, which draws with QtCharts. `pairlens` starts
// this program (app/launch.cpp) with its own arguments; it is not meant to be run by hand.
#include "cli/cliutil.h"
#include "cli/command.h"
#include "identity.h"
#include "mainwindow.h"

#include <QApplication>

using namespace Qt::StringLiterals;
using pairlens::app::installTranslations;
using pairlens::app::setIdentity;

namespace pairlens::cli {
int runChart(const QStringList &args);
}

int main(int argc, char *argv[])
{
    if (argc > 1 && qstrcmp(argv[1], "chart") == 0) {
        // Charts are drawn with QtCharts (widgets) on the offscreen platform: no display needed.
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        // Headless runs have no XDG runtime folder; that warning is noise, not the one-sentence error.
        static const QtMessageHandler previous = qInstallMessageHandler(
            [](QtMsgType type, const QMessageLogContext &context, const QString &message) {
                if (message.startsWith(u"QStandardPaths:"_s))
                    return;
                if (previous)
                    previous(type, context, message);
                else
                    pairlens::cli::err(message);
            });
        QApplication app(argc, argv);
        setIdentity();
        installTranslations(app);
        return pairlens::cli::finishCommand(pairlens::cli::runChart(QCoreApplication::arguments().mid(1)));
    }

    QApplication app(argc, argv);
    setIdentity();
    QApplication::setDesktopFileName(u"pairlens"_s);
    installTranslations(app);
    QStringList rest = QCoreApplication::arguments().mid(1);
    if (!rest.isEmpty() && rest.first() == u"gui"_s)
        rest.removeFirst();
    pairlens::ui::MainWindow window;
    window.show();
    if (!rest.isEmpty())
        window.openDataset(rest.first());
    else
        window.openLastDataset();
    return app.exec();
}
