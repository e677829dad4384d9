// key_requirements: what each native route needs of an API key under --require-api-key.
//
// Reads need any enabled key; each change needs its privilege (README "API keys" has the
// table); dumps and imports carry every group's secrets and need admin. The func listener
// keeps its TOTP codes and asks for no key. /v1/apikeys/* check an admin key themselves
// (bootstrap none), so they are open here.
//
// Example:
//   d.key_requirement_for = native::key_requirements();
#pragma once

#include "http/api_key_guard.h"

namespace mainspring::http::native {

key_requirement_fn key_requirements();

}  // namespace mainspring::http::native
