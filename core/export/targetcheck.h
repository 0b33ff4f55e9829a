#pragma once

// Internal to the export engine: which existing files an export may replace (see
// Exporter::filesNeedingConfirmation() and docs/export-formats.md, "Replacing files"), and what is
// at a path, to notice a change while an export runs.

#include "export/exportoptions.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace pairlens::exporting {

// The manifest at `path` when PairLens wrote it for `format`; nullopt for anything else. Only a
// regular file of manifest size is opened.
std::optional<QJsonObject> pairLensManifest(const QString &path, Format format);

// True when the manifest lists the file at `path` by name with its current size and SHA-256.
bool listsUnchanged(const QJsonObject &manifest, const QString &path);

struct TargetCheck
{
    QStringList notAnExport; // existing files that are not an unchanged earlier export
    QString notRegular;      // the first existing path that is not a regular file
};

// The files an export writes: the data files and (unless it is left out) the manifest.
QStringList writtenPaths(const ExportOptions &o);

// Applies the rule of Exporter::filesNeedingConfirmation() to every path the export writes. Paths
// for which `isDatasetFile` is true are skipped without being opened.
TargetCheck checkTargets(const ExportOptions &o, const std::function<bool(const QString &)> &isDatasetFile);

// What is at a path, to see whether it changed while the export ran.
struct PathState
{
    bool exists = false;
    qint64 size = -1;
    QDateTime modified;
    bool operator==(const PathState &) const = default;
};
PathState stateOf(const QString &path);

QString nativeList(const QStringList &paths);

} // namespace pairlens::exporting
