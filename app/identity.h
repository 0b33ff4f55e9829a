#pragma once

class QCoreApplication;

namespace pairlens::app {

// The organisation, name and version every PairLens process reports (settings paths, --version).
void setIdentity();
// The German (or other) translation of PairLens and of Qt's own strings, for the system locale.
void installTranslations(QCoreApplication &app);

} // namespace pairlens::app
