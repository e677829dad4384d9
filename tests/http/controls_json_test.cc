// The native API's job controls (http/native/controls_json.h): what a client reads back is what
// it can send again without losing anything, including the controls a dialect's jobs set.
#include "http/native/controls_json.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace mainspring;
using namespace mainspring::http::native;
using nlohmann::json;

TEST_CASE("controls read back and sent again are the same controls, a dialect's hook format and retry rule too") {
  job_controls c;
  c.max_running = 2;
  c.queue = true;
  c.queue_max = 5;
  c.on_failure = "page";
  c.hook_url = "http://127.0.0.1:9/hook";
  c.hook_format = "cronicle";
  c.cpu_limit_percent = 50;
  c.cpu_sustain_s = 10;
  c.memory_limit_bytes = 1 << 20;
  c.memory_sustain_s = 3;
  c.log_max_bytes = 4096;
  c.retry_aborted = false;
  c.pool = "nightly";
  auto back = controls_field(json{{"controls", controls_json(c)}});
  REQUIRE(back.ok());
  REQUIRE(back->has_value());
  CHECK(**back == c);
}

TEST_CASE("controls left out take their defaults, and an empty object is the default controls") {
  auto none = controls_field(json{{"name", "x"}});
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
  auto empty = controls_field(json{{"controls", json::object()}});
  REQUIRE(empty.ok());
  CHECK(**empty == job_controls{});
  CHECK((*empty)->retry_aborted);
}

TEST_CASE("controls of the wrong type or an unknown member are refused, named") {
  auto bad = [](json controls) { return controls_field(json{{"controls", controls}}).status().message(); };
  CHECK(bad(json::array()) == "controls: must be an object");
  CHECK(bad({{"retry_aborted", "no"}}) == "controls: retry_aborted: must be true or false, got string");
  CHECK(bad({{"hook_format", 3}}).find("controls: hook_format: must be a string") == 0);
  CHECK(bad({{"max_running", 1LL << 40}}) == "controls: max_running: out of range");
  CHECK(bad({{"pools", "x"}}) == "controls: unknown member \"pools\"");
}
