// cronicle_calls: the requests `mainspring-bench --api cronicle` sends to a Cronicle listener
// (--cronicle-listen), which always wants an API key: the bench makes one with the native
// bootstrap route and sends it in each body's `api_key` (or the query of a GET).
//
// Every Cronicle answer is HTTP 200; success is a body starting {"code":0 (cronicle_accepted).
//
// Example:
//   auto key = bootstrap_api_key(server.base_url, &why);      // "<id>.<secret>"
//   http_call c{"POST", k_cronicle_create_path, cronicle_event_body(batch, 7)};
//   if (!cronicle_accepted(client.fetch(c))) ...;
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "bench/load_client.h"

namespace mainspring::bench {

struct job_batch;

inline constexpr std::string_view k_cronicle_create_path = "/api/app/create_event/v1";
inline constexpr std::string_view k_cronicle_run_path = "/api/app/run_event/v1";

// POST <base_url>/v1/apikeys/bootstrap: an admin key, or nullopt with `error` set.
std::optional<std::string> bootstrap_api_key(const std::string& base_url, std::string* error);

// create_event of event `index` of `batch`: id and title job_id(batch, index); the NOOP@ batch
// runs testplug with duration 0, an HTTP@ one urlplug (GET); pattern "@manually" has no timing
// (run_event only), any other a daily minute twelve hours ahead (never fires in a bench).
std::string cronicle_event_body(const job_batch& batch, std::size_t index);
// run_event of event `index`.
std::string cronicle_run_body(const job_batch& batch, std::size_t index);
// get_schedule's first 100 events.
std::string cronicle_list_path(const std::string& api_key);

bool cronicle_accepted(const http_result& r);

}  // namespace mainspring::bench
