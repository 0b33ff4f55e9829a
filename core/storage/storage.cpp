#include "storage/storage.h"

#include "privacy/anonymizer.h"
#include "sql/analyzer.h"

#include <memory>

namespace pairlens {

Deriver defaultDeriver()
{
    // Deriver::forDataset() with the settings of a new dataset file: no custom patterns, no
    // decisions. The PII kinds do not depend on the anonymization key.
    auto anonymizer = std::make_shared<const privacy::Anonymizer>(privacy::Config::fromSettings({}));
    return Deriver([anonymizer](QStringView question, QStringView sql, QStringView databaseType,
                                QStringView pairId, const QJsonObject &metadata) {
        const privacy::Anonymizer &a = anonymizer->forPair(pairId);
        return a.scanMask(question, sql, sql::dialectFromDatabaseType(databaseType)) |
               a.metadataMask(metadata);
    });
}

} // namespace pairlens
