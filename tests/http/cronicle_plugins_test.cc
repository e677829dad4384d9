// The Cronicle dialect's Plugin calls (plugin_calls.cc, custom_plugins.h) through the router with
// an in-memory scheduler_api: the stock Plugins listed as setup.json has them, create / update /
// delete with Cronicle's checks and answers, and events of a custom Plugin.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "http/cronicle/cronicle_dialect.h"
#include "http/cronicle/custom_plugins.h"
#include "http/cronicle/event_json.h"
#include "tests/http/cronicle_routes.h"

using namespace mainspring;
using namespace mainspring::http;
using nlohmann::json;

namespace {

json error(const std::string& code, const std::string& description) {
  return {{"code", code}, {"description", description}};
}

json backup_plugin() {
  return {{"id", "Back-Up"},
          {"title", "Backup"},
          {"enabled", 1},
          {"command", "/opt/bin/backup --level \"$LEVEL\""},
          {"cwd", "/tmp"},
          {"params", json::array({{{"id", "level"}, {"type", "text"}, {"size", 5}, {"title", "Level"}, {"value", "1"}},
                                  {{"id", "token"}, {"type", "hidden"}, {"title", "Token"}, {"value", "s3cret"}}})}};
}

json event_of(const std::string& plugin, json params) {
  return {{"title", "Nightly"}, {"enabled", 1}, {"category", "general"}, {"target", "allgrp"}, {"plugin", plugin},
          {"params", std::move(params)}};
}

const shell_target& shell_of(const job_view& v) { return std::get<shell_target>(v.spec.target); }

}  // namespace

TEST_CASE("cronicle plugins: get_plugins lists setup's three with their params") {
  cronicle_routes f;
  json list = f.call("get_plugins");
  INFO(list.dump());
  REQUIRE(list["code"] == 0);
  REQUIRE(list["rows"].size() == 3);
  CHECK(list["list"]["length"] == 3);
  CHECK(list["rows"][0]["id"] == "testplug");
  CHECK(list["rows"][1]["id"] == "shellplug");
  CHECK(list["rows"][2]["id"] == "urlplug");
  CHECK(list["rows"][1]["params"][0] == json{{"id", "script"}, {"type", "textarea"}, {"rows", 10}, {"title", "Script Source"},
                                             {"value", "#!/bin/sh\n\n# Enter your shell script code here"}});
  CHECK(list["rows"][2]["params"].size() == 11);
}

TEST_CASE("cronicle plugins: create_plugin refuses what Cronicle refuses and stores nothing then") {
  cronicle_routes f;
  json p = backup_plugin();
  auto without = [&](const char* field) {
    json q = p;
    q.erase(field);
    return q;
  };
  auto with = [&](const char* field, json value) {
    json q = p;
    q[field] = std::move(value);
    return q;
  };
  CHECK(f.call("create_plugin", without("title")) == error("api", "Missing parameter: title"));
  CHECK(f.call("create_plugin", without("command")) == error("api", "Missing parameter: command"));
  CHECK(f.call("create_plugin", with("command", " ")) == error("api", "Malformed parameter: command"));
  CHECK(f.call("create_plugin", with("enabled", true)) == error("api", "Malformed parameter type: enabled (boolean)"));
  CHECK(f.call("create_plugin", with("cwd", "/tmp;x")) == error("api", "Malformed parameter value: cwd"));
  CHECK(f.call("create_plugin", with("uid", "a b")) == error("api", "Malformed parameter value: uid"));
  CHECK(f.call("create_plugin", with("title", "<b>")) ==
        error("api", "Malformed title parameter: Cannot contain HTML metacharacters"));
  CHECK(f.call("create_plugin", with("command", "/bin/x a | b")) ==
        error("plugin", "Plugin executable cannot contain any shell redirects or pipes."));
  CHECK(f.call("create_plugin", without("params")) == error("plugin", "Plugin params object not present."));
  CHECK(f.call("create_plugin", with("params", json::object({{"a", 1}}))) == error("plugin", "Plugin params is not an array."));
  CHECK(f.call("create_plugin", with("params", json::array({{{"id", "a-b"}, {"type", "text"}}}))) ==
        error("plugin", "Plugin Parameter ID is invalid (must be alphanumeric)."));
  CHECK(f.call("create_plugin", with("params", json::array({{{"id", "a"}, {"type", "text"}, {"title", "A"}, {"value", ""}}}))) ==
        error("plugin", "Plugin Parameter size is not a number."));
  CHECK(f.call("create_plugin", with("params", json::array({{{"id", "a"}, {"type", "checkbox"}, {"title", "A"}, {"value", 2}}}))) ==
        error("plugin", "Plugin Parameter checkbox value is invalid (must be 1 or 0)."));
  CHECK(f.call("create_plugin", with("params", json::array({{{"id", "a"}, {"type", "select"}, {"title", "A"}, {"items", json::array()}}}))) ==
        error("plugin", "Plugin param select items is empty."));
  CHECK(f.call("create_plugin", with("id", "shellplug")) ==
        error("plugin", "Failed to create plugin: Plugin already exists: shellplug"));
  CHECK(f.api.group_documents("cronicle", std::string(cronicle::k_plugin_kind)).empty());
}

TEST_CASE("cronicle plugins: create_plugin normalizes the id, stores the Plugin whole and lists it first") {
  cronicle_routes f;
  json created = f.call("create_plugin", backup_plugin());
  REQUIRE(created == json{{"code", 0}, {"id", "backup"}});
  CHECK(f.call("create_plugin", backup_plugin()) == error("plugin", "Failed to create plugin: Plugin already exists: backup"));
  json other = backup_plugin();
  other.erase("id");
  other.erase("enabled");
  json made = f.call("create_plugin", other);
  REQUIRE(made["code"] == 0);
  const std::string generated = made["id"];
  CHECK(generated.starts_with("p"));
  json list = f.call("get_plugins");
  REQUIRE(list["rows"].size() == 5);
  CHECK(list["rows"][0]["id"] == generated);  // newest first
  CHECK(list["rows"][0]["enabled"] == 1);     // enabled unless it says otherwise
  const json& backup = list["rows"][1];
  CHECK(backup["id"] == "backup");
  CHECK(backup["title"] == "Backup");
  CHECK(backup["command"] == "/opt/bin/backup --level \"$LEVEL\"");
  CHECK(backup["cwd"] == "/tmp");
  CHECK(backup["params"] == backup_plugin()["params"]);
  CHECK(backup["created"].is_number());
  CHECK(backup["modified"] == backup["created"]);
  CHECK(f.call("get_plugins", {{"offset", 1}, {"limit", 1}})["rows"][0]["id"] == "backup");
}

TEST_CASE("cronicle plugins: an event of a custom Plugin runs its command, its params checked as Cronicle") {
  cronicle_routes f;
  REQUIRE(f.call("create_plugin", backup_plugin())["code"] == 0);
  CHECK(f.call("create_event", event_of("backup", {{"nope", 1}})) == error("event", "Unknown Plugin parameter: nope"));
  CHECK(f.call("create_event", event_of("nosuch", json::object())) ==
        error("event", "Failed to create event: Plugin not found: nosuch"));
  json created = f.call("create_event", event_of("backup", {{"level", "3"}}));
  REQUIRE(created["code"] == 0);
  const job_view& v = f.api.jobs["cronicle"][created["id"].get<std::string>()];
  const shell_target& t = shell_of(v);
  CHECK(t.json_lines);
  CHECK(t.input_format == "cronicle");
  CHECK(t.command.find("\n'/opt/bin/backup' --level \"$LEVEL\"\n") != std::string::npos);
  CHECK(t.command.find("export LEVEL=\"3\"") != std::string::npos);
  CHECK(t.command.find("export TOKEN=\"s3cret\"") != std::string::npos);  // a hidden param: the Plugin's value
  CHECK(t.command.find("cd -- '/tmp'") != std::string::npos);
  json shown = f.call("get_event", {{"id", created["id"]}});
  CHECK(shown["event"]["plugin"] == "backup");
  CHECK(shown["event"]["params"] == json{{"level", "3"}});
}

TEST_CASE("cronicle plugins: update_plugin merges, and edits the events of the Plugin to run the new command") {
  cronicle_routes f;
  REQUIRE(f.call("create_plugin", backup_plugin())["code"] == 0);
  json created = f.call("create_event", event_of("backup", {{"level", "3"}}));
  REQUIRE(created["code"] == 0);
  const std::string event_id = created["id"];
  CHECK(f.call("update_plugin", {{"id", "nosuch"}, {"title", "X"}}) == error("event", "Failed to locate plugin: nosuch"));
  CHECK(f.call("update_plugin", {{"id", "backup"}, {"command", "/bin/x > y"}}) ==
        error("plugin", "Plugin executable cannot contain any shell redirects or pipes."));
  CHECK(f.call("update_plugin", {{"id", "shellplug"}, {"title", "X"}}) ==
        error("plugin", "Failed to update plugin: Stock Plugins cannot be changed here: shellplug"));
  f.api.edited_id.clear();
  REQUIRE(f.call("update_plugin", {{"id", "backup"}, {"command", "/opt/bin/backup2 --quick"}}) == json{{"code", 0}});
  json listed = f.call("get_plugins")["rows"][0];
  CHECK(listed["command"] == "/opt/bin/backup2 --quick");
  CHECK(listed["title"] == "Backup");  // kept
  REQUIRE(f.api.edited_id == event_id);
  job_spec spec = f.api.jobs["cronicle"][event_id].spec;
  REQUIRE(f.api.patch);
  REQUIRE(f.api.patch->edit(spec).ok());
  CHECK(std::get<shell_target>(spec.target).command.find("\n'/opt/bin/backup2' --quick\n") != std::string::npos);
}

TEST_CASE("cronicle plugins: delete_plugin is refused while an event uses it, then removes it") {
  cronicle_routes f;
  REQUIRE(f.call("create_plugin", backup_plugin())["code"] == 0);
  json created = f.call("create_event", event_of("backup", json::object()));
  REQUIRE(created["code"] == 0);
  CHECK(f.call("delete_plugin", json::object()) == error("api", "Missing parameter: id"));
  CHECK(f.call("delete_plugin", {{"id", "backup"}}) ==
        error("plugin", "Failed to delete plugin: Still assigned to one or more events."));
  CHECK(f.call("delete_plugin", {{"id", "urlplug"}}) ==
        error("plugin", "Failed to delete plugin: Stock Plugins cannot be changed here: urlplug"));
  f.api.jobs["cronicle"].clear();
  CHECK(f.call("delete_plugin", {{"id", "backup"}}) == json{{"code", 0}});
  CHECK(f.call("delete_plugin", {{"id", "backup"}}) == error("plugin", "Failed to delete plugin: Error: Item not found"));
  CHECK(f.call("get_plugins")["rows"].size() == 3);
}

TEST_CASE("cronicle plugins: a job of a custom Plugin shows its title, command and params as Cronicle's job") {
  json plugin = backup_plugin();
  plugin["id"] = "backup";
  const cronicle::plugin_catalog plugins({cronicle::plugin_document(plugin)});
  json job = {{"plugin", "backup"}, {"plugin_title", "backup"}, {"params", {{"level", "9"}, {"token", "given"}}}};
  plugins.show(job);
  CHECK(job["plugin_title"] == "Backup");
  CHECK(job["command"] == plugin["command"]);
  CHECK(job["cwd"] == "/tmp");
  CHECK(job["params"] == json{{"level", "9"}, {"token", "s3cret"}});
  json row = {{"plugin", "backup"}};
  plugins.show(row, /*job_fields=*/false);
  CHECK(row == json{{"plugin", "backup"}, {"plugin_title", "Backup"}});
  json stock = {{"plugin", "shellplug"}, {"plugin_title", "Shell Script"}};
  plugins.show(stock);
  CHECK(stock == json{{"plugin", "shellplug"}, {"plugin_title", "Shell Script"}});
}

TEST_CASE("cronicle plugins: a start edits the events a Plugin's change did not reach (a crash inside update_plugin), and only those") {
  cronicle_routes f;
  REQUIRE(f.call("create_plugin", backup_plugin())["code"] == 0);
  json event = event_of("backup", json::object());
  const json more = {{"catch_up", true}, {"retries", 2}, {"retry_delay", 30}, {"cpu_limit", 50}, {"notes", "n"},
                           {"timeout", 3600}, {"timezone", "Europe/Paris"}, {"max_children", 2}, {"queue", 1},
                           {"timing", {{"minutes", {5}}}}, {"web_hook", "http://127.0.0.1:9/h"}, {"multiplex", 0}};
  for (auto it = more.begin(); it != more.end(); ++it) event[it.key()] = *it;
  const std::string event_id = f.call("create_event", event)["id"];
  auto start_again = [&f] {
    f.api.edited_id.clear();
    router routes;
    dialect d = cronicle::make_dialect({.group = "cronicle", .hostname = "h1"});
    d.add_routes(routes, f.api);
  };
  start_again();
  CHECK(f.api.edited_id.empty());  // the event runs what its Plugin says
  // The Plugin's new command is stored; its event still holds the former one.
  group_document& stored = f.api.documents["cronicle/" + std::string(cronicle::k_plugin_kind)]["backup"];
  json changed = json::parse(stored.json_text);
  changed["command"] = "/opt/bin/other";
  stored.json_text = changed.dump();
  start_again();
  REQUIRE(f.api.edited_id == event_id);
  job_spec& spec = f.api.jobs["cronicle"][event_id].spec;
  REQUIRE(f.api.patch->edit(spec).ok());
  CHECK(std::get<shell_target>(spec.target).command.find("\n'/opt/bin/other'\n") != std::string::npos);
  start_again();
  CHECK(f.api.edited_id.empty());
}
