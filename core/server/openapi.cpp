#include "server/openapi.h"

namespace pairlens::server {

QByteArray openApiDocument()
{
    // openapi.json, with the version filled in.
    static const QByteArray document = [] {
        QByteArray d(
#include "server/openapi.json.inc"
        );
        d.replace("PAIRLENS_VERSION", PAIRLENS_VERSION);
        return d;
    }();
    return document;
}

} // namespace pairlens::server
