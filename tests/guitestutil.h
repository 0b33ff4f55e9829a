#pragma once

// Helpers shared by the GUI tests: isolated settings and paths, and datasets of demo pairs.
#include "dataset/dataset.h"
#include "dataset/demogenerator.h"
#include "dataset/pairstore.h"
#include "testutil.h"

#include <QCoreApplication>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

namespace pairlens::test {

// Test-mode standard paths and a settings folder inside `dir`, so no test reads or changes a
// user's configuration.
inline void isolateSettings(const QTemporaryDir &dir)
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("PairLensTest"));
    QCoreApplication::setApplicationName(QStringLiteral("PairLensTest"));
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, dir.filePath(QStringLiteral("settings")));
    QSettings().clear();
}

} // namespace pairlens::test
