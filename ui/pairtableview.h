#pragma once

#include <QChar>
#include <QList>
#include <QString>

class QAction;
class QTableView;

namespace pairlens::ui {

// The look and behaviour shared by every table of pairs (the main table and the trash): whole-row
// selection of any ranges, no word wrap, PII badges, fixed row height; and, when the view's model
// is a PairTableModel, Ctrl+C copying the selected rows as TSV and "Copy as CSV" (in the view's
// context menu), a column chooser on the header's context menu (hidden columns are part of the
// header's saved state), and a selection that survives a new sort order: the selected pairs are
// selected again wherever they land, as their rows load. Call after setModel().
void setUpPairTable(QTableView *view);
// Sizes the columns to the view's width: the short columns to their content's usual width, the
// question and SQL columns share the rest, keeping room for the vertical scroll bar so the last
// column is never under it. Call when the view has its size.
void fitPairColumns(QTableView *view);

// The copy actions setUpPairTable() gave `view` ("Copy" with Ctrl+C as TSV, "Copy as CSV"), e.g.
// for an Edit menu. Empty when it gave none.
QList<QAction *> pairTableCopyActions(QTableView *view);

// The selected rows' visible columns, in the order shown, with a header line: fields separated by
// `separator` (a tab or a comma), quoted as in RFC 4180 when they hold the separator, a quote or a
// line break; question and SQL in full (anonymized in preview mode). Rows not loaded yet are left
// out and counted in *missing.
QString selectedRowsText(QTableView *view, QChar separator, qint64 *missing = nullptr);

} // namespace pairlens::ui
