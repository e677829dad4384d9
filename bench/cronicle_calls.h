// cronicle_calls: the run_event requests `mainspring-bench --api cronicle --mode fire` sends to a
// Cronicle listener (--cronicle-listen), which always wants an API key: the batch's key
// (through_dialect, bootstrapped by open_server) goes in each body's `api_key`. Every Cronicle
// answer is HTTP 200; success is a body starting {"code":0 (cronicle_accepted).
//
// Example:
//   http_call c{"POST", std::string(k_cronicle_run_path), cronicle_run_body(batch, 7)};
//   if (!cronicle_accepted(client.fetch(c))) ...;
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "bench/load_client.h"

namespace mainspring::bench {

struct job_batch;

inline constexpr std::string_view k_cronicle_run_path = "/api/app/run_event/v1";

// run_event of event `index` of `batch` (id job_id(batch, index)), with the batch's key.
std::string cronicle_run_body(const job_batch& batch, std::size_t index);

bool cronicle_accepted(const http_result& r);

}  // namespace mainspring::bench
