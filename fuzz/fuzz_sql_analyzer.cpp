// Fuzz target "sql_analyzer": any text through sql::analyze() (core/sql/analyzer.h). Checks what
// analyzer.h promises: a statement type whose name reads back, no table listed twice
// (case-insensitive), no empty table name, no table for SQL without a statement, and a statement
// count that is never negative. Input: the text as bytes; invalid UTF-8 is also read with lone
// surrogates (fuzzcommon.h).
#include "fuzzcommon.h"

#include "sql/analyzer.h"

using namespace pairlens;
using namespace pairlens::sql;

namespace {

void checkText(const QString &sql)
{
    const Analysis a = analyze(sql);
    const QString where = u" for " + fuzz::show(sql, 400);
    FUZZ_CHECK(a.statementCount >= 0, QStringLiteral("%1 statements").arg(a.statementCount) + where);
    FUZZ_CHECK(a.type != StatementType::None || a.tables.isEmpty(),
               u"no statement, but tables " + a.tables.join(u',') + where);
    if (a.type != StatementType::None) {
        const QString name = statementTypeName(a.type);
        FUZZ_CHECK(!name.isEmpty() && statementTypeFromName(name) == a.type, u"type name " + name + where);
    }
    for (qsizetype i = 0; i < a.tables.size() && i < 64; ++i) {
        FUZZ_CHECK(!a.tables[i].isEmpty(), u"an empty table name" + where);
        for (qsizetype j = 0; j < i; ++j)
            FUZZ_CHECK(a.tables[i].compare(a.tables[j], Qt::CaseInsensitive) != 0,
                       u"table " + fuzz::show(a.tables[i]) + u" listed twice" + where);
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::forEachDecoding(data, size, checkText);
    statementTypeFromName(fuzz::decodeUtf8(data, size < 32 ? size : 32));
    return 0;
}
