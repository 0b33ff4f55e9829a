#pragma once

#include "dataset/pair.h"

#include <QDateTime>
#include <QList>
#include <QRandomGenerator>

namespace pairlens {

// Generates realistic synthetic pairs: varied questions and SQL of every statement type, failures,
// several database types and names, a spread of dates, and realistic e-mail addresses, phone
// numbers, SSNs, card numbers, IP addresses and IBANs in some questions and SQL literals. The same
// seed gives the same pairs.
class DemoGenerator
{
public:
    explicit DemoGenerator(quint64 seed = 42, QDateTime end = {});

    Pair next();
    QList<Pair> generate(int count);

private:
    QString pick(const QStringList &list);
    QString email();
    QString phone();
    QString ssn();
    QString card();
    QString ip();
    QString iban();
    QString person();
    // The values of one pair's placeholders ({T}, {E}, ...), each drawn once per pair.
    struct Memo
    {
        QString values[128];
        bool set[128] = {};
    };
    QString fill(QStringView pattern, Memo *memo);

    QRandomGenerator m_rng;
    QDateTime m_end;
    quint64 m_seed;
    qint64 m_counter = 0;
};

} // namespace pairlens
