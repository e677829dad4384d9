// The native REST API (seed 000, gua v1): routes, request parsing and the {"success": ...} /
// {"error": ...} envelope. Translation only; the scheduling happens in actors/.
//
// Example:
//   router r;
//   native::add_native_routes(r);   // GET /version, ...
#pragma once

#include "http/router.h"

namespace mainspring::http::native {

void add_native_routes(router& r);

}  // namespace mainspring::http::native
