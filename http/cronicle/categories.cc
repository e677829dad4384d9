#include "http/cronicle/categories.h"

#include <algorithm>

#include "core/time_types.h"
#include "http/cronicle/event_json.h"
#include "http/cronicle/js_values.h"
#include "http/cronicle/limits_json.h"
#include "http/cronicle/validation.h"

namespace mainspring::http::cronicle {

namespace {

using nlohmann::json;

// setup.json's times for General (2015-06-12).
constexpr int64_t k_setup_time_s = 1434125333;

std::string text_field(const json& category, const char* name) {
  auto it = category.find(name);
  return it == category.end() || it->is_null() ? "" : js_text(*it);
}

// The title of a category as category_json shows it; its id when it has none.
std::string title_of(const json& category, const std::string& id) {
  auto title = category.find("title");
  return title != category.end() && title->is_string() ? title->get<std::string>() : id;
}

}  // namespace

run_pool_spec default_category() {
  const json general = {{"id", std::string(k_default_category)},
                        {"title", std::string(k_category_title)},
                        {"enabled", 1},
                        {"username", "admin"},
                        {"modified", k_setup_time_s},
                        {"created", k_setup_time_s},
                        {"description", "For events that don't fit anywhere else."},
                        {"max_children", 0}};
  return category_pool(general, "create").value();
}

or_error<run_pool_spec> category_pool(const json& category, std::string_view verb) {
  run_pool_spec p;
  p.name = text_field(category, "id");
  // Cronicle reads a category without `enabled` as disabled (`!category.enabled`); here it is
  // enabled unless it says otherwise (README: a category created without `enabled`).
  auto enabled = category.find("enabled");
  p.enabled = enabled == category.end() || js_truthy(*enabled);
  const int64_t max_children = std::max<int64_t>(0, js_parse_int(category.value("max_children", json(0))).value_or(0));
  p.max_running = static_cast<int>(std::min<int64_t>(max_children, k_max_running_limit));
  const std::string hook = web_hook_url(text_field(category, "web_hook"));
  if (!hook.empty()) {
    p.hook_url = hook;
    p.hook_format = std::string(k_dialect_name);
  }
  job_controls limits;
  limits_to_controls(category, limits);
  p.cpu_limit_percent = limits.cpu_limit_percent;
  p.cpu_sustain_s = limits.cpu_sustain_s;
  p.memory_limit_bytes = limits.memory_limit_bytes;
  p.memory_sustain_s = limits.memory_sustain_s;
  json kept = category;
  kept.erase("enabled");  // the pool's: shown from it
  kept.erase("max_children");
  p.dialect_data = kept.dump();
  p.created_ms = std::max<int64_t>(0, js_parse_int(category.value("created", json(0))).value_or(0)) * 1000;
  p.updated_ms = std::max<int64_t>(0, js_parse_int(category.value("modified", json(0))).value_or(0)) * 1000;
  if (auto st = validate_run_pool(p); !st.ok())
    return api_error{"category", "Failed to " + std::string(verb) + " category: " + st.message()};
  return p;
}

json category_json(const run_pool_spec& pool) {
  json c = json::parse(pool.dialect_data, nullptr, false);
  if (!c.is_object()) c = json::object();
  c["id"] = pool.name;
  c["enabled"] = pool.enabled ? 1 : 0;
  c["max_children"] = pool.max_running;
  return c;
}

std::string category_title(const run_pool_spec& pool) { return title_of(category_json(pool), pool.name); }

std::optional<run_pool_spec> find_category(const scheduler_api& api, const std::string& group, std::string_view id) {
  for (auto& p : api.run_pools(group))
    if (p.name == id) return std::move(p);
  return std::nullopt;
}

category_titles::category_titles(const scheduler_api& api, const std::string& group) : pools_(api.run_pools(group)) {}

category_shown category_titles::of(std::string_view id) const {
  const std::string_view wanted = id.empty() ? k_default_category : id;
  auto pool = std::find_if(pools_.begin(), pools_.end(), [wanted](const run_pool_spec& p) { return p.name == wanted; });
  if (pool == pools_.end()) return {wanted == k_default_category ? std::string(k_category_title) : std::string(wanted), "", ""};
  const json c = category_json(*pool);
  return {title_of(c, pool->name), text_field(c, "notify_success"), text_field(c, "notify_fail")};
}

void category_titles::show(json& job, bool notifications) const {
  if (!job.is_object()) return;
  const category_shown c = of(text_field(job, "category"));
  job["category_title"] = c.title;
  if (!notifications) return;
  // Cronicle's launchJob: `if (!job.notify_success && category.notify_success) ...`.
  for (const auto& [field, value] : {std::pair{"notify_success", &c.notify_success}, std::pair{"notify_fail", &c.notify_fail}})
    if (!value->empty() && !js_truthy(job.value(field, json("")))) job[field] = *value;
}

std::string new_category_id() { return new_unique_id('c'); }

}  // namespace mainspring::http::cronicle
