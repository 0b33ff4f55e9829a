// What the charts share with the views and commands that show them: the filter a click on a bar or
// slice stands for, the number formats of their labels, and saving a chart as PNG or SVG (the charts
// themselves are built in chartfactory.cpp).
#include "stats/chartfactory.h"

#include <QChart>
#include <QCoreApplication>
#include <QFileInfo>
#include <QGraphicsScene>
#include <QImage>
#include <QPainter>
#include <QSaveFile>
#include <QSvgGenerator>

#include <cmath>
#include <memory>

using namespace Qt::StringLiterals;

namespace pairlens::ui {
namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("ChartFactory", text);
}

} // namespace

QJsonObject clickRefinement(const QObject *item, int index)
{
    if (!item)
        return {};
    const QVariant v = item->property(kFilterProperty);
    if (index >= 0 && v.typeId() == QMetaType::QVariantList)
        return v.toList().value(index).toJsonObject();
    return v.toJsonObject();
}

QString clickToolTip(const QObject *item, int index)
{
    if (!item)
        return {};
    const QVariant v = item->property(kToolTipProperty);
    if (index >= 0 && v.typeId() == QMetaType::QStringList)
        return v.toStringList().value(index);
    return v.toString();
}

Filter refineFilter(const Filter &base, const QJsonObject &refinement)
{
    QJsonObject merged = base.toJson();
    for (auto it = refinement.constBegin(); it != refinement.constEnd(); ++it)
        merged.insert(it.key(), it.value());
    Filter f = Filter::fromJson(merged);
    // Keep what JSON can't carry exactly.
    if (!refinement.contains(u"from"_s))
        f.from = base.from;
    if (!refinement.contains(u"to"_s))
        f.to = base.to;
    f.rowIds = base.rowIds;
    f.restrictToRowIds = base.restrictToRowIds;
    return f;
}

QLocale countLocale()
{
    QLocale locale;
    if (locale.language() == QLocale::C)
        locale = QLocale(QLocale::English, QLocale::UnitedStates);
    locale.setNumberOptions(QLocale::DefaultNumberOptions);
    return locale;
}

QString formatCount(qint64 n)
{
    return countLocale().toString(n);
}

QString formatPercent(qint64 n, qint64 total)
{
    if (total <= 0)
        return u"–"_s;
    const double p = 100.0 * double(n) / double(total);
    // One decimal, more where one would round a share to 0 % or 100 % that is neither
    // (6 reviewed of 20,000: "0.03%" and "99.97%", not "0.0%" and "100.0%").
    int decimals = 1;
    const auto looksWhole = [&](int d) {
        const double scale = std::pow(10.0, d);
        const double r = std::round(p * scale) / scale;
        return (r <= 0 && n > 0) || (r >= 100 && n < total);
    };
    while (decimals < 4 && looksWhole(decimals))
        ++decimals;
    return countLocale().toString(p, 'f', decimals) + u'%';
}

bool saveChart(QChart *chart, const QString &path, QSize size, QString *error)
{
    if (size.width() < 100 || size.height() < 100) {
        *error = tr("The chart must be at least 100 × 100 pixels.");
        return false;
    }
    QGraphicsScene scene;
    scene.addItem(chart);
    chart->setGeometry(QRectF(QPointF(0, 0), QSizeF(size)));
    scene.setSceneRect(QRectF(QPointF(0, 0), QSizeF(size)));
    auto paint = [&](QPainter &painter) {
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setRenderHint(QPainter::TextAntialiasing);
        scene.render(&painter, QRectF(QPointF(0, 0), QSizeF(size)), scene.sceneRect());
        if (chart->property(kEmptyProperty).toBool()) {
            QFont f = painter.font();
            f.setPointSize(12);
            painter.setFont(f);
            painter.setPen(chart->titleBrush().color());
            painter.drawText(QRect(QPoint(0, 0), size), Qt::AlignCenter, tr("No pairs match the filter"));
        }
    };
    QSaveFile file(path);
    bool ok = file.open(QIODevice::WriteOnly);
    if (ok && QFileInfo(path).suffix().compare(u"svg"_s, Qt::CaseInsensitive) == 0) {
        QSvgGenerator svg;
        svg.setOutputDevice(&file);
        svg.setSize(size);
        svg.setViewBox(QRect(QPoint(0, 0), size));
        svg.setTitle(chart->title());
        svg.setDescription(tr("Created by PairLens"));
        QPainter painter;
        ok = painter.begin(&svg);
        if (ok) {
            paint(painter);
            ok = painter.end();
        }
    } else if (ok) {
        QImage image(size, QImage::Format_ARGB32_Premultiplied);
        image.fill(chart->backgroundBrush().color());
        QPainter painter(&image);
        paint(painter);
        painter.end();
        ok = image.save(&file, "PNG");
    }
    scene.removeItem(chart);
    if (ok)
        ok = file.commit();
    if (!ok) {
        const QString reason = file.errorString();
        *error = tr("Cannot write the chart to %1: %2.")
                     .arg(path, reason.isEmpty() ? tr("unknown error") : reason);
        return false;
    }
    return true;
}

bool saveChart(ChartKind kind, const Statistics &stats, const QString &path, QSize size, QString *error)
{
    std::unique_ptr<QChart> chart(createChart(kind, stats, ChartTheme::lightTheme()));
    return saveChart(chart.get(), path, size, error);
}

} // namespace pairlens::ui
