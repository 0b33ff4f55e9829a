#include "export/targetcheck.h"

#include "export/outputfile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace pairlens::exporting {

// The manifest at `path` when PairLens wrote it for `format`; nullopt for anything else. Only a
// regular file of manifest size is opened.
std::optional<QJsonObject> pairLensManifest(const QString &path, Format format)
{
    const QFileInfo info(path);
    if (!info.isFile() || info.size() > (qint64(16) << 20))
        return std::nullopt;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    const QJsonObject m = doc.object();
    if (m.value(u"engine"_s).toString() != u"PairLens"_s || m.value(u"manifest_version"_s).toInt() != 1 ||
        m.value(u"format"_s).toString() != formatName(format))
        return std::nullopt;
    return m;
}

// True when the manifest lists the file at `path` by name with its current size and SHA-256: the
// file is an earlier export, unchanged since. The file is hashed only when its size matches.
bool listsUnchanged(const QJsonObject &manifest, const QString &path)
{
    const QFileInfo info(path);
    for (const QJsonValue &v : manifest.value(u"files"_s).toArray()) {
        const QJsonObject f = v.toObject();
        if (f.value(u"name"_s).toString() != info.fileName())
            continue;
        const QByteArray sha = f.value(u"sha256"_s).toString().toLatin1();
        return f.value(u"bytes"_s).toInteger(-1) == info.size() && !sha.isEmpty() &&
               sha256OfFile(path) == sha;
    }
    return false;
}

// The files an export writes: the data files and (unless it is left out) the manifest.
QStringList writtenPaths(const ExportOptions &o)
{
    if (o.toStdout())
        return {};
    QStringList paths = o.outputPaths();
    if (o.writeManifest)
        paths << o.manifestPath();
    return paths;
}

// Applies the rule of Exporter::filesNeedingConfirmation() to every path the export writes. Paths
// for which `isDatasetFile` is true are skipped without being opened; with `o.overwrite` no file is
// read (a regular file is replaced whatever it holds, so an earlier export is not hashed).
TargetCheck checkTargets(const ExportOptions &o, const std::function<bool(const QString &)> &isDatasetFile)
{
    TargetCheck check;
    const QString manifestPath = o.manifestPath();
    std::optional<std::optional<QJsonObject>> manifest; // read once, when first needed
    auto previous = [&]() -> const std::optional<QJsonObject> & {
        if (!manifest)
            manifest = isDatasetFile(manifestPath) ? std::nullopt : pairLensManifest(manifestPath, o.format);
        return *manifest;
    };
    for (const QString &path : writtenPaths(o)) {
        if (isDatasetFile(path))
            continue;
        const QFileInfo info(path);
        if (!info.exists()) {
            if (info.isSymLink()) // a dangling link: writing would create the file it points to
                check.notAnExport << path;
            continue;
        }
        if (!info.isFile()) {
            if (check.notRegular.isEmpty())
                check.notRegular = path;
            continue;
        }
        if (o.overwrite)
            continue; // replaced without asking (--force): no need to recognise it by its hash
        const std::optional<QJsonObject> &m = previous();
        const bool earlier = m && (path == manifestPath || listsUnchanged(*m, path));
        if (!earlier)
            check.notAnExport << path;
    }
    return check;
}

PathState stateOf(const QString &path)
{
    const QFileInfo info(path);
    if (!info.exists() && !info.isSymLink())
        return {};
    return {true, info.size(), info.lastModified()};
}

QString nativeList(const QStringList &paths)
{
    QStringList out;
    for (const QString &p : paths)
        out << QDir::toNativeSeparators(p);
    return out.join(u", "_s);
}

} // namespace pairlens::exporting
