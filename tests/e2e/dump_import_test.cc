// End-to-end: dump, import into an empty server, a group's run pools (Cronicle's categories)
// and documents (Cronicle's custom Plugins) through both, and refusal of bad archives.
#include <archive.h>
#include <archive_entry.h>

#include <algorithm>

#include <catch2/catch.hpp>

#include "tests/e2e/cronicle_helpers.h"
#include "tests/e2e/http_client.h"
#include "tests/e2e/native_helpers.h"
#include "tests/e2e/server_process.h"

using namespace mainspring;
using namespace mainspring::e2e;

namespace {

// A job's detail without what changes by the second (counts, next fire, runs).
json spec_of(native_api& api, const std::string& group, const std::string& id) {
  json d = api.detail(group, id);
  for (const char* volatile_field : {"counts", "next_fire_time", "last_run", "last_success", "last_error", "retries_waiting"})
    d.erase(volatile_field);
  return d;
}

using entries = std::vector<std::pair<std::string, std::string>>;

// The plain files of a gzip'd tar, by name, in order.
entries entries_of(const std::string& tar_gz) {
  entries out;
  archive* a = archive_read_new();
  archive_read_support_filter_gzip(a);
  archive_read_support_format_tar(a);
  REQUIRE(archive_read_open_memory(a, tar_gz.data(), tar_gz.size()) == ARCHIVE_OK);
  archive_entry* e = nullptr;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    std::string content(static_cast<std::size_t>(archive_entry_size(e)), '\0');
    archive_read_data(a, content.data(), content.size());
    out.emplace_back(archive_entry_pathname(e), std::move(content));
  }
  archive_read_free(a);
  return out;
}

// A gzip'd tar holding `files`.
std::string tar_gz_of(const entries& files) {
  std::string out;
  archive* a = archive_write_new();
  archive_write_add_filter_gzip(a);
  archive_write_set_format_pax_restricted(a);
  auto write = [](archive*, void* client, const void* buffer, size_t length) -> la_ssize_t {
    static_cast<std::string*>(client)->append(static_cast<const char*>(buffer), length);
    return static_cast<la_ssize_t>(length);
  };
  archive_write_open(a, &out, nullptr, write, nullptr);
  for (const auto& [name, content] : files) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_size(e, static_cast<la_int64_t>(content.size()));
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_write_header(a, e);
    archive_write_data(a, content.data(), content.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

std::string tar_gz_with(const std::string& name, const std::string& content) { return tar_gz_of({{name, content}}); }

// `files` with the first `from` in `name`'s content replaced by `to`.
entries replaced(entries files, const std::string& name, const std::string& from, const std::string& to) {
  for (auto& [n, content] : files)
    if (n == name) {
      auto at = content.find(from);
      REQUIRE(at != std::string::npos);
      content.replace(at, from.size(), to);
    }
  return files;
}

// `files` with every group file's `from` (all of them) replaced by `to`.
entries replaced_in_groups(entries files, const std::string& from, const std::string& to) {
  for (auto& [name, content] : files) {
    if (name == "dump-manifest.json") continue;
    for (auto at = content.find(from); at != std::string::npos; at = content.find(from, at + to.size()))
      content.replace(at, from.size(), to);
  }
  return files;
}

std::vector<std::string> category_ids(cronicle_server& s) {
  std::vector<std::string> ids;
  const json rows = s.ok("get_categories")["rows"];  // kept: a loop over a temporary's member dangles
  for (const auto& row : rows) ids.push_back(row["id"]);
  std::sort(ids.begin(), ids.end());
  return ids;
}

// The custom Plugin `id` as get_plugins lists it, or null.
json plugin_row(cronicle_server& s, const std::string& id) {
  const json rows = s.ok("get_plugins")["rows"];
  for (const auto& row : rows)
    if (row["id"] == id) return row;
  return nullptr;
}

http_response dump_all(cronicle_server& s) {
  return s.native.request("GET", "/v1/dump/all", std::nullopt, "application/json", {"X-API-Key: " + s.admin});
}

http_response import_into(cronicle_server& s, const std::string& archive) {
  return s.native.request("POST", "/v1/import", archive, "application/gzip", {"X-API-Key: " + s.admin});
}

}  // namespace

TEST_CASE("a dump imported into an empty server round-trips exactly") {
  server_process source;
  native_api a(source.base_url());
  std::string secret = a.register_group("YM55");
  a.register_group("Empty");
  std::vector<std::string> ids;
  ids.push_back(a.add_job({{"group_name", "YM55"}, {"name", "Hello"}, {"job_id", "h1"},
                           {"interval_pattern", "0 30 9 * * MON-FRI"}, {"timezone", "Europe/Berlin"},
                           {"request_url", "HTTP@http://127.0.0.1:9/x?test=yao"}, {"timeout", 7},
                           {"retries", 2}, {"retry_delay", 3}, {"concurrency", "forbid"},
                           {"misfire", "all"}, {"memo", "caf\u00e9"}, {"metadata", {{"team", "ops"}}}}));
  ids.push_back(a.add_job({{"group_name", "YM55"}, {"name", "sh"}, {"interval_pattern", "@every 1h"},
                           {"request_url", ""}, {"exec_command", "echo 'quoted' \"x\""}}));
  a.post_ok("/v1/pause/job", {{"group_name", "YM55"}, {"job_id", ids[1]}});

  auto dump = a.client.get("/v1/dump/all");
  REQUIRE(dump.status == 200);
  auto group_dump = a.client.get("/v1/YM55/dump");
  REQUIRE(group_dump.status == 200);

  server_process target;
  native_api b(target.base_url());
  auto imported = b.client.request("POST", "/v1/import", dump.body, "application/gzip");
  INFO(imported.body);
  REQUIRE(imported.status == 200);
  CHECK(b.success(imported) == "success");

  CHECK(b.success(b.client.get("/v1/group/list")) == json::array({"Empty", "YM55"}));
  CHECK(b.success(b.client.get("/v1/YM55/group/info")) == secret);
  for (const auto& id : ids) CHECK(spec_of(b, "YM55", id) == spec_of(a, "YM55", id));
  CHECK(b.detail("YM55", ids[1])["phase"] == "paused");
  // Importing again would duplicate the groups: refused, and nothing changes.
  auto again = b.client.request("POST", "/import", group_dump.body, "application/gzip");
  CHECK(again.status == 409);
  CHECK(b.jobs("YM55").size() == 2);
}

TEST_CASE("an import replaces a group of the same name that holds nothing, never one with jobs") {
  server_process source;
  native_api a(source.base_url());
  const std::string secret = a.register_group("Filled");
  a.add_job({{"group_name", "Filled"}, {"name", "j"}, {"job_id", "j1"}, {"interval_pattern", "@every 1h"},
             {"request_url", ""}, {"exec_command", "true"}});
  auto dump = a.client.get("/v1/dump/all");
  REQUIRE(dump.status == 200);

  server_process target;
  native_api b(target.base_url());
  const std::string own_secret = b.register_group("Filled");
  b.add_job({{"group_name", "Filled"}, {"name", "mine"}, {"job_id", "m1"}, {"interval_pattern", "@every 1h"},
             {"request_url", ""}, {"exec_command", "true"}});
  // The same name with a job: refused whole, and the group is as it was (and still takes calls).
  auto refused = b.client.request("POST", "/v1/import", dump.body, "application/gzip");
  INFO(refused.body);
  CHECK(refused.status == 409);
  CHECK(refused.body.find("has jobs or funcs") != std::string::npos);
  CHECK(b.success(b.client.get("/v1/Filled/group/info")) == own_secret);
  REQUIRE(b.jobs("Filled").size() == 1);
  CHECK(b.jobs("Filled")[0]["id"] == "m1");
  b.post_ok("/v1/pause/job", {{"group_name", "Filled"}, {"job_id", "m1"}});

  // Emptied, the group is replaced: the archive's secret and jobs.
  b.client.del("/v1/Filled/job/clear");
  REQUIRE(b.jobs("Filled").empty());
  auto imported = b.client.request("POST", "/v1/import", dump.body, "application/gzip");
  INFO(imported.body);
  REQUIRE(imported.status == 200);
  CHECK(b.success(b.client.get("/v1/Filled/group/info")) == secret);
  REQUIRE(b.jobs("Filled").size() == 1);
  CHECK(b.jobs("Filled")[0]["id"] == "j1");
  CHECK(b.success(b.client.get("/v1/group/list")) == json::array({"Filled"}));
  // The new group takes calls.
  b.post_ok("/v1/pause/job", {{"group_name", "Filled"}, {"job_id", "j1"}});
  CHECK(b.detail("Filled", "j1")["phase"] == "paused");
}

TEST_CASE("a dump of a server that serves Dkron imports into a fresh one with the same listener") {
  const uint16_t source_port = pick_free_port();
  server_process source({"--dkron-listen", "127.0.0.1:" + std::to_string(source_port)});
  http_client source_dkron("http://127.0.0.1:" + std::to_string(source_port));
  auto job = json{{"name", "nightly"}, {"schedule", "@every 1h"}, {"executor", "shell"},
                  {"executor_config", {{"command", "true"}}}};
  REQUIRE(source_dkron.post_json("/v1/jobs", job).status == 201);
  native_api a(source.base_url());
  auto dump = a.client.get("/v1/dump/all");
  REQUIRE(dump.status == 200);

  const uint16_t target_port = pick_free_port();
  server_process target({"--dkron-listen", "127.0.0.1:" + std::to_string(target_port)});
  http_client target_dkron("http://127.0.0.1:" + std::to_string(target_port));
  native_api b(target.base_url());
  auto imported = b.client.request("POST", "/v1/import", dump.body, "application/gzip");
  INFO(imported.body);
  REQUIRE(imported.status == 200);
  auto shown = target_dkron.get("/v1/jobs/nightly");
  INFO(shown.body);
  REQUIRE(shown.status == 200);
  CHECK(json::parse(shown.body)["schedule"] == "@every 1h");
  // The listener goes on writing into the imported group.
  auto more = json{{"name", "hourly"}, {"schedule", "@every 2h"}, {"executor", "shell"},
                   {"executor_config", {{"command", "true"}}}};
  CHECK(target_dkron.post_json("/v1/jobs", more).status == 201);
  CHECK(json::parse(target_dkron.get("/v1/jobs").body).size() == 2);
}

TEST_CASE("a corrupt or hostile archive is refused with 400 and changes nothing") {
  server_process server;
  native_api api(server.base_url());
  api.register_group("Keep");
  auto valid = api.client.get("/v1/dump/all");
  REQUIRE(valid.status == 200);
  api.post_ok("/v1/remove/group", {{"group_name", "Keep"}});

  std::vector<std::pair<std::string, std::string>> bad = {
      {"garbage", "this is not a gzip stream"},
      {"truncated", valid.body.substr(0, valid.body.size() / 2)},
      {"path traversal", tar_gz_with("../evil.json", "{}")},
      {"absolute path", tar_gz_with("/etc/evil.json", "{}")},
      {"bad JSON", tar_gz_with("Bad.json", "{not json")},
      {"wrong types", tar_gz_with("Bad.json", R"({"group":{"name":"Bad","secret":5},"jobs":[]})")},
  };
  for (const auto& [what, bytes] : bad) {
    INFO(what);
    auto r = api.client.request("POST", "/v1/import", bytes, "application/gzip");
    CHECK(r.status == 400);
    CHECK(r.json()["error"].get<std::string>().rfind("import: ", 0) == 0);
  }
  CHECK(api.success(api.client.get("/v1/group/list")).empty());
}

TEST_CASE("an archive is held to what an add checks: Lua that does not compile and secrets that are not base32 are 400s") {
  server_process server;
  native_api api(server.base_url());
  const std::string secret = api.register_group("Imp");
  api.add_job({{"group_name", "Imp"}, {"name", "lj"}, {"job_id", "lj"}, {"interval_pattern", "@every 1h"},
               {"request_url", "LUA@"}, {"exec_command", "function lj() end"}});
  auto dump = api.client.get("/v1/Imp/dump");
  REQUIRE(dump.status == 200);
  const entries files = entries_of(dump.body);
  api.post_ok("/v1/remove/group", {{"group_name", "Imp"}});

  struct bad {
    const char* what;
    entries files;
    const char* error;
  };
  const bad cases[] = {
      {"Lua that does not compile", replaced(files, "Imp.json", "function lj() end", "function ("),
       "import: group \"Imp\" job \"lj\": "},
      {"a group secret that is not base32", replaced(files, "Imp.json", secret, "!!notbase32"),
       "import: Imp.json: group.secret: not a base32 TOTP secret"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    auto r = api.client.request("POST", "/v1/import", tar_gz_of(c.files), "application/gzip");
    CHECK(r.status == 400);
    CHECK(r.json()["error"].get<std::string>().rfind(c.error, 0) == 0);
    CHECK(api.success(api.client.get("/v1/group/list")).empty());
  }
  // The archive as dumped still imports.
  auto r = api.client.request("POST", "/v1/import", tar_gz_of(files), "application/gzip");
  CHECK(r.status == 200);
}

TEST_CASE("an archive holding its group's run pools is refused when a job names a pool it does not hold") {
  server_process server;
  native_api api(server.base_url());
  api.register_group("Imp");
  REQUIRE(api.client.request("PUT", "/v1/Imp/pool/p", json{{"max_running", 1}}.dump()).status == 200);
  api.add_job({{"group_name", "Imp"}, {"name", "a"}, {"job_id", "a"}, {"interval_pattern", "@manually"},
               {"exec_command", "true"}, {"controls", {{"pool", "p"}}}});
  auto dump = api.client.get("/v1/Imp/dump");
  REQUIRE(dump.status == 200);
  const entries files = entries_of(dump.body);
  api.post_ok("/v1/remove/group", {{"group_name", "Imp"}});  // its jobs and pools go too

  auto r = api.client.request("POST", "/v1/import", tar_gz_of(replaced(files, "Imp.json", "{\"name\": \"p\"", "{\"name\": \"q\"")),
                              "application/gzip");
  INFO(r.body);
  CHECK(r.status == 400);
  CHECK(r.json()["error"] == "import: group \"Imp\" job \"a\": controls: pool: the archive has no run pool p for the group");
  CHECK(api.success(api.client.get("/v1/group/list")).empty());
  // The archive as dumped imports, its job in its pool.
  auto ok = api.client.request("POST", "/v1/import", tar_gz_of(files), "application/gzip");
  INFO(ok.body);
  REQUIRE(ok.status == 200);
  CHECK(api.detail("Imp", "a")["controls"]["pool"] == "p");
  CHECK(api.success(api.client.get("/v1/Imp/pool/p"))["max_running"] == 1);
}

TEST_CASE("a group's run pools come back from a dump: a Cronicle category imported limits its events at once") {
  cronicle_server source;
  source.ok("create_category", {{"id", "single"}, {"title", "Single"}, {"max_children", 1}, {"enabled", 1},
                                {"color", "red"}});
  scratch_dir dir;
  const std::string script = "#!/bin/sh\nwhile [ ! -e " + dir.path + "/go ]; do sleep 0.05; done\nexit 0\n";
  const std::string a = source.create(with(shell_event("A", script), {{"category", "single"}, {"max_children", 0}}));
  const std::string b = source.create(with(shell_event("B", script), {{"category", "single"}, {"max_children", 0}}));
  auto dump = dump_all(source);
  REQUIRE(dump.status == 200);
  bool has_pools = false;
  for (const auto& [name, content] : entries_of(dump.body))
    has_pools |= content.find("\"pools\": [\n    {\"name\": \"general\"") != std::string::npos;
  CHECK(has_pools);

  // A fresh server's Cronicle group holds nothing (only the category made at start): replaced,
  // its categories by the archive's.
  cronicle_server target;
  auto imported = import_into(target, dump.body);
  INFO(imported.body);
  REQUIRE(imported.status == 200);
  CHECK(category_ids(target) == std::vector<std::string>{"general", "single"});
  json single;
  const json rows = target.ok("get_categories")["rows"];
  for (const auto& row : rows)
    if (row["id"] == "single") single = row;
  CHECK(single["title"] == "Single");
  CHECK(single["color"] == "red");
  CHECK(single["max_children"] == 1);
  CHECK(single["enabled"] == 1);

  // The category holds for its events at once.
  const std::string running = target.ok("run_event", {{"id", a}})["ids"][0];
  check_error(target.call("run_event", {{"id", b}}), "event",
              "Failed to launch event: Maximum of 1 job already running for category: Single");
  dir.touch("go");
  CHECK(target.wait_job(running)["code"] == 0);

  // And after a restart: written with the group's events.
  target.server.restart();
  CHECK(category_ids(target) == std::vector<std::string>{"general", "single"});
}

TEST_CASE("an archive written before pools were dumped leaves a replaced group's pools as they were") {
  cronicle_server source;
  source.ok("create_category", {{"id", "single"}, {"title", "Single"}, {"max_children", 1}, {"enabled", 1}});
  const std::string a = source.create(with(shell_event("A", "#!/bin/sh\nsleep 30\n"), {{"category", "single"}}));
  const std::string b = source.create(with(shell_event("B", "#!/bin/sh\nsleep 30\n"), {{"category", "single"}}));
  auto dump = dump_all(source);
  REQUIRE(dump.status == 200);
  // An older Mainspring wrote no "pools"; a field it does not know is what a reader ignores.
  const entries old = replaced_in_groups(entries_of(dump.body), "\"pools\": [", "\"pools_unknown\": [");

  cronicle_server target;
  target.ok("create_category", {{"id", "mine"}, {"title", "Mine"}, {"max_children", 0}, {"enabled", 1}});
  auto imported = import_into(target, tar_gz_of(old));
  INFO(imported.body);
  REQUIRE(imported.status == 200);
  CHECK(category_ids(target) == std::vector<std::string>{"general", "mine"});
  // The events name a category the server does not have: nothing limits them.
  const std::string first = target.ok("run_event", {{"id", a}})["ids"][0];
  const std::string second = target.ok("run_event", {{"id", b}})["ids"][0];
  target.ok("abort_job", {{"id", first}});
  target.ok("abort_job", {{"id", second}});
}

TEST_CASE("a group's documents come back from a dump: a Cronicle custom Plugin imported serves its events") {
  cronicle_server source;
  const json plugin_spec = {{"title", "Mine"}, {"enabled", 1}, {"command", "/bin/true"}, {"cwd", "/tmp"},
                            {"params", json::array()}};
  const std::string plugin = source.ok("create_plugin", plugin_spec)["id"];
  const std::string event = source.create({{"title", "With a Plugin"}, {"enabled", 1}, {"category", "general"},
                                           {"target", "allgrp"}, {"plugin", plugin}, {"params", json::object()}});
  auto dump = dump_all(source);
  REQUIRE(dump.status == 200);
  std::string group_file;  // the Cronicle group's
  for (const auto& [name, content] : entries_of(dump.body))
    if (content.find("\"documents\": [\n    {\"kind\": \"cronicle.plugin\", \"name\": \"" + plugin + "\"") !=
        std::string::npos)
      group_file = name;
  REQUIRE_FALSE(group_file.empty());

  // A document the core would not store is refused, naming its file, and changes nothing.
  cronicle_server target;
  auto bad = import_into(target, tar_gz_of(replaced(entries_of(dump.body), group_file, "{\"kind\": \"cronicle.plugin\"",
                                                    "{\"kind\": \"cronicle/plugin\"")));
  CHECK(bad.status == 400);
  CHECK(bad.body.find(group_file) != std::string::npos);
  CHECK(bad.body.find("documents[0].kind") != std::string::npos);
  CHECK(plugin_row(target, plugin).is_null());
  check_error(target.call("get_event", {{"id", event}}), "event", "Failed to locate event: " + event);

  auto imported = import_into(target, dump.body);
  INFO(imported.body);
  REQUIRE(imported.status == 200);
  CHECK(plugin_row(target, plugin)["title"] == "Mine");
  CHECK(plugin_row(target, plugin)["command"] == "/bin/true");
  // Its event finds it: an edit checks the event's Plugin, a run uses it (/bin/true reports no
  // completion, which Cronicle takes as a failure: the run shows the Plugin ran its command).
  target.ok("update_event", {{"id", event}, {"title", "Renamed"}});
  json job = target.wait_job(target.ok("run_event", {{"id", event}})["ids"][0]);
  CHECK(job["plugin_title"] == "Mine");
  CHECK(job["command"] == "/bin/true");
  CHECK(job["description"] == "Process exited without reporting job completion.");

  // And after a restart: written with the group's events.
  target.server.restart();
  CHECK(plugin_row(target, plugin)["title"] == "Mine");
  CHECK(target.ok("get_event", {{"id", event}})["event"]["plugin"] == plugin);
  target.ok("update_event", {{"id", event}, {"title", "Renamed again"}});
}

TEST_CASE("an archive written before documents were dumped leaves a replaced group's documents as they were") {
  cronicle_server source;
  const json plugin_spec = {{"title", "Theirs"}, {"enabled", 1}, {"command", "/bin/true"}, {"cwd", "/tmp"},
                            {"params", json::array()}};
  const std::string theirs = source.ok("create_plugin", plugin_spec)["id"];
  auto dump = dump_all(source);
  REQUIRE(dump.status == 200);
  // An older Mainspring wrote no "documents"; a field it does not know is what a reader ignores.
  const entries old = replaced_in_groups(entries_of(dump.body), "\"documents\": [", "\"documents_unknown\": [");

  cronicle_server target;
  const std::string mine = target.ok("create_plugin", with(plugin_spec, {{"title", "Mine"}}))["id"];
  auto imported = import_into(target, tar_gz_of(old));
  INFO(imported.body);
  REQUIRE(imported.status == 200);
  CHECK(plugin_row(target, mine)["title"] == "Mine");
  CHECK(plugin_row(target, theirs).is_null());

  // An archive with its documents replaces all of the group's, after a restart too.
  cronicle_server again;
  const std::string own = again.ok("create_plugin", with(plugin_spec, {{"title", "Own"}, {"id", "own"}}))["id"];
  REQUIRE(plugin_row(again, own)["title"] == "Own");
  REQUIRE(import_into(again, dump.body).status == 200);
  CHECK(plugin_row(again, theirs)["title"] == "Theirs");
  CHECK(plugin_row(again, own).is_null());
  again.server.restart();
  CHECK(plugin_row(again, theirs)["title"] == "Theirs");
  CHECK(plugin_row(again, own).is_null());
}
