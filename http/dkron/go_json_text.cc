#include "http/dkron/go_json_text.h"

#include <array>
#include <span>
#include <string_view>

#include "http/go_json.h"

namespace mainspring::http::dkron {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// dkron/job.go's Job.
constexpr std::array<std::string_view, 26> k_job_fields = {
    "id",          "name",          "displayname",    "timezone",   "schedule",   "owner",       "owner_email",
    "success_count", "error_count", "last_success",   "last_error", "disabled",   "tags",        "metadata",
    "retries",     "dependent_jobs", "parent_job",    "processors", "concurrency", "executor",   "executor_config",
    "status",      "next",          "ephemeral",      "starts_at",  "expires_at"};
// dkron/execution.go's Execution, then the executions list's apiExecution.
constexpr std::array<std::string_view, 10> k_execution_fields = {
    "id", "job_name", "started_at", "finished_at", "success", "output", "node_name", "group", "attempt",
    "output_truncated"};
// serf.Member, then typesv1.Member's own.
constexpr std::array<std::string_view, 13> k_member_fields = {
    "Name",        "Addr",        "Port",        "Tags",        "Status", "ProtocolMin", "ProtocolMax",
    "ProtocolCur", "DelegateMin", "DelegateMax", "DelegateCur", "id",     "statusText"};

// Only the answer's own objects are structs; what they hold (tags, metadata, ...) are maps.
std::span<const std::string_view> struct_fields_of(const json& object, int depth) {
  if (depth != 0) return {};
  if (object.contains("schedule") && object.contains("executor_config")) return k_job_fields;
  if (object.contains("job_name") && object.contains("started_at")) return k_execution_fields;
  if (object.contains("Name") && object.contains("DelegateCur")) return k_member_fields;
  return {};
}

}  // namespace

std::string go_json_text(const nlohmann::json& body, bool pretty) {
  const ordered_json out = in_field_order(body, struct_fields_of);
  return go_escaped(out.dump(pretty ? 4 : -1, ' ', false, ordered_json::error_handler_t::replace),
                    go_escape_style::go_1_22);
}

}  // namespace mainspring::http::dkron
