// native_dialect: the native API (seed 000, gua v1) as the dialects app/serve.cc serves.
//
// Two listeners speak it: the REST API (--listen, with /health, /ready and /metrics, and a
// larger body limit for imports) and the func listener (--func-listen, the original's
// HTTP_FUNC_LISTEN), both with the native envelope for every error.
//
// Example:
//   http::dialect api = native::make_dialect();
//   http::dialect funcs = native::make_func_dialect();
#pragma once

#include "http/dialect.h"

namespace mainspring::http::native {

dialect make_dialect();
dialect make_func_dialect();

}  // namespace mainspring::http::native
