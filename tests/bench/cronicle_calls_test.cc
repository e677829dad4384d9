// The bench's run_event requests: a body run_event accepts, and what counts as accepted.
#include "bench/cronicle_calls.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "bench/workload.h"

using namespace mainspring::bench;
using nlohmann::json;

TEST_CASE("a run_event body names the event and carries the batch's key") {
  job_batch b;
  b.api = "cronicle";
  b.api_key = "0123456789abcdef.secret";
  b.id_prefix = "ev";
  CHECK(json::parse(cronicle_run_body(b, 1)) == json{{"id", "ev1"}, {"api_key", b.api_key}});
}

TEST_CASE("only a code 0 answer counts as accepted") {
  http_result ok{200, R"({"code":0,"ids":["jev1_5"]})", "", {}};
  http_result refused{200, R"({"code":"event","description":"x"})", "", {}};
  http_result down{0, "", "connection refused", {}};
  CHECK(cronicle_accepted(ok));
  CHECK_FALSE(cronicle_accepted(refused));
  CHECK_FALSE(cronicle_accepted(down));
}
