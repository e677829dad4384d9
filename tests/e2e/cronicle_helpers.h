// cronicle_helpers: a server with a Cronicle listener and an admin key, and helpers to call it,
// for the Cronicle end-to-end tests (cronicle_test.cc, cronicle_calls_test.cc).
//
// Example:
//   cronicle_server s;
//   std::string id = s.create(shell_event("Nightly", "#!/bin/sh\ntrue\n"));
//   check_error(s.call("run_event", {{"id", "nope"}}), "event", "Failed to locate event: nope");
#pragma once

#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "tests/e2e/http_client.h"
#include "tests/e2e/native_helpers.h"
#include "tests/e2e/server_process.h"

namespace mainspring::e2e {

using namespace std::chrono_literals;

struct cronicle_server {
  uint16_t port = pick_free_port();
  server_process server{{"--cronicle-listen", "127.0.0.1:" + std::to_string(port)}};
  http_client native{server.base_url()};
  http_client cr{"http://127.0.0.1:" + std::to_string(port)};
  std::string admin = bootstrap();

  std::string bootstrap() {
    auto r = native.request("POST", "/v1/apikeys/bootstrap", std::string(""));
    REQUIRE(r.status == 200);
    return r.json()["success"]["key"];
  }
  std::string key_with(const json& privileges) {
    auto r = native.request("POST", "/v1/apikeys", json{{"title", "k"}, {"privileges", privileges}}.dump(),
                            "application/json", {"X-API-Key: " + admin});
    REQUIRE(r.status == 200);
    return r.json()["success"]["key"];
  }
  // A call with `key` in X-API-Key; the answer's JSON (always HTTP 200).
  json call(const std::string& name, const json& body, const std::string& key) {
    auto r = cr.request("POST", "/api/app/" + name + "/v1", body.dump(), "application/json", {"X-API-Key: " + key});
    INFO(name << " " << r.status << " " << r.body);
    REQUIRE(r.status == 200);
    CHECK(r.header("access-control-allow-origin") == "*");
    return r.json();
  }
  json call(const std::string& name, const json& body = json::object()) { return call(name, body, admin); }
  json ok(const std::string& name, const json& body = json::object()) {
    json a = call(name, body);
    INFO(name << " " << a.dump());
    REQUIRE(a["code"] == 0);
    return a;
  }
  json get(const std::string& path_and_query) {
    auto r = cr.get(path_and_query);
    REQUIRE(r.status == 200);
    return r.json();
  }
  std::string create(json event) { return ok("create_event", event)["id"]; }
  // get_event_history's rows for the event, the job that ended last first.
  json history(const std::string& event_id) { return ok("get_event_history", {{"id", event_id}})["rows"]; }
  // get_job_log's text for the job: Cronicle's header, the output, and the footer once ended.
  std::string job_log(const std::string& job_id) {
    return cr.get("/api/app/get_job_log?id=" + job_id + "&api_key=" + admin).body;
  }
  // What the job's script printed: its log without the header and the footer.
  std::string job_output(const std::string& job_id) {
    std::string log = job_log(job_id);
    const std::size_t body = log.find("\n\n");
    REQUIRE(log.starts_with("# Job ID: "));
    REQUIRE(body != std::string::npos);
    log.erase(0, body + 2);
    std::size_t footer = log.rfind("\n# Job completed successfully at ");
    if (footer == std::string::npos) footer = log.rfind("\n# Job failed at ");
    if (footer != std::string::npos && log.ends_with("# End of log.\n")) log.erase(footer);
    return log;
  }
  // The job once complete. While a failed try waits for its retry, get_job_status answers "Job
  // not found" (as Cronicle, which holds the job in its queue then): not complete yet.
  json wait_job(const std::string& job_id) {
    json job;
    REQUIRE(eventually([&] {
      job = call("get_job_status", {{"id", job_id}}).value("job", json());
      return job.is_object() && job.value("complete", 0) == 1;
    }, 20s));
    return job;
  }
};

// A fresh folder under /tmp for marker files, removed with everything in it.
struct scratch_dir {
  std::string path;
  scratch_dir() {
    std::string tmpl = "/tmp/ms_cronicle_XXXXXX";
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~scratch_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  void touch(const std::string& name) const { std::ofstream(path + "/" + name) << "x"; }
};

inline json shell_event(const std::string& title, const std::string& script) {
  return {{"title", title}, {"enabled", 1}, {"category", "general"}, {"target", "allgrp"},
          {"plugin", "shellplug"}, {"params", {{"script", script}}}};
}

inline json with(json base, const json& fields) {
  for (auto it = fields.begin(); it != fields.end(); ++it) base[it.key()] = *it;
  return base;
}

inline void check_error(const json& answer, const std::string& code, const std::string& description) {
  INFO(answer.dump());
  CHECK(answer["code"] == code);
  CHECK(answer["description"] == description);
}

}  // namespace mainspring::e2e
