#pragma once

class QTableView;

namespace pairlens::ui {

// The look shared by every table of pairs (the main table and the trash): whole-row selection of
// any ranges, no word wrap, PII badges, fixed row height.
void setUpPairTable(QTableView *view);
// Sizes the columns to the view's width: the short columns to their content's usual width, the
// question and SQL columns share the rest. Call when the view has its size.
void fitPairColumns(QTableView *view);

} // namespace pairlens::ui
