#pragma once

// The OpenAPI 3 document of `pairlens serve` (GET /api/openapi.json). tests/tst_server.py checks
// every route the server answers against it, and every route in it against the server.

#include <QByteArray>

namespace pairlens::server {

QByteArray openApiDocument();

} // namespace pairlens::server
