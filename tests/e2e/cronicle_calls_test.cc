// End to end: the Cronicle calls on a run of their own: abort_job ends one run while others of
// its event go on (privilege refused without it, a finished or unknown job refused), and
// get_job_details answers a finished job only.
#include <chrono>
#include <string>

#include <catch2/catch.hpp>

#include "tests/e2e/cronicle_helpers.h"

using namespace mainspring;
using namespace mainspring::e2e;

TEST_CASE("cronicle: abort_job ends one run while others of the event go on") {
  cronicle_server s;
  std::string id = s.create(with(shell_event("Many", "#!/bin/sh\nsleep 30\n"), {{"max_children", 0}}));
  std::string first = s.ok("run_event", {{"id", id}})["ids"][0];
  std::string second = s.ok("run_event", {{"id", id}})["ids"][0];
  REQUIRE(eventually([&] {
    json jobs = s.ok("get_active_jobs")["jobs"];
    return jobs.contains(first) && jobs.contains(second);
  }));
  std::string runner = s.key_with({"run_events"});
  check_error(s.call("abort_job", {{"id", first}}, runner), "api",
              "API Key ('k') does not have the required privileges to perform this action (abort_events).");  // its title
  CHECK(s.ok("get_active_jobs")["jobs"].contains(first));
  std::string aborter = s.key_with({"abort_events"});
  check_error(s.call("abort_job", {{"id", "j" + id + "_1"}}, aborter), "job", "Failed to locate job: j" + id + "_1");
  check_error(s.call("abort_job", {{"id", "../x"}}, aborter), "api", "Malformed parameter: id");
  CHECK(s.call("abort_job", {{"id", first}}, aborter)["code"] == 0);
  json ended = s.wait_job(first);
  CHECK(ended["code"] == 1);
  // Cronicle's reason names the key that aborted it (by its id here, never its secret).
  CHECK(ended["description"] == "Job Aborted: Manually aborted by API Key: " + aborter.substr(0, 16) + " (k)");
  CHECK(s.ok("get_active_jobs")["jobs"].contains(second));
  check_error(s.call("abort_job", {{"id", first}}, aborter), "job", "Failed to locate job: " + first);
  s.ok("abort_job", {{"id", second}});
  CHECK(s.wait_job(second)["code"] == 1);
}

TEST_CASE("cronicle: get_job_details answers a finished job, not one in flight") {
  cronicle_server s;
  std::string id = s.create(shell_event("Details", "#!/bin/sh\nsleep 2\necho done\n"));
  std::string job = s.ok("run_event", {{"id", id}})["ids"][0];
  check_error(s.call("get_job_details", {{"id", job}}), "job", "Failed to fetch job details: Error: Failed to fetch key: jobs/" + job + ": File not found");
  s.wait_job(job);
  json details = s.ok("get_job_details", {{"id", job}})["job"];
  CHECK(details["id"] == job);
  CHECK(details["event"] == id);
  CHECK(details["complete"] == 1);
  CHECK(details["code"] == 0);
  CHECK(s.get("/api/app/get_job_details/v1?id=" + job + "&api_key=" + s.admin)["job"]["id"] == job);
  check_error(s.get("/api/app/get_job_details/v1?id=" + job), "session", "No Session ID or API Key could be found");
  check_error(s.call("get_job_details", json::object()), "api", "Missing parameter: id");
}
