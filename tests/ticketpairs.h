// What the tests of the privacy settings followed by writers share (tst_followsettings,
// tst_pgfollowsettings): pairs holding a ticket number that only a custom pattern finds, and the
// change of the settings that adds or removes that pattern.
#pragma once

#include "dataset/pair.h"
#include "privacy/anonymizer.h"
#include "privacy/piikind.h"

#include <QFile>
#include <QHash>
#include <QString>

namespace pairlens::test {

inline const QString kTicketQuestion = QStringLiteral("What is the status of ticket TCK-204518?");
inline const QString kTicketSql = QStringLiteral("SELECT status FROM tickets WHERE code = 'TCK-204518'");
constexpr quint32 kCustomKind = quint32(PiiKind::Custom);

inline Pair ticketPair(const QString &id)
{
    Pair p;
    p.pairId = id;
    p.naturalLanguageQuery = kTicketQuestion;
    p.sqlQuery = kTicketSql;
    p.timestamp = QStringLiteral("2026-11-30T10:00:00Z");
    p.databaseType = QStringLiteral("postgresql");
    return p;
}

// `count` JSON Lines records of ticket pairs (pair_ids t0, t1, ...).
inline bool writeTicketLines(const QString &path, int count)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return false;
    for (int i = 0; i < count; ++i)
        f.write(QByteArrayLiteral("{\"pair_id\": \"t") + QByteArray::number(i) +
                "\", \"natural_language_query\": \"What is the status of ticket TCK-204518?\", "
                "\"sql_query\": \"SELECT status FROM tickets WHERE id = " +
                QByteArray::number(i) + "\", \"timestamp\": \"2026-11-30T10:00:00Z\"}\n");
    return f.flush();
}

// The privacy settings read from a store, with the ticket pattern added (`add`) or every custom
// pattern removed.
inline privacy::Config withTicketPattern(const QHash<QString, QString> &settings, bool add)
{
    privacy::Config config = privacy::Config::fromSettings(settings);
    if (add)
        config.customPatterns.append(
            {QStringLiteral("ticket"), QStringLiteral("TCK-[0-9]{6}"), privacy::Operator::Redact});
    else
        config.customPatterns.clear();
    return config;
}

} // namespace pairlens::test
