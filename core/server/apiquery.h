#pragma once

// What the API reads from requests and writes into responses: the query parameters of GET /pairs,
// /statistics and /export as a Filter, the cursor of deep paging, a pair from a request body and a
// pair as the API shows it (database names anonymized unless the key may see raw values).

#include "dataset/filter.h"
#include "dataset/pair.h"
#include "dataset/pairstore.h"

#include <QJsonObject>
#include <QString>
#include <QUrlQuery>

#include <optional>

namespace pairlens::privacy {
class Anonymizer;
}

namespace pairlens::server {

// start_date, end_date, successful_only, failed_only and PairLens's filters: query_type,
// database_type, database_name, table, search, pii, status. nullopt with one sentence in *error
// when a value is wrong.
std::optional<Filter> filterFromQuery(const QUrlQuery &query, QString *error);
// True when a parameter is "true", "1" or "yes"; nullopt with *error when it is not a boolean.
std::optional<bool> boolParameter(const QUrlQuery &query, const QString &name, bool fallback, QString *error);
// A non-negative integer parameter in [0, max]; nullopt with *error otherwise.
std::optional<qint64> intParameter(const QUrlQuery &query, const QString &name, qint64 fallback, qint64 max,
                                   QString *error);

// The position after a page (opaque to clients: base64url of a small JSON).
QString encodeCursor(const PairStore::PageKey &key);
std::optional<PairStore::PageKey> decodeCursor(const QString &cursor);

// A pair from a POST body: the seed's fields, validated like an imported record (the importer's
// rules); a missing pair_id gets a new UUID, a missing timestamp the time of the request.
std::optional<Pair> pairFromBody(const QJsonObject &body, QString *error);

// The pair as the API returns it: pairToJson() with database_name through the dataset's
// database-name operator when `anonymizer` is given.
QJsonObject apiPair(const Pair &pair, const privacy::Anonymizer *anonymizer);

} // namespace pairlens::server
