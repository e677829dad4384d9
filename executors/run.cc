#include "executors/run.h"

namespace mainspring {

const char* run_result_name(run_result r) {
  switch (r) {
    case run_result::succeeded: return "succeeded";
    case run_result::failed: return "failed";
    case run_result::timed_out: return "timed_out";
  }
  return "unknown";
}

run_outcome failed_outcome(uint64_t run_id, std::string error, int code) {
  run_outcome out;
  out.run_id = run_id;
  out.result = run_result::failed;
  out.start_time = out.end_time = now_ms();
  out.code = code;
  out.error = std::move(error);
  return out;
}

}  // namespace mainspring
