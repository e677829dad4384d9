// The Cronicle dialect's resource limits: event fields <-> job_controls, through to_job_spec and
// event_json.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "http/cronicle/event_json.h"
#include "http/cronicle/limits_json.h"

using namespace mainspring;
using namespace mainspring::http::cronicle;
using nlohmann::json;

namespace {

json limited_event() {
  return json{{"title", "Heavy"},        {"enabled", 1},          {"category", "general"},
              {"target", "allgrp"},      {"plugin", "shellplug"}, {"params", {{"script", "#!/bin/sh\ntrue\n"}}},
              {"cpu_limit", 150},        {"cpu_sustain", 30},     {"memory_limit", 536870912},
              {"memory_sustain", 60},    {"log_max_size", 10485760}};
}

}  // namespace

TEST_CASE("cronicle: an event's limits are the job's controls, in Cronicle's units") {
  job_controls c;
  c.on_success = "keep";  // the other controls are left alone
  limits_to_controls(limited_event(), c);
  CHECK(c.cpu_limit_percent == 150);
  CHECK(c.cpu_sustain_s == 30);
  CHECK(c.memory_limit_bytes == 536870912);
  CHECK(c.memory_sustain_s == 60);
  CHECK(c.log_max_bytes == 10485760);
  CHECK(c.on_success == "keep");

  limits_to_controls(json{{"cpu_limit", "80"}, {"memory_limit", nullptr}}, c);  // parseInt, null = 0
  CHECK(c.cpu_limit_percent == 80);
  CHECK(c.memory_limit_bytes == 0);
  CHECK(c.log_max_bytes == 0);
}

TEST_CASE("cronicle: the limits go through to_job_spec and come back from the job in event_json") {
  auto spec = to_job_spec(limited_event(), {}, "e1");
  REQUIRE(spec.ok());
  CHECK(spec->controls.cpu_limit_percent == 150);
  CHECK(spec->controls.memory_limit_bytes == 536870912);
  CHECK(spec->controls.log_max_bytes == 10485760);

  job_view view;
  view.spec = *spec;
  view.spec.controls.cpu_limit_percent = 90;  // the job's controls are what is shown
  json back = event_json(view, {});
  CHECK(back["cpu_limit"] == 90);
  CHECK(back["cpu_sustain"] == 30);
  CHECK(back["memory_limit"] == 536870912);
  CHECK(back["memory_sustain"] == 60);
  CHECK(back["log_max_size"] == 10485760);

  view.spec.controls = {};
  back = event_json(view, {});
  CHECK(back["cpu_limit"] == 0);
  CHECK(back["log_max_size"] == 0);
}

TEST_CASE("cronicle: limits out of range are refused, naming Cronicle's field") {
  json e = limited_event();
  e["cpu_sustain"] = 10'000'000;
  auto spec = to_job_spec(e, {}, "e1");
  REQUIRE_FALSE(spec.ok());
  CHECK(spec.error().description == "Malformed event: cpu_sustain: must be between 0 and 86400");
  e = limited_event();
  e["cpu_limit"] = int64_t{1} << 40;
  REQUIRE_FALSE(to_job_spec(e, {}, "e1").ok());
}
