// The invariants of anonymized SQL, as properties over every SQL text of tests/data (and of
// ../shared/data when it is there, as an extra), the PII cases placed into literals and comments,
// and generated hostile SQL:
//   1. tokens: the output, read with the same dialect, has exactly the input's token kinds, in the
//      same order; every token that is not a literal or comment is unchanged, and a literal or
//      comment keeps its delimiters (prefix, quotes, "--", "/*", "*/", "$tag$"): only contents change;
//   2. replacements: no replacement holds what would end the literal or comment it is in (checked
//      by reading every changed literal back: its content ends where it did);
//   3. spans: findings are ordered, their originals and replacements are the input's and output's
//      text at their offsets;
//   4. the fast paths change nothing (generated SQL only; tst_anonymizerfastpath does the data);
//   5. nothing leaked: every value the generator placed in a literal or comment, however it was
//      written (escapes, other digits, separators, split over concatenated literals), is gone from
//      what the database would read.
#include "privacy/anonymizer.h"
#include "privacy/fold.h"
#include "sql/tokenizer.h"
#include "testutil.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pairlens;
using namespace pairlens::privacy;
using sql::Dialect;

namespace {

bool isContentToken(sql::TokenKind k)
{
    return k == sql::TokenKind::String || k == sql::TokenKind::DollarString ||
           k == sql::TokenKind::LineComment || k == sql::TokenKind::BlockComment;
}

// Empty when `out` is a faithful anonymization of `in` (invariants 1-3), else what is wrong.
QString violation(const QString &in, const AnonymizedText &out, Dialect dialect)
{
    const QList<sql::Token> a = sql::tokenize(in, dialect), b = sql::tokenize(out.text, dialect);
    if (a.size() != b.size())
        return u"%1 tokens became %2"_s.arg(a.size()).arg(b.size());
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (a[i].kind != b[i].kind)
            return u"token %1 changed kind: %2 -> %3"_s.arg(i).arg(a[i].text(in), b[i].text(out.text));
        if (!isContentToken(a[i].kind)) {
            if (a[i].text(in) != b[i].text(out.text))
                return u"token %1 changed: %2 -> %3"_s.arg(i).arg(a[i].text(in), b[i].text(out.text));
            continue;
        }
        const sql::DecodedContent x = sql::decodeContent(in, a[i], dialect);
        const sql::DecodedContent y = sql::decodeContent(out.text, b[i], dialect);
        if (x.form != y.form)
            return u"token %1 changed form: %2 -> %3"_s.arg(i).arg(a[i].text(in), b[i].text(out.text));
        if (x.form == sql::ContentForm::None)
            continue;
        const QStringView prefixA = QStringView(in).mid(a[i].start, x.contentStart - a[i].start);
        const QStringView prefixB = QStringView(out.text).mid(b[i].start, y.contentStart - b[i].start);
        const QStringView suffixA =
            QStringView(in).mid(x.contentEnd, a[i].start + a[i].length - x.contentEnd);
        const QStringView suffixB =
            QStringView(out.text).mid(y.contentEnd, b[i].start + b[i].length - y.contentEnd);
        if (prefixA != prefixB || suffixA != suffixB)
            return u"token %1 lost its delimiters: %2 -> %3"_s.arg(i).arg(a[i].text(in), b[i].text(out.text));
    }
    qsizetype lastEnd = 0, lastOut = 0;
    for (const Finding &f : out.findings) {
        if (f.start < lastEnd || f.end <= f.start || f.replacementStart < lastOut)
            return u"findings out of order at %1"_s.arg(f.start);
        if (in.mid(f.start, f.end - f.start) != f.original)
            return u"original \"%1\" is not the input at %2"_s.arg(f.original).arg(f.start);
        if (out.text.mid(f.replacementStart, f.replacementEnd - f.replacementStart) != f.replacement)
            return u"replacement \"%1\" is not the output at %2"_s.arg(f.replacement).arg(f.replacementStart);
        lastEnd = f.end;
        lastOut = f.replacementEnd;
    }
    if (out.findings.isEmpty() && out.text != in)
        return u"changed without a finding"_s;
    return {};
}

QList<Config> configs()
{
    QList<Config> out;
    for (Operator op :
         {Operator::Mask, Operator::Pseudonym, Operator::Redact, Operator::Hash, Operator::Surrogate}) {
        Config c;
        c.key = "invariants";
        for (PiiKind kind : allPiiKinds())
            c.operators.insert(kind, op);
        out.append(c);
    }
    // Custom patterns whose matches hold quotes, backslashes, comment and dollar delimiters, and
    // whose names (in pseudonyms and redactions) hold more of them.
    Config custom = out.first();
    custom.customPatterns = {{u"quote's */ $$ \n--"_s, u"[A-Za-z]+'[A-Za-z]+"_s, Operator::Mask},
                             {u"bs\\"_s, u"x\\\\y"_s, Operator::Pseudonym},
                             {u"star"_s, u"\\*[a-z]+"_s, Operator::Redact},
                             {u"dollar"_s, u"\\$[a-z]+"_s, Operator::Mask},
                             {u"keep"_s, u"KEEP\\d+"_s, Operator::Keep}};
    out.append(custom);
    return out;
}

// The dialect a data set's SQL is written in.
Dialect dialectOf(const QString &file)
{
    if (file.startsWith(u"sede"))
        return Dialect::TSql;
    if (file.startsWith(u"bird_critic") || file.startsWith(u"pg_"))
        return Dialect::PostgreSQL;
    if (file.startsWith(u"text2sql"))
        return Dialect::MySQL;
    return Dialect::SQLite;
}

struct Corpus
{
    QList<std::pair<QString, Dialect>> sql;
    QStringList texts; // PII case texts
};

// Every JSONL file of the folder: its "sql" and "text" values. The PII cases must be there.
bool loadFolder(const QString &folder, Corpus &c, QString *error)
{
    const QStringList files = QDir(folder).entryList({u"*.jsonl"_s}, QDir::Files, QDir::Name);
    if (!files.contains(u"pii_cases.jsonl"_s)) {
        *error = u"pii_cases.jsonl"_s;
        return false;
    }
    for (const QString &name : files) {
        QFile file(QDir(folder).filePath(name));
        if (!file.open(QIODevice::ReadOnly)) {
            *error = name;
            return false;
        }
        while (!file.atEnd()) {
            const QJsonObject o = QJsonDocument::fromJson(file.readLine()).object();
            if (o.value(u"sql"_s).isString())
                c.sql.append({o.value(u"sql"_s).toString(), dialectOf(name)});
            if (o.value(u"text"_s).isString())
                c.texts.append(o.value(u"text"_s).toString());
        }
    }
    return true;
}

// ---- the generator of hostile SQL

struct Secret
{
    QString canonical; // what must not be readable afterwards (lower-case; digits only for numbers)
    bool digits = false;
};

const Secret kSecrets[] = {
    {u"ed@corp.com"_s},           {u"alice.smith@corp.com"_s}, {u"walter@bücher.de"_s},
    {u"иван@почта.рф"_s},         {u"jordi@ajuntament.bcn"_s}, {u"eve@files.zip"_s},
    {u"\"john doe\"@corp.com"_s}, {u"5551234567"_s, true},     {u"4111111111111111"_s, true},
    {u"123456789"_s, true},       {u"10.20.30.40"_s},          {u"gb29nwbk60161331926819"_s},
};

class Generator
{
public:
    Generator(quint64 seed, Dialect dialect) : m_rng(seed), m_dialect(dialect) {}

    QString sql;
    QList<int> placed; // indices into kSecrets of the values placed in literals and comments

    void generate()
    {
        sql.clear();
        placed.clear();
        const int parts = 1 + int(m_rng.bounded(8));
        for (int i = 0; i < parts; ++i) {
            sql += code();
            switch (m_rng.bounded(10)) {
            case 0:
            case 1:
                sql += lineComment();
                break;
            case 2:
                sql += blockComment();
                break;
            case 3:
                sql += concatenation();
                break;
            default:
                sql += stringLiteral();
                break;
            }
        }
        sql += code();
    }

private:
    bool pg() const { return m_dialect == Dialect::PostgreSQL || m_dialect == Dialect::Generic; }
    bool backslash() const
    {
        return m_dialect == Dialect::MySQL || m_dialect == Dialect::BigQuery ||
               m_dialect == Dialect::Snowflake;
    }
    bool pick(int percent) { return int(m_rng.bounded(100)) < percent; }

    QString code()
    {
        static const QStringList words = {
            u" SELECT "_s,      u" FROM t "_s, u" WHERE x = "_s, u" 1 "_s, u" || "_s,
            u" + "_s,           u", "_s,       u" ("_s,          u") "_s,  u"\n"_s,
            u" AND "_s,         u" - "_s,      u" / "_s,         u" * "_s, u" 4111111111111111 "_s,
            u" 555-123-4567 "_s};
        QString out;
        for (int k = int(m_rng.bounded(3)); k >= 0; --k)
            out += words[m_rng.bounded(words.size())];
        return out;
    }

    // A value, written in one of the ways it can hide; `form` says what must stay escaped.
    QString value(sql::ContentForm form, char16_t quote)
    {
        const int index = int(m_rng.bounded(int(std::size(kSecrets))));
        if (kSecrets[index].canonical.contains(u'"') && (quote == u'"' || form == sql::ContentForm::Raw))
            return value(form, quote);
        placed.append(index);
        QString v;
        switch (index) {
        case 7:
            v = QStringList{u"555-123-4567"_s, u"(555) 123-4567"_s, u"555.123.4567"_s,
                            u"555 123-4567"_s}[m_rng.bounded(4)];
            break;
        case 8:
            v = QStringList{u"4111 1111 1111 1111"_s, u"4111-1111-1111-1111"_s, u"4111  1111  1111  1111"_s,
                            u"4111.1111.1111.1111"_s, u"4111111111111111"_s}[m_rng.bounded(5)];
            break;
        case 9:
            v = u"123-45-6789"_s;
            break;
        case 11:
            v = u"GB29 NWBK 6016 1331 9268 19"_s;
            break;
        default:
            v = kSecrets[index].canonical;
            break;
        }
        // Other digits and separators (folded for detection).
        if (kSecrets[index].digits && pick(30)) {
            const char16_t zero =
                QList<char16_t>{u'\u0660', u'\uFF10', u'\u0966', u'\u06F0'}[m_rng.bounded(4)];
            for (QChar &c : v) {
                if (c.isDigit())
                    c = QChar(char16_t(zero + (c.unicode() - u'0')));
            }
        }
        if (kSecrets[index].digits && pick(20))
            v.replace(u' ', QList<QChar>{QChar(0x00A0), QChar(0x202F), QChar(0x2007)}[m_rng.bounded(3)]);
        if (kSecrets[index].digits && pick(15))
            v.replace(u'-', QList<QChar>{QChar(0x2013), QChar(0x2212), QChar(0x2011)}[m_rng.bounded(3)]);
        if (v.contains(u'@') && !v.startsWith(u'"')) {
            if (pick(10))
                v.replace(u'@', u"%40"_s);
            else if (pick(10))
                v.replace(u'@', QChar(0xFF20));
        }
        return v;
    }

    // Text around values: never a letter or digit glued to one.
    QString filler()
    {
        static const QStringList parts = {u" "_s,      u"  "_s,     u" note: "_s, u" (x) "_s,  u"; "_s,
                                          u"! "_s,     u" -- "_s,   u" /* "_s,    u" */ "_s,   u"\t"_s,
                                          u" $$ "_s,   u" $a$ "_s,  u" # "_s,     u" // "_s,   u" KEEP12 "_s,
                                          u" it's "_s, u" x\\y "_s, u" *abc "_s,  u" $abc "_s, u"'"_s,
                                          u"\""_s,     u"\\"_s,     u"\n"_s};
        return parts[m_rng.bounded(parts.size())];
    }

    // Content for a literal of `form`: fillers and values, written with the literal's escapes.
    QString content(sql::ContentForm form, char16_t quote, bool allowValue = true,
                    bool startsAfterValue = false)
    {
        QString out;
        bool lastValue = startsAfterValue;
        for (int k = int(m_rng.bounded(4)); k >= 0; --k) {
            const bool isValue = allowValue && pick(45);
            QString piece = isValue ? value(form, quote) : filler();
            if (lastValue || (isValue && !out.isEmpty()))
                piece.prepend(u' '); // values stand alone: nothing glued to them
            lastValue = isValue;
            sql::DecodedContent c;
            c.form = form;
            c.quote = quote;
            piece = sql::encodeContent(c, piece);
            if (form == sql::ContentForm::Backslash && pick(20))
                piece.replace(u'@', u"\\x40"_s); // E'' and BigQuery hex escapes
            else if (form == sql::ContentForm::UnicodeEscape && pick(30))
                piece.replace(u'@', u"\\0040"_s);
            out += piece;
        }
        return out;
    }

    QString stringLiteral()
    {
        const int kind = int(m_rng.bounded(10));
        if (kind == 0 && pg())
            return u"E'"_s + content(sql::ContentForm::Backslash, u'\'') + u'\'';
        if (kind == 1 && pg())
            return u"U&'"_s + content(sql::ContentForm::UnicodeEscape, u'\'') + u'\'';
        if (kind == 2 && (pg() || m_dialect == Dialect::Snowflake))
            return u"$$"_s + content(sql::ContentForm::Dollar, u'$') + u"$$"_s;
        if (kind == 3 && pg()) {
            return u"$fn$"_s + content(sql::ContentForm::Dollar, u'$') + u"$fn$"_s;
        }
        if (kind == 4 && (m_dialect == Dialect::MySQL || m_dialect == Dialect::BigQuery))
            return u'"' + content(sql::ContentForm::Backslash, u'"') + u'"';
        if (kind == 5 && m_dialect == Dialect::BigQuery)
            return u"r'"_s + content(sql::ContentForm::Raw, u'\'') + u'\'';
        if (kind == 6 && m_dialect != Dialect::BigQuery)
            return u"N'"_s +
                   content(backslash() ? sql::ContentForm::Backslash : sql::ContentForm::Quoted, u'\'') +
                   u'\'';
        if (kind == 7 && pick(50)) { // a hex string of a value
            sql::DecodedContent hex;
            hex.form = sql::ContentForm::Hex;
            const QString v = value(sql::ContentForm::Hex, u'\'');
            return u"X'"_s + sql::encodeContent(hex, v) + u'\'';
        }
        return u'\'' + content(backslash() ? sql::ContentForm::Backslash : sql::ContentForm::Quoted, u'\'') +
               u'\'';
    }

    QString lineComment()
    {
        QString opener = u"--"_s;
        if ((m_dialect == Dialect::MySQL || m_dialect == Dialect::BigQuery) && pick(50))
            opener = u"#"_s;
        if (m_dialect == Dialect::Snowflake && pick(50))
            opener = u"//"_s;
        // Values right after the opener: "--ed@corp.com" (the issue's case).
        const bool first = pick(40);
        QString body = first ? value(sql::ContentForm::Comment, 0) : QString();
        body += content(sql::ContentForm::Comment, 0, true, first);
        return opener + body + u'\n';
    }

    QString blockComment()
    {
        sql::DecodedContent c;
        c.form = sql::ContentForm::BlockComment;
        QString body = content(sql::ContentForm::BlockComment, 0);
        if (pick(30))
            body = value(sql::ContentForm::BlockComment, 0) + u' ' + body; // right after "/*"
        if (pick(30))
            body += u' ' + value(sql::ContentForm::BlockComment, 0); // right before "*/"
        return u"/*"_s + sql::encodeContent(c, body) + u"*/"_s;
    }

    // A value split over constant concatenation.
    QString concatenation()
    {
        const int index = int(m_rng.bounded(int(std::size(kSecrets))));
        QString v = kSecrets[index].canonical;
        if (index == 7)
            v = u"555-123-4567"_s;
        if (index == 8)
            v = u"4111 1111 1111 1111"_s;
        if (index == 9)
            v = u"123-45-6789"_s;
        if (index == 11)
            v = u"GB29NWBK60161331926819"_s;
        placed.append(index);
        const qsizetype cut = 1 + qsizetype(m_rng.bounded(int(v.size() - 1)));
        sql::DecodedContent c;
        c.form = backslash() ? sql::ContentForm::Backslash : sql::ContentForm::Quoted;
        c.quote = u'\'';
        const QString a = u'\'' + sql::encodeContent(c, v.left(cut)) + u'\'';
        const QString b = u'\'' + sql::encodeContent(c, v.mid(cut)) + u'\'';
        switch (m_rng.bounded(3)) {
        case 0:
            return u" CONCAT("_s + a + u", "_s + b + u") "_s;
        case 1:
            return u' ' + a + (m_dialect == Dialect::TSql ? u" + "_s : u" || "_s) + b + u' ';
        default:
            return u' ' + a + u" /* c */ || "_s + b + u' ';
        }
    }

    QRandomGenerator m_rng;
    Dialect m_dialect;
};

// What the database reads in the literals and comments of `sql`: each content decoded and folded,
// constant strings joined (as the anonymizer joins them, plus every string run regardless of the
// operator between, which only makes the check stricter), lower-cased.
QStringList readableContents(const QString &sql, Dialect dialect)
{
    QStringList out;
    QString run;
    const auto folded = [](const QString &s) {
        detail::View in, f;
        in.text = s;
        detail::foldView(in, false, f);
        return f.text.toString().toLower();
    };
    for (const sql::Token &t : sql::tokenize(sql, dialect)) {
        if (t.kind == sql::TokenKind::Whitespace)
            continue;
        if (!isContentToken(t.kind)) {
            const QStringView text = t.text(sql);
            if (text == u"||" || text == u"+" || text == u"," || text == u"(" ||
                text.compare(u"concat", Qt::CaseInsensitive) == 0)
                continue;
            if (!run.isEmpty())
                out.append(folded(run));
            run.clear();
            continue;
        }
        const sql::DecodedContent c = sql::decodeContent(sql, t, dialect);
        if (c.form == sql::ContentForm::None)
            continue;
        QString value = c.value;
        value.replace(u"%40"_s, u"@"_s);
        if (t.kind == sql::TokenKind::String) {
            run += value;
        } else {
            out.append(folded(value));
        }
    }
    if (!run.isEmpty())
        out.append(folded(run));
    return out;
}

QString digitsOf(const QString &s)
{
    QString out;
    for (QChar c : s) {
        if (c.isDigit())
            out += c;
    }
    return out;
}

} // namespace

class TstAnonymizerInvariants : public QObject
{
    Q_OBJECT

private slots:
    void dataKeepsTokens();
    void sharedDataKeepsTokens();
    void piiCasesInLiterals();
    void generatedSql_data();
    void generatedSql();
    void valuesHoldingDelimiters_data();
    void valuesHoldingDelimiters();
};

void TstAnonymizerInvariants::dataKeepsTokens()
{
    Corpus corpus;
    QString missing;
    if (!loadFolder(QStringLiteral(PAIRLENS_TEST_DATA), corpus, &missing))
        QFAIL(pairlens::test::missingTestDataMessage(missing).constData());
    QVERIFY(corpus.sql.size() > 2000);
    qsizetype checked = 0, changed = 0;
    for (const Config &c : configs()) {
        const Anonymizer a(c);
        for (const auto &[sql, natural] : std::as_const(corpus.sql)) {
            for (Dialect d : sql::kAllDialects) {
                const AnonymizedText out = a.anonymizeSql(sql, d);
                const QString why = violation(sql, out, d);
                if (!why.isEmpty())
                    QFAIL(qPrintable(u"[%1] %2\n%3"_s.arg(sql::dialectName(d), why, sql)));
                ++checked;
                changed += !out.findings.isEmpty();
            }
            Q_UNUSED(natural);
        }
    }
    qInfo("%lld SQL texts x dialects x configurations checked, %lld changed", qint64(checked),
          qint64(changed));
}

void TstAnonymizerInvariants::sharedDataKeepsTokens()
{
    // An extra: the full public files, when this checkout has them beside it.
    const QString folder = QStringLiteral(PAIRLENS_TEST_DATA) + u"/../../../shared/data"_s;
    Corpus corpus;
    QString missing;
    if (!QFileInfo::exists(folder) || !loadFolder(folder, corpus, &missing)) {
        qInfo("../shared/data is not there: only tests/data was checked");
        return;
    }
    const Anonymizer a(configs().constLast());
    qsizetype checked = 0;
    for (const auto &[sql, natural] : std::as_const(corpus.sql)) {
        for (Dialect d : {natural, Dialect::Generic, Dialect::MySQL}) {
            const QString why = violation(sql, a.anonymizeSql(sql, d), d);
            if (!why.isEmpty())
                QFAIL(qPrintable(u"[%1] %2\n%3"_s.arg(sql::dialectName(d), why, sql)));
            ++checked;
        }
    }
    qInfo("%lld SQL texts of ../shared/data checked", qint64(checked));
}

void TstAnonymizerInvariants::piiCasesInLiterals()
{
    // Every PII case text (and the questions) inside each kind of literal and comment, right after
    // the opener: the tokens stay and whatever is found in the text alone is found there too.
    Corpus corpus;
    QString missing;
    if (!loadFolder(QStringLiteral(PAIRLENS_TEST_DATA), corpus, &missing))
        QFAIL(pairlens::test::missingTestDataMessage(missing).constData());
    const Anonymizer a(configs().constFirst());
    qsizetype checked = 0;
    for (const QString &text : std::as_const(corpus.texts)) {
        const AnonymizedText plain = a.anonymizeText(text);
        for (Dialect d : sql::kAllDialects) {
            QStringList wrapped;
            sql::DecodedContent q;
            q.form = sql::ContentForm::Quoted;
            q.quote = u'\'';
            sql::DecodedContent b = q;
            b.form = sql::ContentForm::Backslash;
            const bool backslash = d == Dialect::MySQL || d == Dialect::BigQuery || d == Dialect::Snowflake;
            wrapped << u"SELECT '"_s + sql::encodeContent(backslash ? b : q, text) + u"' FROM t"_s;
            sql::DecodedContent line;
            line.form = sql::ContentForm::Comment;
            wrapped << u"SELECT 1 --"_s + sql::encodeContent(line, text) + u"\nFROM t"_s;
            sql::DecodedContent block;
            block.form = sql::ContentForm::BlockComment;
            wrapped << u"SELECT /*"_s + sql::encodeContent(block, text) + u"*/ 1"_s;
            if (d == Dialect::PostgreSQL) {
                wrapped << u"SELECT E'"_s + sql::encodeContent(b, text) + u"'"_s;
                sql::DecodedContent dollar;
                dollar.form = sql::ContentForm::Dollar;
                wrapped << u"SELECT $$"_s + sql::encodeContent(dollar, text) + u"$$"_s;
            }
            for (const QString &sql : std::as_const(wrapped)) {
                const AnonymizedText out = a.anonymizeSql(sql, d);
                const QString why = violation(sql, out, d);
                if (!why.isEmpty())
                    QFAIL(qPrintable(u"[%1] %2\n%3"_s.arg(sql::dialectName(d), why, sql)));
                for (const Finding &f : plain.findings) {
                    if (!out.text.contains(f.replacement) && f.replacement != f.original)
                        QFAIL(qPrintable(u"[%1] \"%2\" found in the text but not in: %3"_s.arg(
                            sql::dialectName(d), f.original, sql)));
                }
                ++checked;
            }
        }
    }
    qInfo("%lld wrapped texts checked", qint64(checked));
}

void TstAnonymizerInvariants::generatedSql_data()
{
    QTest::addColumn<int>("dialect");
    for (Dialect d : sql::kAllDialects)
        QTest::newRow(qPrintable(sql::dialectName(d))) << int(d);
}

void TstAnonymizerInvariants::generatedSql()
{
    QFETCH(int, dialect);
    const Dialect d = Dialect(dialect);
    const QList<Config> all = configs();
    qsizetype values = 0, truncated = 0;
    // PAIRLENS_INVARIANT_ROUNDS=<n> runs more (the default keeps the suite fast).
    const int rounds = qEnvironmentVariableIsSet("PAIRLENS_INVARIANT_ROUNDS")
                           ? qEnvironmentVariableIntValue("PAIRLENS_INVARIANT_ROUNDS")
                           : 3000;
    for (int i = 0; i < rounds; ++i) {
        Generator gen(quint64(i) * 7919 + quint64(dialect), d);
        gen.generate();
        const Anonymizer a(all[i % all.size()]);
        const AnonymizedText out = a.anonymizeSql(gen.sql, d);
        QString why = violation(gen.sql, out, d);
        if (!why.isEmpty())
            QFAIL(qPrintable(u"%1\n%2\n->\n%3"_s.arg(why, gen.sql, out.text)));
        // The shortcuts (whole-text pre-scan, pre-filter, memos) change nothing.
        Anonymizer full(all[i % all.size()]);
        detail::AnonymizerTesting::setFastPaths(full, false);
        const AnonymizedText reference = full.anonymizeSql(gen.sql, d);
        if (reference.text != out.text || reference.findings.size() != out.findings.size())
            QFAIL(qPrintable(
                u"fast path differs:\n%1\n->\n%2\nfull:\n%3"_s.arg(gen.sql, out.text, reference.text)));
        // 5. Nothing that was placed is readable afterwards.
        {
            const QStringList contents = readableContents(out.text, d);
            for (int index : std::as_const(gen.placed)) {
                const Secret &secret = kSecrets[index];
                for (const QString &c : contents) {
                    const bool leaked = secret.digits ? digitsOf(c).contains(secret.canonical)
                                                      : c.contains(secret.canonical.toLower());
                    if (leaked)
                        QFAIL(qPrintable(
                            u"\"%1\" leaked:\n%2\n->\n%3"_s.arg(secret.canonical, gen.sql, out.text)));
                }
                ++values;
            }
        }
        // Any prefix of hostile SQL (unterminated strings, comments, dollar quotes) keeps its tokens.
        const QString cut =
            gen.sql.left(qsizetype(QRandomGenerator(quint64(i)).bounded(int(gen.sql.size()) + 1)));
        why = violation(cut, a.anonymizeSql(cut, d), d);
        if (!why.isEmpty())
            QFAIL(qPrintable(u"%1\n%2"_s.arg(why, cut)));
        ++truncated;
    }
    qInfo("%s: %lld placed values gone, %lld truncated texts checked", qPrintable(sql::dialectName(d)),
          qint64(values), qint64(truncated));
}

// A value may hold part of what makes the tokens: a nested comment's "/*" or "*/", a raw string's
// backslash, a quote or ';' that ends a look-ahead of the lexer. Inert replacements then still change
// the tokens (the value's text is gone, not only the replacement's added), and so do the safe
// characters of the retries; the last resort masks the value where it stands, keeping every
// character but letters and digits. In every dialect and with every operator the tokens stay, and
// the value's letters (`gone`) are not in the output. The first row is the fuzzer's
// fuzz/regressions/custom_patterns/pattern-matches-nested-comment-opener.txt; `generic` is the output
// in the generic dialect with a redacting pattern.
void TstAnonymizerInvariants::valuesHoldingDelimiters_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QString>("gone");
    QTest::addColumn<QString>("generic");
    QTest::newRow("a nested comment's opener") << u"/\\*"_s << u"/*/**/ "_s << QString() << u"/*/**/ "_s;
    QTest::newRow("a nested comment's closer") << u"\\*/"_s << u"SELECT 1 /* a /* b */ c */ FROM t"_s
                                               << QString() << u"SELECT 1 /* a /* b */ c */ FROM t"_s;
    QTest::newRow("a value across a nested closer")
        << u"secret \\*/ tail"_s << u"SELECT /* x /* secret */ tail */ 1"_s << u"secret"_s
        << u"SELECT /* x /* XXXXXX */ XXXX */ 1"_s;
    QTest::newRow("a value across a nested opener")
        << u"[a-z]+ /\\* [a-z]+"_s << u"SELECT /* alice /* bob */ */ 1"_s << u"alice"_s
        << u"SELECT /* XXXXX /* XXX */ */ 1"_s;
    QTest::newRow("a ';' that ends a SEDE parameter's look-ahead")
        << u";"_s << u"SELECT ##a /* ; */ b## FROM t"_s << QString() << u"SELECT ##a /* <X> */ b## FROM t"_s;
    QTest::newRow("a quote that ends a bracket's look-ahead")
        << u"x'y"_s << u"SELECT [a'x''y]' FROM t"_s << u"x''y"_s << u"SELECT [a'X''X]' FROM t"_s;
    QTest::newRow("a raw string's backslash")
        << u"\\\\"_s << u"SELECT r'a\\'b' FROM t"_s << QString()
        << u"SELECT r'a<X>'b' FROM t"_s; // a raw string in BigQuery only
}

void TstAnonymizerInvariants::valuesHoldingDelimiters()
{
    QFETCH(QString, pattern);
    QFETCH(QString, sql);
    QFETCH(QString, gone);
    QFETCH(QString, generic);
    for (Operator op :
         {Operator::Mask, Operator::Pseudonym, Operator::Redact, Operator::Hash, Operator::Surrogate}) {
        Config c;
        c.key = "invariants";
        c.customPatterns = {{u"x"_s, pattern, op}};
        QVERIFY(c.validate().isEmpty());
        const Anonymizer a(c);
        for (Dialect d : sql::kAllDialects) {
            const AnonymizedText out = a.anonymizeSql(sql, d);
            const QString why = violation(sql, out, d);
            const QString where =
                u"[%1, %2] %3 -> %4"_s.arg(sql::dialectName(d), operatorName(op), sql, out.text);
            QVERIFY2(why.isEmpty(), qPrintable(why + u": "_s + where));
            if (!gone.isEmpty() && !out.findings.isEmpty())
                QVERIFY2(!out.text.contains(gone), qPrintable(where));
            if (d == Dialect::Generic && op == Operator::Redact) {
                QVERIFY2(!out.findings.isEmpty(), qPrintable(where));
                QCOMPARE(out.text, generic);
            }
        }
    }
}

QTEST_GUILESS_MAIN(TstAnonymizerInvariants)
#include "tst_anonymizerinvariants.moc"
