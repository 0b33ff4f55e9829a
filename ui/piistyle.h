#pragma once

#include "dataset/pair.h"
#include "privacy/piikind.h"

#include <QColor>
#include <QString>

namespace pairlens::ui {

// One colour and one short translated label per PII kind, shared by the table's badges, the detail
// pane's highlights, its legend and the filter panel, so a kind looks the same everywhere.
QColor piiColor(PiiKind kind);
QString piiLabel(PiiKind kind);       // "E-mail", "Phone", ...
QString piiDescription(PiiKind kind); // for tooltips
QString reviewStatusLabel(ReviewStatus status);
QColor reviewStatusColor(ReviewStatus status);

} // namespace pairlens::ui
