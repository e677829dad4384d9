#include "executors/run_report.h"

#include <nlohmann/json.hpp>

namespace mainspring {

std::string run_report_json(const run_record& run, const std::string& job_name) {
  nlohmann::json j{
      {"job_id", run.job_id},
      {"group_name", run.group},
      {"job_name", job_name},
      {"run_id", std::to_string(run.run_id)},
      {"plan_time", run.plan_ms / 1000},
      {"exec_time", run.start_ms / 1000},
      {"finish_time", run.end_ms / 1000},
      {"plan_time_ms", run.plan_ms},
      {"exec_time_ms", run.start_ms},
      {"finish_time_ms", run.end_ms},
      {"success", run.state == run_state::succeeded},
      {"error", run.error},
      {"status", run_state_name(run.state)},
      {"code", run.code},
  };
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace mainspring
