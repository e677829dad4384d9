// End to end: API keys against the real server: bootstrap, management on the native listener,
// secrets never shown again nor stored, --require-api-key on the native, Dkron and ndscheduler
// listeners (each refusing in its own error shape), audit entries under the key's id, failures
// in /metrics, and keys surviving a restart.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "tests/e2e/http_client.h"
#include "tests/e2e/native_helpers.h"
#include "tests/e2e/server_process.h"
#include "tests/support/prometheus_text.h"

using namespace mainspring;
using namespace mainspring::e2e;

namespace {

// A request with X-API-Key (none when `key` is empty).
http_response call(http_client& c, const std::string& method, const std::string& path, const std::string& key,
                   const std::optional<std::string>& body = std::nullopt) {
  std::vector<std::string> headers;
  if (!key.empty()) headers.push_back("X-API-Key: " + key);
  return c.request(method, path, body, "application/json", headers);
}

struct issued {
  std::string id, key;
};

json success_of(const http_response& r) {
  INFO("status " << r.status << " body " << r.body);
  REQUIRE(r.status == 200);
  auto body = r.json();
  REQUIRE(body.contains("success"));
  return body["success"];
}

issued bootstrap(http_client& c) {
  auto s = success_of(call(c, "POST", "/v1/apikeys/bootstrap", ""));
  return {s["id"], s["key"]};
}

issued create_key(http_client& c, const std::string& admin, const json& body) {
  auto s = success_of(call(c, "POST", "/v1/apikeys", admin, body.dump()));
  return {s["id"], s["key"]};
}

void check_native_error(const http_response& r, long code) {
  INFO("status " << r.status << " body " << r.body);
  CHECK(r.status == code);
  CHECK(r.json().contains("error"));
}

// Every byte of every file under `dir`.
std::string all_bytes(const std::string& dir) {
  std::string out;
  for (const auto& f : std::filesystem::recursive_directory_iterator(dir)) {
    if (!f.is_regular_file()) continue;
    std::ifstream in(f.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    out += ss.str();
  }
  return out;
}

double failures(http_client& c, const std::string& listener, const std::string& reason) {
  auto r = c.get("/metrics");
  REQUIRE(r.status == 200);
  auto text = prometheus_text::parse(r.body);
  CHECK(text.errors.empty());
  return text.value("mainspring_api_key_failures_total", {{"listener", listener}, {"reason", reason}}).value_or(0);
}

json manual_job(const std::string& group, const std::string& name) {
  return json{{"group_name", group},    {"name", name},     {"request_url", "NOOP@"},
              {"interval_pattern", "@every 1h"}, {"exec_time", unix_now_ms() / 1000 + 3600}};
}

}  // namespace

TEST_CASE("keys are bootstrapped once, managed with an admin key, and their secrets never shown again") {
  server_process server;
  http_client c(server.base_url());

  auto boot = call(c, "POST", "/v1/apikeys/bootstrap", "");
  auto s = success_of(boot);
  CHECK(s["title"] == "bootstrap admin");
  CHECK(s["privileges"] == json::array({"admin"}));
  issued admin{s["id"], s["key"]};
  CHECK(admin.key.starts_with(admin.id + "."));
  check_native_error(call(c, "POST", "/v1/apikeys/bootstrap", ""), 409);

  // Management wants an admin key even without --require-api-key.
  check_native_error(call(c, "GET", "/v1/apikeys", ""), 401);
  check_native_error(call(c, "GET", "/v1/apikeys", admin.id + ".00"), 401);
  auto reader = create_key(c, admin.key, {{"title", "reader"}, {"privileges", json::array()}, {"active", 1}});
  check_native_error(call(c, "GET", "/v1/apikeys", reader.key), 403);
  auto off_answer = success_of(call(c, "POST", "/v1/apikeys", admin.key,
                                    json{{"title", "off"}, {"privileges", {"run_events"}}, {"active", 0}}.dump()));
  CHECK(off_answer["active"] == 0);
  issued off{off_answer["id"], off_answer["key"]};
  check_native_error(call(c, "POST", "/v1/apikeys", admin.key, R"({"title":"x","privileges":["root"]})"), 400);
  check_native_error(call(c, "POST", "/v1/apikeys", admin.key, R"({"privileges":[]})"), 400);

  auto list_answer = call(c, "GET", "/v1/apikeys", admin.key);
  auto list = success_of(list_answer);
  REQUIRE(list.size() == 3);
  // Keys are listed by creation time, then id: two made in one millisecond come in id order.
  json off_entry, admin_entry;
  for (const auto& k : list) {
    if (k["id"] == off.id) off_entry = k;
    if (k["id"] == admin.id) admin_entry = k;
  }
  CHECK(admin_entry["privileges"] == json::array({"admin"}));
  CHECK(off_entry["title"] == "off");
  CHECK(off_entry["active"] == 0);
  for (const auto& k : {admin, reader, off}) CHECK(list_answer.body.find(k.key.substr(17)) == std::string::npos);
  CHECK(list_answer.body.find("hash") == std::string::npos);

  auto edited = success_of(call(c, "POST", "/v1/apikeys/" + reader.id, admin.key,
                                R"({"title":"reader 2","privileges":["create_events"]})"));
  CHECK(edited["title"] == "reader 2");
  CHECK(edited["privileges"] == json::array({"create_events"}));
  CHECK_FALSE(edited.contains("key"));
  check_native_error(call(c, "POST", "/v1/apikeys/0000000000000000", admin.key, R"({"title":"x"})"), 404);
  CHECK(success_of(call(c, "DELETE", "/v1/apikeys/" + off.id, admin.key)) == "ok");
  CHECK(success_of(call(c, "GET", "/v1/apikeys", admin.key)).size() == 2);

  // Without --require-api-key nothing else asks for a key.
  native_api api(server.base_url());
  api.register_group("G");
  api.add_job(manual_job("G", "j"));

  // Only hashes are stored; the keys survive a restart.
  server.stop();
  std::string stored = all_bytes(server.data_dir());
  for (const auto& k : {admin, reader, off}) CHECK(stored.find(k.key.substr(17)) == std::string::npos);
  server.restart();
  http_client again(server.base_url());
  auto after = success_of(call(again, "GET", "/v1/apikeys", admin.key));
  REQUIRE(after.size() == 2);
  // By id: two keys made in one millisecond list in id order, not in the order they were made.
  json reader_after, admin_after;
  for (const auto& k : after) {
    if (k["id"] == reader.id) reader_after = k;
    if (k["id"] == admin.id) admin_after = k;
  }
  CHECK(reader_after["title"] == "reader 2");
  CHECK(admin_after["last_used"].get<int64_t>() > 0);
}

TEST_CASE("with --require-api-key every native route needs a key with its privilege, and changes are audited under it") {
  server_process server({"--require-api-key"});
  http_client c(server.base_url());
  CHECK(c.get("/health").status == 200);
  CHECK(c.get("/ready").status == 200);
  auto admin = bootstrap(c);
  auto reader = create_key(c, admin.key, {{"title", "reader"}});
  auto creator = create_key(c, admin.key, {{"title", "creator"}, {"privileges", {"create_events", "state_update"}}});

  check_native_error(call(c, "GET", "/v1/group/list", ""), 401);
  check_native_error(call(c, "GET", "/v1/group/list", reader.key + "0"), 401);
  CHECK(success_of(call(c, "GET", "/v1/group/list", reader.key)).is_array());
  check_native_error(call(c, "POST", "/v1/register/group", reader.key, R"({"group_name":"G"})"), 403);
  success_of(call(c, "POST", "/v1/register/group", creator.key, R"({"group_name":"G"})"));
  std::string job_id = success_of(call(c, "POST", "/v1/add/job", creator.key, manual_job("G", "j").dump()));
  check_native_error(call(c, "POST", "/v1/delete/job", creator.key, json{{"group_name", "G"}, {"job_id", job_id}}.dump()),
                     403);
  check_native_error(call(c, "POST", "/v1/G/job/" + job_id + "/run", creator.key, ""), 403);
  CHECK(success_of(call(c, "GET", "/v1/G/job/" + job_id, reader.key))["name"] == "j");
  success_of(call(c, "POST", "/v1/G/job/" + job_id + "/run", admin.key, ""));

  auto audit = success_of(call(c, "GET", "/v1/audit", reader.key));
  bool found = false;
  for (const auto& e : audit) {
    CHECK(e.dump().find(creator.key.substr(17)) == std::string::npos);
    if (e["action"] == "job.add" && e["job_id"] == job_id) {
      found = true;
      CHECK(e["key_id"] == creator.id);
      CHECK(e["client_ip"] == "127.0.0.1");  // the request's peer
    }
  }
  CHECK(found);

  CHECK(failures(c, "native", "missing") >= 1);
  CHECK(failures(c, "native", "wrong_secret") >= 1);
  CHECK(failures(c, "native", "forbidden") >= 3);
  CHECK(c.get("/metrics").body.find(reader.key.substr(17)) == std::string::npos);

  server.restart();
  http_client again(server.base_url());
  check_native_error(call(again, "GET", "/v1/group/list", ""), 401);
  CHECK(success_of(call(again, "GET", "/v1/group/list", creator.key)) == json::array({"G"}));
}

TEST_CASE("with --require-api-key the Dkron and ndscheduler listeners refuse in their own shape, funcs keep TOTP") {
  uint16_t dkron_port = pick_free_port(), nd_port = pick_free_port(), func_port = pick_free_port();
  server_process server({"--require-api-key", "--dkron-listen", "127.0.0.1:" + std::to_string(dkron_port),
                         "--ndscheduler-listen", "127.0.0.1:" + std::to_string(nd_port), "--func-listen",
                         "127.0.0.1:" + std::to_string(func_port)});
  http_client c(server.base_url());
  http_client dkron("http://127.0.0.1:" + std::to_string(dkron_port));
  http_client nd("http://127.0.0.1:" + std::to_string(nd_port));
  http_client funcs("http://127.0.0.1:" + std::to_string(func_port));
  auto admin = bootstrap(c);
  auto reader = create_key(c, admin.key, {{"title", "reader"}});

  auto refused = call(dkron, "GET", "/v1/jobs", "");
  CHECK(refused.status == 401);
  CHECK(refused.header("content-type").starts_with("text/plain"));
  CHECK(dkron.get("/health").status == 200);
  CHECK(call(dkron, "GET", "/v1/jobs", reader.key).status == 200);
  auto create = json{{"name", "d1"}, {"schedule", "@every 1h"}, {"executor", "shell"},
                     {"executor_config", {{"command", "true"}}}};
  auto forbidden = call(dkron, "POST", "/v1/jobs", reader.key, create.dump());
  CHECK(forbidden.status == 403);
  CHECK(forbidden.body.find("create_events") != std::string::npos);
  CHECK(call(dkron, "POST", "/v1/jobs", admin.key, create.dump()).status == 201);

  auto nd_refused = call(nd, "GET", "/api/v1/jobs", "");
  CHECK(nd_refused.status == 401);
  CHECK(nd_refused.json().contains("error"));
  CHECK(call(nd, "GET", "/api/v1/jobs", reader.key).status == 200);

  // Funcs answer as before: no key asked, an unknown group is a 404.
  CHECK(funcs.get("/nogroup/nofunc").status == 404);

  CHECK(failures(c, "dkron", "missing") == 1);
  CHECK(failures(c, "dkron", "forbidden") == 1);
  CHECK(failures(c, "ndscheduler", "missing") == 1);
}
