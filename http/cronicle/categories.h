// categories: Cronicle's categories as the run pools of the dialect's group (core/run_pool.h).
//
// A category's id is its pool's name; `enabled` (truthy) its switch; `max_children` (runs at once
// of all its events together; 0 = no limit) its max_running; `web_hook`, `cpu_limit` /
// `cpu_sustain` and `memory_limit` / `memory_sustain` its defaults for a job whose event sets none
// (Cronicle's launchJob). The whole category, as Cronicle stores it (title, description, color,
// notify_success, notify_fail, log_max_size, created, modified, username, and any other field a
// client sent), is kept in the pool's dialect data and shown again, with `enabled` and
// `max_children` read from the pool. An event joins its category's pool (event_json.cc: the job's
// controls.pool).
//
// Example:
//   auto pool = category_pool(category);          // create_category / update_category
//   json shown = category_json(pool.value());     // get_categories' row
//   category_shown c = shown_category(api, "cronicle", event);   // a job's category_title
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "actors/scheduler_api.h"
#include "core/run_pool.h"
#include "http/cronicle/errors.h"

namespace mainspring::http::cronicle {

// Setup's category (Cronicle's sample_conf/setup.json): General, for events that don't fit
// anywhere else; made with the dialect's group when the group has no category.
run_pool_spec default_category();

// The pool for `category` (an object with its id, as it is to be stored). Errors are Cronicle's
// words for a category it would not store ("Failed to create category: ...").
or_error<run_pool_spec> category_pool(const nlohmann::json& category, std::string_view verb);

// The category as Cronicle stores and lists it.
nlohmann::json category_json(const run_pool_spec& pool);

// The category's title: its `title`, or its id when it has none.
std::string category_title(const run_pool_spec& pool);

// The group's category `id`, or nullopt.
std::optional<run_pool_spec> find_category(const scheduler_api& api, const std::string& group, std::string_view id);

// What a job shows of its event's category: its title, and the notifications a job takes from it
// when its event has none (Cronicle's launchJob).
struct category_shown {
  std::string title;
  std::string notify_success;
  std::string notify_fail;
};

// The group's categories as its jobs show them, read once (a list shows many jobs).
class category_titles {
 public:
  category_titles(const scheduler_api& api, const std::string& group);
  explicit category_titles(std::vector<run_pool_spec> pools) : pools_(std::move(pools)) {}
  // The category `id` (none or "" = general) as a job shows it: the id as its title when the
  // category is gone.
  category_shown of(std::string_view id) const;
  // Sets job["category_title"] from job["category"] (a job or a history row as job_json.h makes
  // them), and for a job (`notifications`) the notify_success / notify_fail it takes from its
  // category when it has none.
  void show(nlohmann::json& job, bool notifications = true) const;

 private:
  std::vector<run_pool_spec> pools_;
};

// A fresh category id in Cronicle's style (getUniqueID('c')).
std::string new_category_id();

}  // namespace mainspring::http::cronicle
