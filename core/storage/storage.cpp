#include "storage/storage.h"

#include "privacy/anonymizer.h"

namespace pairlens {

Deriver defaultDeriver()
{
    // Deriver::forDataset() with the settings of a new dataset file: no custom patterns, no
    // decisions. The PII kinds do not depend on the anonymization key.
    return Deriver::forPrivacy(privacy::Config::fromSettings({}));
}

} // namespace pairlens
