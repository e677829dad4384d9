// End to end: Cronicle's custom Plugins through the real server: the Plugin calls and their
// refusals (which change nothing), admin keys for the changes, Plugins kept across a kill -9, and
// an event of a custom Plugin running a real command: its params as variables, JOB_ID, the job's
// JSON on stdin, a JSON report ending the job, the Plugin's cwd, and update_plugin's new command
// (or its switch) in effect from the next run.
#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "tests/e2e/cronicle_helpers.h"

using namespace mainspring;
using namespace mainspring::e2e;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A script file `name` in `dir` (run as `/bin/sh <file>`).
std::string script_file(const scratch_dir& dir, const std::string& name, const std::string& body) {
  const std::string path = dir.path + "/" + name;
  std::ofstream(path) << body;
  return path;
}

json plugin_running(const std::string& title, const std::string& command, const std::string& cwd) {
  return {{"title", title},
          {"enabled", 1},
          {"command", command},
          {"cwd", cwd},
          {"params", json::array({{{"id", "greeting"}, {"type", "text"}, {"size", 20}, {"title", "Greeting"}, {"value", "hi"}},
                                  {{"id", "loud"}, {"type", "checkbox"}, {"title", "Loud"}, {"value", 0}}})}};
}

json event_of(const std::string& plugin, const json& params) {
  return {{"title", "With a Plugin"}, {"enabled", 1}, {"category", "general"}, {"target", "allgrp"},
          {"plugin", plugin}, {"params", params}};
}

}  // namespace

TEST_CASE("cronicle plugins: the calls answer as Cronicle's, changes need an admin key, bad input changes nothing, kill -9 keeps them") {
  cronicle_server s;
  REQUIRE(s.ok("get_plugins")["rows"].size() == 3);
  std::string reader = s.key_with(json::array());
  CHECK(s.call("get_plugins", json::object(), reader)["code"] == 0);
  json refused = s.call("create_plugin", plugin_running("P", "/bin/true", "/tmp"), reader);
  CHECK(refused["code"] == "user");
  CHECK(refused["description"].get<std::string>().starts_with("User is not an administrator: "));

  json no_title = plugin_running("P", "/bin/true", "/tmp");
  no_title.erase("title");
  check_error(s.call("create_plugin", no_title), "api", "Missing parameter: title");
  // Parameters are checked before the key, as Cronicle's handler checks them.
  check_error(s.call("create_plugin", no_title, reader), "api", "Missing parameter: title");
  json no_command = plugin_running("P", "/bin/true", "/tmp");
  no_command.erase("command");
  check_error(s.call("create_plugin", no_command), "api", "Missing parameter: command");
  check_error(s.call("create_plugin", plugin_running("P", "/bin/true a > b", "/tmp")), "plugin",
              "Plugin executable cannot contain any shell redirects or pipes.");
  check_error(s.call("update_plugin", {{"id", "nope"}, {"title", "X"}}), "event", "Failed to locate plugin: nope");
  check_error(s.call("delete_plugin", {{"id", "nope"}}), "plugin", "Failed to delete plugin: Error: Item not found");
  CHECK(s.ok("get_plugins")["rows"].size() == 3);

  CHECK(s.ok("create_plugin", with(plugin_running("Mine", "/bin/true", "/tmp"), {{"id", "My Plugin"}}))["id"] == "myplugin");
  s.ok("update_plugin", {{"id", "myplugin"}, {"title", "Renamed"}, {"uid", "nobody"}});
  check_error(s.call("update_plugin", {{"id", "myplugin"}, {"title", ""}, {"cwd", "a;b"}}), "api",
              "Malformed parameter value: cwd");
  s.server.kill9();
  s.server.restart();
  json rows = s.ok("get_plugins")["rows"];
  REQUIRE(rows.size() == 4);
  CHECK(rows[0]["id"] == "myplugin");
  CHECK(rows[0]["title"] == "Renamed");
  CHECK(rows[0]["uid"] == "nobody");
  CHECK(rows[0]["command"] == "/bin/true");
  CHECK(rows[0]["params"].size() == 2);
  CHECK(rows[1]["id"] == "testplug");

  std::string event = s.create(event_of("myplugin", json::object()));
  check_error(s.call("delete_plugin", {{"id", "myplugin"}}), "plugin",
              "Failed to delete plugin: Still assigned to one or more events.");
  s.ok("delete_event", {{"id", event}});
  s.ok("delete_plugin", {{"id", "myplugin"}});
  s.server.kill9();
  s.server.restart();
  CHECK(s.ok("get_plugins")["rows"].size() == 3);
}

TEST_CASE("cronicle plugins: an event of a custom Plugin runs its command with its params, JOB_ID, the job on stdin and JSON reports") {
  cronicle_server s;
  scratch_dir dir;
  const std::string script = script_file(dir, "plugin.sh",
                                         "cat > stdin.json\n"
                                         "printf '%s\\n' \"$GREETING\" \"$LOUD\" \"$JOB_ID\" \"$1\" > env.txt\n"
                                         "echo 'a line for the log'\n"
                                         "echo '{\"progress\":0.5}'\n"
                                         "echo '{\"complete\":1,\"code\":3,\"description\":\"x\"}'\n");
  const std::string plugin = s.ok("create_plugin", plugin_running("Reporter", "/bin/sh " + script + " \"$GREETING!\"", dir.path))["id"];
  check_error(s.call("create_event", event_of(plugin, {{"colour", "red"}})), "event", "Unknown Plugin parameter: colour");
  const std::string event = s.create(event_of(plugin, {{"greeting", "hello world"}}));
  CHECK(s.ok("get_event", {{"id", event}})["event"]["params"] == json{{"greeting", "hello world"}});

  const std::string job_id = s.ok("run_event", {{"id", event}})["ids"][0];
  json job = s.wait_job(job_id);
  CHECK(job["code"] == 3);
  CHECK(job["description"] == "x");
  CHECK(job["plugin_title"] == "Reporter");
  CHECK(read_file(dir.path + "/env.txt") == "hello world\n0\n" + job_id + "\nhello world!\n");
  json input = json::parse(read_file(dir.path + "/stdin.json"), nullptr, false);
  INFO(input.dump());
  CHECK(input["id"] == job_id);
  CHECK(input["event"] == event);
  CHECK(input["plugin"] == plugin);
  CHECK(input["plugin_title"] == "Reporter");
  CHECK(input["params"] == json{{"greeting", "hello world"}, {"loud", 0}});
  CHECK(s.job_output(job_id).find("a line for the log") != std::string::npos);
  CHECK(s.history(event)[0]["plugin_title"] == "Reporter");
}

TEST_CASE("cronicle plugins: update_plugin's new command and switch take effect from the next run, across a kill -9") {
  cronicle_server s;
  scratch_dir dir;
  const std::string a = script_file(dir, "a.sh", "echo a >> runs.txt\necho '{\"complete\":1}'\n");
  const std::string b = script_file(dir, "b.sh", "echo b >> runs.txt\necho '{\"complete\":1}'\n");
  const std::string plugin = s.ok("create_plugin", plugin_running("Switcher", "/bin/sh " + a, dir.path))["id"];
  const std::string event = s.create(event_of(plugin, json::object()));
  CHECK(s.wait_job(s.ok("run_event", {{"id", event}})["ids"][0])["code"] == 0);
  CHECK(read_file(dir.path + "/runs.txt") == "a\n");

  s.ok("update_plugin", {{"id", plugin}, {"command", "/bin/sh " + b}});
  // The activity log: the Plugin's change, then its event's edit under the event's own title.
  const json rows = s.ok("get_activity", {{"limit", 2}})["rows"];
  REQUIRE(rows.size() == 2);
  CHECK(rows[0]["action"] == "event_update");
  CHECK(rows[0]["event"] == json{{"id", event}, {"title", "With a Plugin"}});
  CHECK(rows[1]["action"] == "plugin_update");
  CHECK(rows[1]["plugin"] == json{{"id", plugin}, {"title", "Switcher"}});
  CHECK(s.wait_job(s.ok("run_event", {{"id", event}})["ids"][0])["code"] == 0);
  CHECK(read_file(dir.path + "/runs.txt") == "a\nb\n");

  s.ok("update_plugin", {{"id", plugin}, {"enabled", 0}});
  s.server.kill9();
  s.server.restart();
  json job = s.wait_job(s.ok("run_event", {{"id", event}})["ids"][0]);
  CHECK(job["code"] == 1);
  CHECK(job["description"] == "Plugin 'Switcher' is disabled.");
  s.ok("update_plugin", {{"id", plugin}, {"enabled", 1}});
  CHECK(s.wait_job(s.ok("run_event", {{"id", event}})["ids"][0])["code"] == 0);
  CHECK(read_file(dir.path + "/runs.txt") == "a\nb\nb\n");
}
