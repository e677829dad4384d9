#include "core/run_record.h"

namespace mainspring {

const char* run_state_name(run_state s) {
  switch (s) {
    case run_state::running: return "running";
    case run_state::succeeded: return "succeeded";
    case run_state::failed: return "failed";
    case run_state::timed_out: return "timed_out";
    case run_state::skipped: return "skipped";
  }
  return "unknown";
}

const char* run_trigger_name(run_trigger t) {
  switch (t) {
    case run_trigger::schedule: return "schedule";
    case run_trigger::manual: return "manual";
    case run_trigger::retry: return "retry";
    case run_trigger::misfire: return "misfire";
    case run_trigger::parent: return "parent";
  }
  return "unknown";
}

}  // namespace mainspring
