// The Cronicle dialect's run changes: run_event's and update_job's fields as a run's own fields.
#include "http/cronicle/run_changes.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace mainspring;
using namespace mainspring::http::cronicle;
using nlohmann::json;

namespace {

json event() {
  return json{{"title", "Nightly"}, {"enabled", 1},           {"category", "general"}, {"target", "allgrp"},
              {"plugin", "shellplug"}, {"params", {{"script", "#!/bin/sh\ntrue\n"}}}, {"timeout", 3600},
              {"retries", 2},        {"retry_delay", 30},     {"chain", "next"},       {"cpu_limit", 50}};
}

}  // namespace

TEST_CASE("cronicle: update_job's table is what changes a job in flight, and nothing else does") {
  for (const char* field : {"timeout", "retries", "retry_delay", "chain", "chain_error", "web_hook", "cpu_limit",
                            "cpu_sustain", "memory_limit", "memory_sustain", "log_max_size"}) {
    CHECK(changes_a_run(field, run_fields::in_flight));
    CHECK(changes_a_run(field, run_fields::at_launch));
  }
  for (const char* field : {"params", "plugin"}) {
    CHECK_FALSE(changes_a_run(field, run_fields::in_flight));
    CHECK(changes_a_run(field, run_fields::at_launch));
  }
  for (const char* field : {"title", "notes", "notify_success", "post_data", "max_children", "queue", "id"})
    CHECK_FALSE(changes_a_run(field, run_fields::in_flight));

  auto none = run_change(event(), json{{"id", "jabc"}, {"title", "Other"}, {"notify_fail", "a@b"}}, {}, "e1",
                         run_fields::in_flight);
  REQUIRE(none.ok());
  CHECK_FALSE(none->target);
  CHECK_FALSE(none->timeout_ms);
  CHECK_FALSE(none->retries);
  CHECK(none->controls.empty());
}

TEST_CASE("cronicle: each field given is read as an event's, and only those are set") {
  auto change = run_change(event(),
                           json{{"timeout", 0}, {"retries", "1"}, {"chain", "Re-Port!"}, {"web_hook", "http://127.0.0.1:9/h"},
                                {"memory_limit", 1048576}, {"log_max_size", 0}},
                           {}, "e1", run_fields::in_flight);
  REQUIRE(change.ok());
  CHECK(change->timeout_ms == k_max_timeout_ms);  // Cronicle's 0: no limit
  CHECK(change->retries == 1);                     // parseInt, as Cronicle
  CHECK_FALSE(change->retry_delay_ms);
  CHECK_FALSE(change->target);
  const run_controls_patch& p = change->controls;
  CHECK(p.on_success == std::optional<std::string>("report"));  // normalized as an event's chain
  CHECK_FALSE(p.on_failure);
  CHECK(p.hook_url == std::optional<std::string>("http://127.0.0.1:9/h"));
  CHECK(p.hook_format == std::optional<std::string>("cronicle"));
  CHECK(p.memory_limit_bytes == std::optional<int64_t>(1048576));
  CHECK(p.log_max_bytes == std::optional<int64_t>(0));
  CHECK_FALSE(p.cpu_limit_percent);  // the event's 50 stays the run's
}

TEST_CASE("cronicle: a launch's params make a target of their own, and a bad value is refused as in an event") {
  auto change = run_change(event(), json{{"params", {{"script", "#!/bin/sh\necho run\n"}}}}, {}, "e1",
                           run_fields::at_launch);
  REQUIRE(change.ok());
  REQUIRE(change->target);
  CHECK(std::holds_alternative<shell_target>(*change->target));
  CHECK(change->timeout_ms == 3600 * 1000);
  // update_job ignores params: a running job keeps what it runs.
  auto ignored = run_change(event(), json{{"params", {{"script", "x"}}}}, {}, "e1", run_fields::in_flight);
  REQUIRE(ignored.ok());
  CHECK_FALSE(ignored->target);

  auto bad = run_change(event(), json{{"retries", 500}}, {}, "e1", run_fields::in_flight);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == "api");
  CHECK(bad.error().description == "Malformed event: retries: must be between 0 and 100");
}
