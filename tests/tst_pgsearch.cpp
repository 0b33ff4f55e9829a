// The search vector PostgreSQL stores for a pair (pgcurate.cpp): its ASCII path must give exactly
// what the Unicode path gives (the tokens of searchTokens(), the file's FTS5 unicode61 tokens), with
// the same positions; non-ASCII text keeps the Unicode path. No server needed.

#include "storage/pgstorage_p.h"

#include <QRandomGenerator>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace pairlens;

namespace {

// The vector as the Unicode path builds it: every token of searchTokens(), one position each, one
// position left out between the question and the SQL.
QByteArray throughTokens(const QString &question, const QString &sql)
{
    QByteArray out("");
    int position = 0;
    const auto add = [&](const QString &text) {
        for (const QString &token : pg::searchTokens(text)) {
            ++position;
            if (!out.isEmpty())
                out += ' ';
            out += '\'' + token.toUtf8() + "':" + QByteArray::number(position);
        }
    };
    add(question);
    ++position;
    add(sql);
    return out;
}

QString randomAscii(QRandomGenerator &random, int maxLength)
{
    // Letters, digits and the punctuation SQL and questions are made of, weighted towards words.
    static const QString alphabet =
        u"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789    _-'\"().,;:*=<>!?/\\@#$%&+[]{}|~`^\t\n"_s;
    QString s;
    const int n = int(random.bounded(maxLength + 1));
    for (int i = 0; i < n; ++i)
        s += alphabet.at(random.bounded(alphabet.size()));
    return s;
}

} // namespace

class TstPgSearch : public QObject
{
    Q_OBJECT
private slots:
    void asciiPathEqualsUnicodePath()
    {
        QRandomGenerator random(20261204);
        for (int i = 0; i < 20000; ++i) {
            const QString question = randomAscii(random, 80), sql = randomAscii(random, 120);
            QCOMPARE(pg::searchVector(question, sql), throughTokens(question, sql));
        }
    }

    void examples()
    {
        QCOMPARE(pg::searchVector(u"How many Orders?"_s, u"SELECT count(*) FROM orders_2024"_s),
                 QByteArray("'how':1 'many':2 'orders':3 'select':5 'count':6 'from':7 'orders':8 '2024':9"));
        // Non-ASCII text: folded through the Unicode path (diacritics dropped, lower case).
        QCOMPARE(pg::searchVector(u"Kunden in Köln"_s, u"SELECT 1"_s),
                 QByteArray("'kunden':1 'in':2 'koln':3 'select':5 '1':6"));
        QCOMPARE(pg::searchVector(u"Kunden in Köln"_s, u"SELECT 1"_s),
                 throughTokens(u"Kunden in Köln"_s, u"SELECT 1"_s));
        QCOMPARE(pg::searchVector(QString(), QString()), QByteArray(""));
    }
};

QTEST_GUILESS_MAIN(TstPgSearch)
#include "tst_pgsearch.moc"
