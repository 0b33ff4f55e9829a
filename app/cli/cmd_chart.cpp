// `pairlens chart`: renders one statistics chart to PNG or SVG without a display.
#include "cli/cliutil.h"
#include "cli/command.h"
#include "dataset/dataset.h"
#include "stats/chartfactory.h"
#include "stats/statistics.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QGuiApplication>

using namespace Qt::StringLiterals;

namespace pairlens::cli {
namespace {
QString tr(const char *s)
{
    return QCoreApplication::translate("cli", s);
}
} // namespace

int runChart(const QStringList &args)
{
    QStringList kinds;
    for (ui::ChartKind k : ui::allChartKinds())
        kinds << ui::chartKindName(k);
    QCommandLineParser parser;
    setupParser(parser, u"chart"_s,
                tr("Renders a statistics chart of the pairs matching the filter to a PNG or SVG file."));
    parser.addPositionalArgument(u"DATASET"_s, tr("Dataset file."));
    addFilterOptions(parser);
    parser.addOptions({{u"kind"_s, tr("The chart: %1.").arg(kinds.join(u", "_s)), u"KIND"_s},
                       {{u"o"_s, u"output"_s}, tr("The image to write (.png or .svg)."), u"FILE"_s},
                       {u"width"_s, tr("Width in pixels (default 1200)."), u"W"_s, u"1200"_s},
                       {u"height"_s, tr("Height in pixels (default 720)."), u"H"_s, u"720"_s}});
    if (!parseOrExplain(parser, args, 1))
        return Usage;
    if (!qobject_cast<QGuiApplication *>(QCoreApplication::instance())) {
        err(tr(
            "pairlens chart: charts need a GUI application object; run it through the pairlens executable."));
        return Failure;
    }
    const std::optional<ui::ChartKind> kind = ui::chartKindFromName(parser.value(u"kind"_s));
    if (!parser.isSet(u"kind"_s) || !kind) {
        err(tr("pairlens chart: --kind must be one of %1.").arg(kinds.join(u", "_s)));
        return Usage;
    }
    const QString output = parser.value(u"output"_s);
    if (output.isEmpty()) {
        err(tr("pairlens chart: name the image to write with -o FILE.png or -o FILE.svg."));
        return Usage;
    }
    const QString suffix = QFileInfo(output).suffix().toLower();
    if (suffix != u"png"_s && suffix != u"svg"_s) {
        err(tr("pairlens chart: the output file must end in .png or .svg."));
        return Usage;
    }
    bool okW = false, okH = false;
    const int width = parser.value(u"width"_s).toInt(&okW);
    const int height = parser.value(u"height"_s).toInt(&okH);
    if (!okW || !okH || width < 100 || height < 100 || width > 10000 || height > 10000) {
        err(tr("pairlens chart: --width and --height take a number of pixels between 100 and 10000."));
        return Usage;
    }
    Filter filter;
    if (!filterFromOptions(parser, &filter))
        return Usage;
    if (Dataset::isDatasetFile(parser.positionalArguments().at(1), output)) {
        err(tr("pairlens chart: %1 is the dataset itself (or one of its files); choose another image file.")
                .arg(output));
        return Usage;
    }
    Statistics stats;
    if (!statisticsOrExplain(parser.positionalArguments().at(1), filter, &stats))
        return Failure;
    QString error;
    if (!ui::saveChart(*kind, stats, output, QSize(width, height), &error)) {
        err(error);
        return Failure;
    }
    return Ok;
}

} // namespace pairlens::cli
