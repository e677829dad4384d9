#include "bench/cronicle_calls.h"

#include "bench/workload.h"

namespace mainspring::bench {

std::string cronicle_run_body(const job_batch& batch, std::size_t index) {
  // By hand, as add_job_body: ids and keys the bench makes need no escaping.
  return R"({"id":")" + job_id(batch, index) + R"(","api_key":")" + batch.api_key + "\"}";
}

bool cronicle_accepted(const http_result& r) { return r.ok() && r.body.rfind("{\"code\":0", 0) == 0; }

}  // namespace mainspring::bench
