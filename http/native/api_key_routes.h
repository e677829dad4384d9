// api_key_routes: API key management on the native listener (see README "API keys").
//
//   POST   /v1/apikeys/bootstrap   no key; only while no key exists -> {"success":{id,key,title,privileges,active}}
//   POST   /v1/apikeys             {"title", "privileges": [...], "active": 1} -> the same shape
//   GET    /v1/apikeys             [{id,title,privileges,active,created,last_used}]: no secret, no hash
//   POST   /v1/apikeys/{id}        any of title, privileges, active -> the key (no secret)
//   DELETE /v1/apikeys/{id}        -> "ok"
//
// Every route but bootstrap wants an admin key in X-API-Key, with or without --require-api-key;
// errors are in the native envelope (401 missing/wrong/disabled key, 403 not admin, 400 bad
// body, 404 unknown id, 409 bootstrap refused or the last admin key). The secret is in the answer
// of bootstrap and create only, once.
//
// Example:
//   router r;
//   add_api_key_routes(r, registry);
#pragma once

#include <nlohmann/json.hpp>

#include "actors/api_key_registry.h"
#include "core/status.h"
#include "http/router.h"

namespace mainspring::http::native {

void add_api_key_routes(router& r, api_key_registry& keys);

// A key as the list shows it: id, title, privileges, active (1/0), created and last_used (unix s;
// 0 = never).
nlohmann::json api_key_json(const api_key_view& key);

}  // namespace mainspring::http::native
