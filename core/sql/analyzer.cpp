// Placeholder until the analyzer lands (being written now).
#include "sql/analyzer.h"
using namespace Qt::StringLiterals;
namespace pairlens::sql {
QString statementTypeName(StatementType) { return u"OTHER"_s; }
StatementType statementTypeFromName(QStringView) { return StatementType::Other; }
QStringList allStatementTypeNames() { return {}; }
Analysis analyze(QStringView) { return {}; }
}
