#include "core/reported_chain.h"

#include <nlohmann/json.hpp>

#include "core/js_truthy.h"
#include "core/progress_lines.h"  // reported_object

namespace mainspring {
namespace {

using nlohmann::json;

std::optional<std::string> follow_up(const json& report, const char* key) {
  auto it = report.find(key);
  if (it == report.end()) return std::nullopt;
  return it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

reported_chain chain_of_report(std::string_view reported) {
  reported_chain chain;
  const json report = reported_object(reported);
  chain.on_success = follow_up(report, "chain");
  chain.on_failure = follow_up(report, "chain_error");
  if (auto data = report.find("chain_data"); data != report.end() && js_truthy(*data))
    chain.data = data->dump(-1, ' ', false, json::error_handler_t::replace);
  if (auto params = report.find("chain_params"); params != report.end() && params->is_object() && !params->empty())
    chain.params = params->dump(-1, ' ', false, json::error_handler_t::replace);
  return chain;
}

}  // namespace mainspring
