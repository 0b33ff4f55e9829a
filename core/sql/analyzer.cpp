#include "sql/analyzer.h"

#include "sql/analyzer_p.h"

using namespace Qt::StringLiterals;

namespace pairlens::sql {

namespace detail {

qsizetype skipGroup(const SigList &sig, qsizetype open, qsizetype end)
{
    int depth = 0;
    for (qsizetype i = open; i < end; ++i) {
        if (sig[i].punct == u'(') {
            ++depth;
        } else if (sig[i].punct == u')') {
            if (--depth == 0)
                return i + 1;
        }
    }
    return end;
}

bool looksLikeCte(const SigList &sig, qsizetype with, qsizetype end)
{
    qsizetype j = with + 1;
    if (j < end && sig[j].is(Keyword::Recursive))
        return true;
    if (j >= end || !(sig[j].kind == TokenKind::Word || sig[j].kind == TokenKind::QuotedIdentifier))
        return false;
    ++j;
    if (j < end && sig[j].punct == u'(')
        j = skipGroup(sig, j, end);
    return j + 1 < end && sig[j].is(Keyword::As) &&
           (sig[j + 1].punct == u'(' || sig[j + 1].is(Keyword::Not) || sig[j + 1].is(Keyword::Materialized));
}

} // namespace detail

namespace {

using detail::Range;
using detail::Sig;
using detail::SigList;

// Internal statement kinds beyond the public ones: T-SQL control flow (IF, WHILE, BEGIN ... END,
// GO, PRINT) forms no statement of its own.
constexpr int kControl = -1;

void lex(QStringView sql, SigList &sig)
{
    for (qsizetype i = 0; i < sql.size();) {
        const Token token = nextToken(sql, i);
        i += token.length;
        if (token.kind == TokenKind::Whitespace || token.kind == TokenKind::LineComment ||
            token.kind == TokenKind::BlockComment)
            continue;
        Sig s;
        s.start = token.start;
        s.length = token.length;
        s.kind = token.kind;
        if (token.kind == TokenKind::Word) {
            const KeywordInfo info = keywordInfo(token.text(sql));
            s.keyword = info.keyword;
            s.reserved = info.reserved;
        } else if (token.length == 1 && token.kind == TokenKind::Punctuation) {
            s.punct = sql[token.start].unicode();
        }
        sig.append(s);
    }
}

bool isOperandEnd(const Sig &t)
{
    switch (t.kind) {
    case TokenKind::Number:
    case TokenKind::String:
    case TokenKind::DollarString:
    case TokenKind::Parameter:
    case TokenKind::QuotedIdentifier:
        return true;
    case TokenKind::Punctuation:
        return t.punct == u')' || t.punct == u']';
    case TokenKind::Operator:
        return false;
    case TokenKind::Word:
        return t.keyword == Keyword::None;
    default:
        return false;
    }
}

bool isOneOf(Keyword k, std::initializer_list<Keyword> set)
{
    for (Keyword s : set)
        if (s == k)
            return true;
    return false;
}

// Splits the significant tokens into statements: at ';' and where a statement keyword cannot
// continue the current statement (T-SQL scripts and some PostgreSQL dumps omit semicolons).
class Splitter
{
public:
    Splitter(const SigList &sig, QVarLengthArray<Range, 8> &out) : m_sig(sig), m_out(out) {}

    void run()
    {
        const qsizetype n = m_sig.size();
        for (qsizetype i = 0; i < n; ++i) {
            const Sig &t = m_sig[i];
            if (t.punct == u';' && m_block == 0) {
                close(i, false);
                m_begin = i + 1;
                continue;
            }
            if (t.punct == u'(') {
                ++m_depth;
                continue;
            }
            if (t.punct == u')') {
                m_depth = qMax(0, m_depth - 1);
                continue;
            }
            if (t.kind != TokenKind::Word)
                continue;
            if (!m_headSet) {
                start(i);
                continue;
            }
            if (m_depth > 0)
                continue;
            if (m_block > 0) {
                if (t.keyword == Keyword::Begin || t.keyword == Keyword::Case)
                    ++m_block;
                else if (t.keyword == Keyword::End)
                    --m_block;
                continue;
            }
            if (t.keyword == Keyword::Case) {
                ++m_case;
                continue;
            }
            if (t.keyword == Keyword::End && m_case > 0) {
                --m_case;
                continue;
            }
            if ((t.keyword == Keyword::Else || t.keyword == Keyword::When || t.keyword == Keyword::Then) &&
                m_case > 0)
                continue;
            if (startsStatement(i)) {
                close(i, true);
                m_begin = i;
                start(i);
                continue;
            }
            advance(i);
        }
        close(n, false);
    }

private:
    Keyword kw(qsizetype i) const { return i < m_sig.size() ? m_sig[i].keyword : Keyword::None; }

    void close(qsizetype end, bool bySplit)
    {
        if (end > m_begin)
            m_out.append(Range{m_begin, end, m_head, bySplit});
        m_headSet = false;
        m_head = Keyword::None;
        m_depth = 0;
        m_case = 0;
        m_block = 0;
        m_withPending = false;
        m_bodySeen = false;
        m_object = Keyword::None;
    }

    void start(qsizetype i)
    {
        m_headSet = true;
        m_head = m_sig[i].keyword;
        m_withPending = m_head == Keyword::With;
        if (m_head == Keyword::Create) {
            for (qsizetype j = i + 1; j < m_sig.size() && j < i + 6; ++j) {
                const Keyword k = kw(j);
                if (isOneOf(k, {Keyword::Table, Keyword::View, Keyword::Index, Keyword::Trigger,
                                Keyword::Function, Keyword::Procedure, Keyword::Rule, Keyword::Policy})) {
                    m_object = k;
                    break;
                }
            }
        }
    }

    void advance(qsizetype i)
    {
        const Keyword k = m_sig[i].keyword;
        if (m_withPending && isOneOf(k, {Keyword::Select, Keyword::Insert, Keyword::Update, Keyword::Delete,
                                         Keyword::Merge, Keyword::Values, Keyword::Replace})) {
            // The main statement after the CTE list: from here on it decides what may follow.
            m_withPending = false;
            m_head = k;
            m_bodySeen = false;
            return;
        }
        if (isOneOf(k, {Keyword::Select, Keyword::Values, Keyword::Insert, Keyword::Update, Keyword::Delete,
                        Keyword::With}))
            m_bodySeen = true;
        if (k == Keyword::Begin && m_head == Keyword::Create)
            m_block = 1;
    }

    bool startsStatement(qsizetype i) const
    {
        const Sig &prev = m_sig[i - 1];
        if (prev.punct == u',')
            return false;
        const Keyword k = m_sig[i].keyword;
        const Keyword pk = prev.kind == TokenKind::Word ? prev.keyword : Keyword::None;
        const bool wantsBody = !m_bodySeen && isOneOf(m_head, {Keyword::Insert, Keyword::Replace,
                                                               Keyword::Explain, Keyword::Create});
        switch (k) {
        case Keyword::Select:
            if (isOneOf(pk, {Keyword::Union, Keyword::Intersect, Keyword::Except, Keyword::Minus,
                             Keyword::All, Keyword::Distinct, Keyword::As, Keyword::For, Keyword::Then,
                             Keyword::Instead, Keyword::Also, Keyword::Do}))
                return false;
            if (isOneOf(m_head, {Keyword::Grant, Keyword::Revoke, Keyword::Deny}))
                return false; // GRANT SELECT, INSERT ON t
            return !m_withPending && !wantsBody;
        case Keyword::Replace:
            if (kw(i + 1) != Keyword::Into)
                return false;
            [[fallthrough]];
        case Keyword::Insert:
        case Keyword::Update:
        case Keyword::Delete:
        case Keyword::Merge:
            if (isOneOf(pk, {Keyword::Then, Keyword::On, Keyword::Or, Keyword::Before, Keyword::After,
                             Keyword::Of, Keyword::Instead, Keyword::Also, Keyword::Do, Keyword::For,
                             Keyword::Key, Keyword::Grant, Keyword::Revoke, Keyword::Deny}))
                return false;
            if (isOneOf(m_head, {Keyword::Grant, Keyword::Revoke, Keyword::Deny}))
                return false;
            if (m_head == Keyword::Create &&
                isOneOf(m_object, {Keyword::Trigger, Keyword::Rule, Keyword::Policy}))
                return false;
            return !m_withPending && !(wantsBody && m_head == Keyword::Explain);
        case Keyword::Set:
            if (pk == Keyword::Update)
                return false;
            return !isOneOf(m_head, {Keyword::Update, Keyword::Alter, Keyword::Create, Keyword::Merge,
                                     Keyword::Insert, Keyword::Replace});
        case Keyword::With:
            if (!detail::looksLikeCte(m_sig, i, m_sig.size()) || pk == Keyword::As)
                return false;
            return !wantsBody;
        case Keyword::Create:
        case Keyword::Drop:
        case Keyword::Alter:
        case Keyword::Truncate:
            if (isOneOf(m_head, {Keyword::Grant, Keyword::Revoke, Keyword::Deny}))
                return false;
            if (k == Keyword::Drop && pk == Keyword::Commit)
                return false;
            if (k == Keyword::Truncate && isOneOf(pk, {Keyword::Before, Keyword::After, Keyword::Or}))
                return false;
            if ((k == Keyword::Alter || k == Keyword::Drop) && m_head == Keyword::Alter)
                return isOneOf(kw(i + 1), {Keyword::Table, Keyword::View, Keyword::Sequence, Keyword::Schema,
                                           Keyword::Database, Keyword::Function, Keyword::Procedure,
                                           Keyword::Type, Keyword::Trigger, Keyword::Materialized});
            return true;
        case Keyword::Declare:
            return true;
        case Keyword::Grant:
        case Keyword::Revoke:
        case Keyword::Deny:
            return pk != Keyword::With && isOperandEnd(prev);
        case Keyword::Commit:
        case Keyword::Rollback:
        case Keyword::Savepoint:
            return pk != Keyword::On && isOperandEnd(prev);
        case Keyword::Begin:
            if (m_head == Keyword::Create &&
                isOneOf(m_object, {Keyword::Trigger, Keyword::Procedure, Keyword::Function}))
                return false;
            return true;
        case Keyword::End:
        case Keyword::Else:
            return true; // not inside CASE: a T-SQL block ends
        case Keyword::If:
            if (kw(i + 1) == Keyword::Exists && !(i + 2 < m_sig.size() && m_sig[i + 2].punct == u'('))
                return false;
            if (kw(i + 1) == Keyword::Not && kw(i + 2) == Keyword::Exists &&
                !(i + 3 < m_sig.size() && m_sig[i + 3].punct == u'('))
                return false;
            return isOperandEnd(prev);
        case Keyword::Exec:
        case Keyword::Execute:
            if (m_head == Keyword::Create || m_head == Keyword::Insert)
                return false;
            return isOperandEnd(prev);
        case Keyword::While:
        case Keyword::Go:
        case Keyword::Print:
        case Keyword::Use:
        case Keyword::Pragma:
        case Keyword::Vacuum:
        case Keyword::Analyze:
        case Keyword::Call:
        case Keyword::Show:
        case Keyword::Explain:
            return isOperandEnd(prev);
        default:
            return false;
        }
    }

    const SigList &m_sig;
    QVarLengthArray<Range, 8> &m_out;
    qsizetype m_begin = 0;
    bool m_headSet = false;
    Keyword m_head = Keyword::None;
    Keyword m_object = Keyword::None;
    int m_depth = 0;
    int m_case = 0;
    int m_block = 0;
    bool m_withPending = false;
    bool m_bodySeen = false;
};

bool isDataChanging(StatementType t)
{
    switch (t) {
    case StatementType::Insert:
    case StatementType::Update:
    case StatementType::Delete:
    case StatementType::Merge:
    case StatementType::Upsert:
    case StatementType::Create:
    case StatementType::Alter:
    case StatementType::Drop:
    case StatementType::Truncate:
        return true;
    default:
        return false;
    }
}

StatementType dmlType(Keyword k)
{
    switch (k) {
    case Keyword::Insert:
        return StatementType::Insert;
    case Keyword::Update:
        return StatementType::Update;
    case Keyword::Delete:
        return StatementType::Delete;
    case Keyword::Merge:
        return StatementType::Merge;
    case Keyword::Replace:
        return StatementType::Upsert;
    default:
        return StatementType::Select;
    }
}

// The type of one statement, or kControl. `openBlocks` counts T-SQL BEGIN blocks across statements.
int statementType(const SigList &sig, const Range &r, int &openBlocks)
{
    qsizetype first = r.begin;
    while (first < r.end && sig[first].punct == u'(')
        ++first;
    if (first >= r.end || sig[first].kind != TokenKind::Word)
        return int(StatementType::Other);
    const bool leadingParen = first > r.begin;
    auto kwAt = [&](qsizetype i) { return i < r.end ? sig[i].keyword : Keyword::None; };
    const Keyword next = kwAt(first + 1);
    const bool alone = first + 1 == r.end;
    switch (sig[first].keyword) {
    case Keyword::Select:
    case Keyword::Values:
    case Keyword::Table:
        return int(StatementType::Select);
    case Keyword::With: {
        // The main statement follows the CTE list at depth 0; a data-changing CTE body wins.
        int depth = leadingParen ? int(first - r.begin) : 0;
        StatementType main = StatementType::Select;
        bool mainFound = false;
        for (qsizetype i = first + 1; i < r.end; ++i) {
            const Sig &t = sig[i];
            if (t.punct == u'(') {
                ++depth;
                const Keyword k = kwAt(i + 1);
                if (isOneOf(k, {Keyword::Insert, Keyword::Update, Keyword::Delete, Keyword::Merge}))
                    return int(dmlType(k));
            } else if (t.punct == u')') {
                --depth;
            } else if (!mainFound && depth == int(leadingParen ? first - r.begin : 0) &&
                       isOneOf(t.keyword, {Keyword::Select, Keyword::Values, Keyword::Insert, Keyword::Update,
                                           Keyword::Delete, Keyword::Merge, Keyword::Replace})) {
                main = dmlType(t.keyword);
                mainFound = true;
            }
        }
        return int(main);
    }
    case Keyword::Insert:
        return int(next == Keyword::Or && kwAt(first + 2) == Keyword::Replace ? StatementType::Upsert
                                                                              : StatementType::Insert);
    case Keyword::Replace:
    case Keyword::Upsert:
        return int(StatementType::Upsert);
    case Keyword::Update:
        return int(StatementType::Update);
    case Keyword::Delete:
        return int(StatementType::Delete);
    case Keyword::Merge:
        return int(StatementType::Merge);
    case Keyword::Create:
        return int(StatementType::Create);
    case Keyword::Alter:
        return int(StatementType::Alter);
    case Keyword::Drop:
        return int(StatementType::Drop);
    case Keyword::Truncate:
        return int(StatementType::Truncate);
    case Keyword::Grant:
    case Keyword::Revoke:
    case Keyword::Deny:
        return int(StatementType::Grant);
    case Keyword::Begin:
        if (isOneOf(next, {Keyword::Transaction, Keyword::Tran, Keyword::Work, Keyword::Deferred,
                           Keyword::Immediate, Keyword::Exclusive, Keyword::Isolation}) ||
            (alone && !r.endedBySplit))
            return int(StatementType::Transaction);
        ++openBlocks;
        return kControl;
    case Keyword::End:
        if (openBlocks > 0 || next == Keyword::Try || next == Keyword::Catch) {
            openBlocks = qMax(0, openBlocks - 1);
            return kControl;
        }
        return int(StatementType::Transaction);
    case Keyword::Start:
        return int(next == Keyword::Transaction ? StatementType::Transaction : StatementType::Other);
    case Keyword::Commit:
    case Keyword::Rollback:
    case Keyword::Savepoint:
    case Keyword::Release:
    case Keyword::Abort:
        return int(StatementType::Transaction);
    case Keyword::Declare:
    case Keyword::Set:
        return int(StatementType::Declare);
    case Keyword::Explain:
        return int(StatementType::Explain);
    case Keyword::If:
    case Keyword::While:
    case Keyword::Else:
    case Keyword::Go:
    case Keyword::Print:
    case Keyword::Return:
    case Keyword::Break:
    case Keyword::Continue:
        return kControl;
    default:
        return int(StatementType::Other);
    }
}

struct NameEntry
{
    StatementType type;
    const char16_t *name;
};

constexpr NameEntry kNames[] = {
    {StatementType::Select, u"SELECT"},   {StatementType::Insert, u"INSERT"},
    {StatementType::Update, u"UPDATE"},   {StatementType::Delete, u"DELETE"},
    {StatementType::Merge, u"MERGE"},     {StatementType::Upsert, u"UPSERT"},
    {StatementType::Create, u"CREATE"},   {StatementType::Alter, u"ALTER"},
    {StatementType::Drop, u"DROP"},       {StatementType::Truncate, u"TRUNCATE"},
    {StatementType::Grant, u"GRANT"},     {StatementType::Transaction, u"TRANSACTION"},
    {StatementType::Declare, u"DECLARE"}, {StatementType::Explain, u"EXPLAIN"},
    {StatementType::Other, u"OTHER"},     {StatementType::Multiple, u"MULTIPLE"},
};

} // namespace

QString statementTypeName(StatementType type)
{
    for (const NameEntry &e : kNames)
        if (e.type == type)
            return QString::fromUtf16(e.name);
    return QString();
}

StatementType statementTypeFromName(QStringView name)
{
    const QStringView trimmed = name.trimmed();
    if (trimmed.isEmpty())
        return StatementType::None;
    for (const NameEntry &e : kNames)
        if (trimmed.compare(QStringView(e.name), Qt::CaseInsensitive) == 0)
            return e.type;
    return StatementType::Other;
}

QStringList allStatementTypeNames()
{
    QStringList names;
    names.reserve(qsizetype(std::size(kNames)));
    for (const NameEntry &e : kNames)
        names.append(QString::fromUtf16(e.name));
    return names;
}

Analysis analyze(QStringView sql)
{
    Analysis result;
    SigList sig;
    lex(sql, sig);
    if (sig.isEmpty())
        return result;

    QVarLengthArray<Range, 8> ranges;
    Splitter(sig, ranges).run();

    int openBlocks = 0;
    int controls = 0;
    StatementType firstChanging = StatementType::None;
    StatementType common = StatementType::None;     // over all counted statements
    StatementType commonMain = StatementType::None; // without transaction control and DECLARE/SET
    bool mixed = false;
    bool mixedMain = false;
    for (const Range &r : ranges) {
        detail::collectTables(sql, sig, r, result.tables);
        const int t = statementType(sig, r, openBlocks);
        if (t == kControl) {
            ++controls;
            continue;
        }
        const auto type = StatementType(t);
        ++result.statementCount;
        if (isDataChanging(type) && firstChanging == StatementType::None)
            firstChanging = type;
        if (common == StatementType::None)
            common = type;
        else if (common != type)
            mixed = true;
        if (type != StatementType::Transaction && type != StatementType::Declare) {
            if (commonMain == StatementType::None)
                commonMain = type;
            else if (commonMain != type)
                mixedMain = true;
        }
    }

    if (result.statementCount == 0) {
        // Only control flow (IF ... PRINT): SQL, but none of the kinds above.
        result.statementCount = controls;
        result.type = controls > 0 ? StatementType::Other : StatementType::None;
    } else if (firstChanging != StatementType::None) {
        result.type = firstChanging;
    } else if (commonMain != StatementType::None) {
        result.type = mixedMain ? StatementType::Multiple : commonMain;
    } else {
        result.type = mixed ? StatementType::Multiple : common;
    }
    return result;
}

} // namespace pairlens::sql
