#include "executors/runner.h"

namespace mainspring {

run_outcome noop_outcome(uint64_t run_id) {
  run_outcome out;
  out.run_id = run_id;
  out.result = run_result::succeeded;
  out.start_time = out.end_time = now_ms();
  return out;
}

}  // namespace mainspring
