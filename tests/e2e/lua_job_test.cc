// End-to-end: LUA@ jobs run their function in the sandbox and record what it printed and returned.
#include <catch2/catch.hpp>

#include "tests/e2e/native_helpers.h"
#include "tests/e2e/server_process.h"

using namespace mainspring::e2e;

TEST_CASE("a LUA@ job's function runs with its arguments, errors and bad source are reported") {
  server_process server;
  native_api api(server.base_url());
  api.register_group("G");
  std::string ok = api.add_job({{"group_name", "G"}, {"name", "Hello"}, {"interval_pattern", "@manually"},
                                {"request_url", "LUA@"},
                                {"exec_command", "function Hello(id, group, plan, exec)\n"
                                                 "  print('hi ' .. id .. ' ' .. group)\n"
                                                 "  return plan > 0 and 'planned' or 'none'\nend"}});
  std::string failing = api.add_job({{"group_name", "G"}, {"name", "Boom"}, {"interval_pattern", "@manually"},
                                     {"request_url", "LUA@"},
                                     {"exec_command", "function Boom() return nil, 'bad input' end"}});
  std::string escaping = api.add_job({{"group_name", "G"}, {"name", "Esc"}, {"interval_pattern", "@manually"},
                                      {"request_url", "LUA@"},
                                      {"exec_command", "function Esc() os.execute('touch /tmp/x') end"}});
  auto bad = api.client.post_json("/v1/add/job", json{{"group_name", "G"}, {"name", "Hello"},
                                                     {"interval_pattern", "@manually"}, {"request_url", "LUA@"},
                                                     {"exec_command", "function Hello( end"}});
  CHECK(bad.status == 400);
  CHECK(bad.json()["error"].get<std::string>().rfind("exec_command: ", 0) == 0);

  for (const auto& id : {ok, failing, escaping})
    api.success(api.client.post_json("/v1/G/job/" + id + "/run", json::object()));
  auto finished = [&](const std::string& id) {
    json runs = api.executions("G", id);
    return runs.size() == 1 && runs[0]["state"] != "running" ? runs[0] : json();
  };
  json run;
  REQUIRE(eventually([&] { return !(run = finished(ok)).is_null(); }));
  CHECK(run["state"] == "succeeded");
  CHECK(run["output_tail"] == "hi " + ok + " G\nplanned\n");
  REQUIRE(eventually([&] { return !(run = finished(failing)).is_null(); }));
  CHECK(run["state"] == "failed");
  CHECK(run["error"] == "bad input");
  REQUIRE(eventually([&] { return !(run = finished(escaping)).is_null(); }));
  CHECK(run["state"] == "failed");  // os.execute does not exist in the sandbox
}
