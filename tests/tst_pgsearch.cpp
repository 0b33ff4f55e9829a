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

    // tsvector's limits, the same on both paths: a lexeme over 2,046 bytes is left out but keeps
    // its position, positions stop at 16,383, and the text stops growing past 900 KiB.
    void limits()
    {
        const QString longToken(3000, u'x');
        QCOMPARE(pg::searchVector(u"a "_s + longToken + u" b"_s, u"c"_s), QByteArray("'a':1 'b':3 'c':5"));
        QCOMPARE(pg::searchVector(u"\u00e4 "_s + longToken + u" b"_s, u"c"_s),
                 QByteArray("'a':1 'b':3 'c':5"));
        QString many;
        for (int i = 0; i < 20000; ++i)
            many += u"w"_s + QString::number(i) + u' ';
        const QByteArray capped = pg::searchVector(many, QString());
        QVERIFY(capped.endsWith("'w19999':16383"));
        QVERIFY(capped.contains("'w16381':16382 'w16382':16383 'w16383':16383"));
        QCOMPARE(pg::searchVector(many + u"\u00e4"_s, QString()).left(capped.size()), capped);
        QString huge;
        for (int i = 0; i < 150000; ++i)
            huge += u"token"_s + QString::number(i) + u' ';
        const QByteArray bounded = pg::searchVector(huge, u"tail"_s);
        QVERIFY(bounded.size() > 900 * 1024 && bounded.size() < 900 * 1024 + 64);
        QVERIFY(!bounded.contains("'tail'"));
    }
};

QTEST_GUILESS_MAIN(TstPgSearch)
#include "tst_pgsearch.moc"
