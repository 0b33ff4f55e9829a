// Which tables a statement reads or writes: a single pass over its significant tokens.

#include "sql/analyzer_p.h"

#include <array>

namespace pairlens::sql::detail {

namespace {

// A possibly schema-qualified name, as a view of the text when it has one plain part.
struct Name
{
    QStringView view;
    QString owned;
    bool owns = false;
    bool qualified = false;
    bool target = false; // UPDATE x / DELETE x: may be an alias of a table named in FROM

    QStringView text() const { return owns ? QStringView(owned) : view; }
};

void appendIdentifier(QStringView sql, const Sig &t, QString &out)
{
    const Token token{t.kind, t.start, t.length};
    out += t.kind == TokenKind::QuotedIdentifier ? unquote(sql, token) : token.text(sql).toString();
}

// The identifier without its quotes: a view when no escapes need removing.
QStringView plainIdentifier(QStringView sql, const Sig &t, bool &needsCopy)
{
    const QStringView text = sql.mid(t.start, t.length);
    needsCopy = false;
    if (t.kind != TokenKind::QuotedIdentifier)
        return text;
    const char16_t open = text[0].unicode();
    const char16_t close = open == u'[' ? u']' : open;
    if (text.size() < 2 || text.back().unicode() != close) {
        needsCopy = true;
        return {};
    }
    const QStringView inner = text.mid(1, text.size() - 2);
    if (inner.contains(QChar(close)))
        needsCopy = true;
    return inner;
}

bool sameName(QStringView a, QStringView b)
{
    return a.compare(b, Qt::CaseInsensitive) == 0;
}

enum class Expect
{
    None,
    From,
    Into,
    Target,
    Ddl
};

class Collector
{
public:
    Collector(QStringView sql, const SigList &sig, const Range &range)
        : m_sql(sql), m_sig(sig), m_begin(range.begin), m_end(range.end), m_head(range.head)
    {}

    void run(QStringList &tables)
    {
        if (m_head == Keyword::Grant || m_head == Keyword::Revoke || m_head == Keyword::Deny)
            return;
        Expect expect = Expect::None;
        for (qsizetype i = m_begin; i < m_end; ++i) {
            if (expect != Expect::None) {
                const Expect mode = expect;
                expect = Expect::None;
                i = readName(i, mode);
                continue;
            }
            expect = step(i);
        }
        flush(tables);
    }

private:
    struct Level
    {
        bool allowsFrom = false; // a SELECT, DELETE or UPDATE at this level
        bool fromList = false;   // inside a FROM list: ',' introduces another table
    };

    Level &level() { return m_levels[size_t(qMin(m_depth, int(m_levels.size()) - 1))]; }
    Keyword kw(qsizetype i) const { return i < m_end ? m_sig[i].keyword : Keyword::None; }
    Keyword prevKw(qsizetype i) const
    {
        return i > m_begin && m_sig[i - 1].kind == TokenKind::Word ? m_sig[i - 1].keyword : Keyword::None;
    }
    // UPDATE / DELETE as a statement (or CTE body), not ON DELETE, FOR UPDATE, DO UPDATE, ...
    bool isHeadPosition(qsizetype i) const
    {
        if (i == m_begin || m_sig[i - 1].punct == u'(' || m_sig[i - 1].punct == u')')
            return true;
        const Keyword pk = prevKw(i);
        return pk == Keyword::None && m_sig[i - 1].kind != TokenKind::Punctuation &&
               m_sig[i - 1].kind != TokenKind::Operator;
    }

    Expect step(qsizetype i)
    {
        const Sig &t = m_sig[i];
        if (t.punct == u'(') {
            ++m_depth;
            level() = Level{};
            return Expect::None;
        }
        if (t.punct == u')') {
            m_depth = qMax(0, m_depth - 1);
            return Expect::None;
        }
        if (t.punct == u',') {
            if (level().fromList)
                return Expect::From;
            if (m_ddlList && m_depth == 0)
                return Expect::Ddl;
            return Expect::None;
        }
        if (t.kind != TokenKind::Word)
            return Expect::None;
        const Keyword pk = prevKw(i);
        switch (t.keyword) {
        case Keyword::Select:
            level() = Level{true, false};
            return Expect::None;
        case Keyword::Delete:
            if (!isHeadPosition(i))
                return Expect::None;
            level().allowsFrom = true;
            return kw(i + 1) == Keyword::From ? Expect::None : Expect::Target;
        case Keyword::Update:
            if (!isHeadPosition(i))
                return Expect::None;
            level().allowsFrom = true;
            return Expect::Target;
        case Keyword::Insert:
        case Keyword::Merge:
            if (!isHeadPosition(i) || kw(i + 1) == Keyword::Into || kw(i + 1) == Keyword::Or)
                return Expect::None;
            return Expect::Into; // T-SQL INSERT t ..., MERGE t ...
        case Keyword::From:
            if (!level().allowsFrom || pk == Keyword::Distinct)
                return Expect::None;
            level().fromList = true;
            return Expect::From;
        case Keyword::Join:
        case Keyword::Apply:
            level().fromList = true;
            return Expect::From;
        case Keyword::Into:
            level().fromList = false;
            return Expect::Into;
        case Keyword::Using:
            if (m_depth != 0 || !(m_head == Keyword::Delete || m_head == Keyword::Merge))
                return Expect::None;
            level().fromList = m_head == Keyword::Delete;
            return Expect::From;
        case Keyword::Table:
            if (i == m_begin || pk == Keyword::Create || pk == Keyword::Temp || pk == Keyword::Temporary ||
                pk == Keyword::Unlogged || pk == Keyword::Replace || pk == Keyword::Alter ||
                pk == Keyword::Drop || pk == Keyword::Truncate) {
                m_ddlList = pk == Keyword::Drop || pk == Keyword::Truncate;
                return Expect::Ddl;
            }
            return Expect::None;
        case Keyword::View:
            if (pk == Keyword::Create || pk == Keyword::Replace || pk == Keyword::Materialized ||
                pk == Keyword::Temp || pk == Keyword::Temporary || pk == Keyword::Recursive ||
                pk == Keyword::Alter || pk == Keyword::Drop) {
                m_ddlList = pk == Keyword::Drop;
                return Expect::Ddl;
            }
            return Expect::None;
        case Keyword::Truncate:
            if (i != m_begin)
                return Expect::None;
            m_ddlList = true;
            return kw(i + 1) == Keyword::Table ? Expect::None : Expect::Ddl;
        case Keyword::On:
            if (m_depth == 0 && m_head == Keyword::Create && !m_onTaken) {
                const Keyword object = createObject();
                if (object == Keyword::Index || object == Keyword::Trigger || object == Keyword::Policy) {
                    m_onTaken = true;
                    return Expect::Ddl;
                }
            }
            return Expect::None;
        case Keyword::References:
            return Expect::Ddl;
        case Keyword::With:
            readCteNames(i);
            return Expect::None;
        case Keyword::Where:
        case Keyword::Group:
        case Keyword::Having:
        case Keyword::Order:
        case Keyword::Limit:
        case Keyword::Offset:
        case Keyword::Fetch:
        case Keyword::Union:
        case Keyword::Intersect:
        case Keyword::Except:
        case Keyword::Minus:
        case Keyword::Window:
        case Keyword::Qualify:
        case Keyword::Returning:
        case Keyword::When:
        case Keyword::Set:
        case Keyword::Values:
        case Keyword::For:
        case Keyword::Option:
            level().fromList = false;
            return Expect::None;
        default:
            return Expect::None;
        }
    }

    Keyword createObject() const
    {
        for (qsizetype j = m_begin + 1; j < m_end && j < m_begin + 6; ++j) {
            const Keyword k = m_sig[j].keyword;
            if (k == Keyword::Table || k == Keyword::View || k == Keyword::Index || k == Keyword::Trigger ||
                k == Keyword::Policy || k == Keyword::Function || k == Keyword::Procedure ||
                k == Keyword::Rule)
                return k;
        }
        return Keyword::None;
    }

    // `Users(NOLOCK)`: an old-style T-SQL table hint, not a function call.
    bool isTableHint(qsizetype open) const
    {
        if (open + 2 >= m_end || m_sig[open + 2].punct != u')' || m_sig[open + 1].kind != TokenKind::Word)
            return false;
        const QStringView word = m_sql.mid(m_sig[open + 1].start, m_sig[open + 1].length);
        for (const char *hint : {"nolock", "readuncommitted", "readpast", "updlock", "holdlock", "rowlock",
                                 "tablock", "tablockx", "paglock", "nowait", "serializable"})
            if (equalsLower(word, hint))
                return true;
        return false;
    }

    // Reads the table name expected at i. Returns the index of the last token consumed, so that
    // a token that is not a name (a subquery's '(', a keyword) is processed normally.
    qsizetype readName(qsizetype i, Expect mode)
    {
        qsizetype j = i;
        while (j < m_end && m_sig[j].kind == TokenKind::Word) {
            const Keyword k = m_sig[j].keyword;
            const bool skip =
                k == Keyword::Lateral || k == Keyword::Only ||
                (mode == Expect::Ddl && (k == Keyword::If || k == Keyword::Not || k == Keyword::Exists ||
                                         k == Keyword::Table || k == Keyword::Concurrently));
            if (!skip)
                break;
            ++j;
        }
        if (j >= m_end || !m_sig[j].isName())
            return j - 1;
        qsizetype last = j;
        for (;;) {
            qsizetype k = last + 1;
            if (k < m_end && m_sig[k].punct == u'.' && k + 1 < m_end && m_sig[k + 1].punct == u'.')
                ++k; // T-SQL db..table (default schema)
            if (!(k + 1 < m_end && m_sig[k].punct == u'.' &&
                  (m_sig[k + 1].kind == TokenKind::Word || m_sig[k + 1].kind == TokenKind::QuotedIdentifier)))
                break;
            last = k + 1;
        }
        if (mode == Expect::From && last + 1 < m_end && m_sig[last + 1].punct == u'(' &&
            !isTableHint(last + 1))
            return last; // a table-valued function: generate_series(...), unnest(...)
        addName(j, last, mode == Expect::Target);
        if (mode == Expect::From || mode == Expect::Target) {
            qsizetype a = last + 1;
            if (a < m_end && m_sig[a].is(Keyword::As))
                ++a;
            if (a < m_end && (m_sig[a].kind == TokenKind::QuotedIdentifier ||
                              (m_sig[a].kind == TokenKind::Word && m_sig[a].keyword == Keyword::None))) {
                bool copy = false;
                const QStringView alias = plainIdentifier(m_sql, m_sig[a], copy);
                if (!copy)
                    m_aliases.append(alias);
            }
        }
        return last;
    }

    void addName(qsizetype first, qsizetype last, bool target)
    {
        Name name;
        name.target = target;
        name.qualified = last > first;
        bool copy = false;
        if (!name.qualified)
            name.view = plainIdentifier(m_sql, m_sig[first], copy);
        if (name.qualified || copy) {
            name.owns = true;
            for (qsizetype p = first; p <= last; ++p) {
                if (m_sig[p].punct == u'.')
                    name.owned += u'.';
                else
                    appendIdentifier(m_sql, m_sig[p], name.owned);
            }
        }
        if (!name.text().isEmpty())
            m_names.append(std::move(name));
    }

    void readCteNames(qsizetype with)
    {
        if (!looksLikeCte(m_sig, with, m_end))
            return;
        qsizetype j = with + 1;
        if (j < m_end && m_sig[j].is(Keyword::Recursive))
            ++j;
        while (j < m_end &&
               (m_sig[j].kind == TokenKind::Word || m_sig[j].kind == TokenKind::QuotedIdentifier)) {
            bool copy = false;
            const QStringView name = plainIdentifier(m_sql, m_sig[j], copy);
            if (!copy)
                m_ctes.append(name);
            ++j;
            if (j < m_end && m_sig[j].punct == u'(')
                j = skipGroup(m_sig, j, m_end);
            if (j < m_end && m_sig[j].is(Keyword::As))
                ++j;
            while (j < m_end && (m_sig[j].is(Keyword::Not) || m_sig[j].is(Keyword::Materialized)))
                ++j;
            if (j < m_end && m_sig[j].punct == u'(')
                j = skipGroup(m_sig, j, m_end);
            if (j < m_end && m_sig[j].punct == u',')
                ++j;
            else
                break;
        }
    }

    bool excluded(const Name &name) const
    {
        if (name.qualified)
            return false;
        const QStringView text = name.text();
        for (QStringView cte : m_ctes)
            if (sameName(cte, text))
                return true;
        if (name.target) {
            for (QStringView alias : m_aliases)
                if (sameName(alias, text))
                    return true;
        }
        return false;
    }

    void flush(QStringList &tables) const
    {
        for (const Name &name : m_names) {
            if (excluded(name))
                continue;
            const QStringView text = name.text();
            bool seen = false;
            for (const QString &existing : std::as_const(tables)) {
                if (existing.size() == text.size() && sameName(existing, text)) {
                    seen = true;
                    break;
                }
            }
            if (!seen)
                tables.append(name.owns ? name.owned : text.toString());
        }
    }

    QStringView m_sql;
    const SigList &m_sig;
    qsizetype m_begin;
    qsizetype m_end;
    Keyword m_head;
    int m_depth = 0;
    std::array<Level, 64> m_levels{};
    bool m_ddlList = false;
    bool m_onTaken = false;
    QVarLengthArray<Name, 8> m_names;
    QVarLengthArray<QStringView, 8> m_ctes;
    QVarLengthArray<QStringView, 8> m_aliases;
};

} // namespace

void collectTables(QStringView sql, const SigList &sig, const Range &range, QStringList &tables)
{
    Collector(sql, sig, range).run(tables);
}

} // namespace pairlens::sql::detail
