// End-to-end: dump, import into an empty server, and refusal of bad archives.
#include <archive.h>
#include <archive_entry.h>

#include <catch2/catch.hpp>

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
