// Placeholder until the tokenizer lands (being written now).
#include "sql/tokenizer.h"
namespace pairlens::sql {
QList<Token> tokenize(QStringView sql) { return {Token{TokenKind::Unknown, 0, sql.size()}}; }
QString unquote(QStringView source, const Token &token) { return token.text(source).toString(); }
}
