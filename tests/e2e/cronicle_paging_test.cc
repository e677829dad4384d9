// End to end: the Cronicle list calls page as Cronicle does: get_history and get_event_history
// with pixl-server-storage's listGet (a negative offset counts from the end, an offset past the
// end is an empty list of length 0), get_schedule with Array.prototype.slice.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/e2e/cronicle_helpers.h"

using namespace mainspring;
using namespace mainspring::e2e;

namespace {

std::vector<std::string> ids_of(const json& rows) {
  std::vector<std::string> ids;
  for (const auto& r : rows) ids.push_back(r["id"]);
  return ids;
}

}  // namespace

TEST_CASE("cronicle: get_history and get_event_history page as listGet, a negative offset from the end") {
  cronicle_server s;
  std::string id = s.create(with(shell_event("Quick", "#!/bin/sh\ntrue\n"), {{"max_children", 0}}));
  for (int i = 0; i < 4; ++i) s.wait_job(s.ok("run_event", {{"id", id}})["ids"][0]);
  json all;
  REQUIRE(eventually([&] {
    all = s.ok("get_history");
    return all["rows"].size() == 4;
  }));
  const auto order = ids_of(all["rows"]);
  CHECK(all["list"] == json{{"page_size", 50}, {"first_page", 0}, {"last_page", 0}, {"length", 4}, {"type", "list"}});
  for (const char* call : {"get_history", "get_event_history"}) {
    INFO(call);
    auto page = [&](const json& params) { return s.ok(call, with(params, {{"id", id}})); };
    CHECK(ids_of(page(json::object())["rows"]) == order);
    json last = page({{"offset", -1}});
    CHECK(ids_of(last["rows"]) == std::vector<std::string>{order[3]});
    CHECK(last["list"]["length"] == 4);
    CHECK(ids_of(page({{"offset", "-3"}, {"limit", 2}})["rows"]) == std::vector<std::string>{order[1], order[2]});
    CHECK(ids_of(page({{"offset", -40}, {"limit", 1}})["rows"]) == std::vector<std::string>{order[0]});
    // Past the end: listGet's "Index out of range", answered as a list Cronicle never made.
    json past = page({{"offset", 4}});
    CHECK(past["rows"] == json::array());
    CHECK(past["list"] == json{{"length", 0}});
    CHECK(ids_of(page({{"offset", "abc"}, {"limit", "x"}})["rows"]) == order);  // NaN: from 0, all
    CHECK(ids_of(page({{"offset", 1}, {"limit", -1}})["rows"]).size() == 3);  // to the end of the page
    CHECK(ids_of(s.get(std::string("/api/app/") + call + "/v1?id=" + id + "&offset=-2&limit=0&api_key=" + s.admin)["rows"]) ==
          std::vector<std::string>{order[2], order[3]});
  }
}

TEST_CASE("cronicle: get_schedule pages as Array.prototype.slice, a negative offset from the end") {
  cronicle_server s;
  std::vector<std::string> ids;
  for (const char* title : {"One", "Two", "Three"}) ids.insert(ids.begin(), s.create(shell_event(title, "true")));
  CHECK(ids_of(s.ok("get_schedule")["rows"]) == ids);  // newest first
  CHECK(ids_of(s.ok("get_schedule", {{"offset", -1}, {"limit", 0}})["rows"]) == std::vector<std::string>{ids[2]});
  CHECK(ids_of(s.ok("get_schedule", {{"offset", -2}, {"limit", 1}})["rows"]) == std::vector<std::string>{ids[1]});
  CHECK(ids_of(s.ok("get_schedule", {{"offset", 0}, {"limit", -1}})["rows"]) == std::vector<std::string>{ids[0], ids[1]});
  json past = s.ok("get_schedule", {{"offset", 5}, {"limit", 5}});
  CHECK(past["rows"] == json::array());
  CHECK(past["list"]["length"] == 3);  // slice never fails: the whole count
  CHECK(s.ok("get_schedule", {{"offset", "abc"}, {"limit", 2}})["rows"] == json::array());  // slice(NaN, NaN)
  CHECK(ids_of(s.get("/api/app/get_schedule/v1?offset=-2&api_key=" + s.admin)["rows"]) ==
        std::vector<std::string>{ids[1], ids[2]});
  CHECK(s.ok("get_schedule")["list"] ==
        json{{"page_size", 50}, {"first_page", 0}, {"last_page", 0}, {"length", 3}, {"type", "list"}});
}
