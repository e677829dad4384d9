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

}  // namespace mainspring
