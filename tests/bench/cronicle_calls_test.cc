// The bench's Cronicle requests: event and run bodies that create_event and run_event accept, and
// what counts as an accepted answer.
#include "bench/cronicle_calls.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "bench/workload.h"

using namespace mainspring::bench;
using nlohmann::json;

TEST_CASE("a cronicle event body names its id, key and plugin, and has timing unless manual") {
  job_batch b;
  b.api = "cronicle";
  b.api_key = "0123456789abcdef.secret";
  b.id_prefix = "ev";
  json noop = json::parse(cronicle_event_body(b, 7));
  CHECK(noop["id"] == "ev7");
  CHECK(noop["title"] == "ev7");
  CHECK(noop["api_key"] == b.api_key);
  CHECK(noop["plugin"] == "testplug");
  CHECK(noop["category"] == "general");
  CHECK(noop["timing"]["minutes"] == json::array({7}));
  b.pattern = "@manually";
  b.request_url = "HTTP@http://127.0.0.1:9/hit";
  json http = json::parse(cronicle_event_body(b, 1));
  CHECK_FALSE(http.contains("timing"));
  CHECK(http["plugin"] == "urlplug");
  CHECK(http["params"]["url"] == "http://127.0.0.1:9/hit");
  CHECK(json::parse(cronicle_run_body(b, 1)) == json{{"id", "ev1"}, {"api_key", b.api_key}});
}

TEST_CASE("only a code 0 answer counts as accepted") {
  http_result ok{200, R"({"code":0,"id":"e1"})", "", {}};
  http_result refused{200, R"({"code":"api","description":"x"})", "", {}};
  http_result down{0, "", "connection refused", {}};
  CHECK(cronicle_accepted(ok));
  CHECK_FALSE(cronicle_accepted(refused));
  CHECK_FALSE(cronicle_accepted(down));
}
