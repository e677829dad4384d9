// End to end: Cronicle's categories through the real server: the category calls and their
// answers, admin keys for the changes, categories kept across a kill -9, and what a category does
// to its events' jobs: its max_children shared by them (a queue event waits), its switch (a
// disabled category refuses, and abort_jobs ends its jobs), a refused launch counted in /metrics,
// and its web_hook and title on a job whose event has none.
#include <string>

#include <catch2/catch.hpp>

#include "tests/e2e/cronicle_helpers.h"
#include "tests/support/http_sink.h"
#include "tests/support/prometheus_text.h"

using namespace mainspring;
using namespace mainspring::e2e;

namespace {

// A script that waits until `gate` exists, then exits 0.
std::string gated_script(const std::string& gate) {
  return "#!/bin/sh\nwhile [ ! -e " + gate + " ]; do sleep 0.05; done\nexit 0\n";
}

json event_in(const std::string& title, const std::string& category, const std::string& script) {
  return with(shell_event(title, script), {{"category", category}});
}

double skipped(cronicle_server& s, const std::string& reason) {
  return prometheus_text::parse(s.native.get("/metrics").body).sum("mainspring_runs_skipped_total", {{"reason", reason}});
}

}  // namespace

TEST_CASE("cronicle categories: the calls answer as Cronicle's, changes need an admin key, and categories survive a kill -9") {
  cronicle_server s;
  json first = s.ok("get_categories");
  REQUIRE(first["rows"].size() == 1);
  CHECK(first["rows"][0]["id"] == "general");
  CHECK(first["rows"][0]["title"] == "General");
  CHECK(first["rows"][0]["enabled"] == 1);
  CHECK(first["rows"][0]["max_children"] == 0);

  std::string reader = s.key_with(json::array());
  CHECK(s.call("get_categories", json::object(), reader)["code"] == 0);
  json refused = s.call("create_category", {{"title", "Ops"}, {"max_children", 0}}, reader);
  CHECK(refused["code"] == "user");
  CHECK(refused["description"].get<std::string>().starts_with("User is not an administrator: "));
  // Parameters are checked before the key, as Cronicle's handler checks them.
  check_error(s.call("create_category", {{"title", "Ops"}}, reader), "api", "Missing parameter: max_children");

  CHECK(s.ok("create_category", {{"id", "Ops Team"}, {"title", "Ops"}, {"max_children", 2}, {"enabled", 1},
                                 {"color", "red"}})["id"] == "opsteam");
  s.ok("update_category", {{"id", "opsteam"}, {"description", "night shift"}, {"enabled", 0}});
  std::string event = s.create(event_in("In ops", "opsteam", "#!/bin/sh\ntrue\n"));
  check_error(s.call("create_event", event_in("Nowhere", "nope", "#!/bin/sh\ntrue\n")), "event",
              "Failed to create event: Category not found: nope");
  check_error(s.call("update_event", {{"id", event}, {"category", "nope"}}), "event",
              "Failed to update event: Category not found: nope");

  s.server.kill9();
  s.server.restart();
  json rows = s.ok("get_categories")["rows"];
  REQUIRE(rows.size() == 2);
  CHECK(rows[0]["id"] == "opsteam");
  CHECK(rows[0]["title"] == "Ops");
  CHECK(rows[0]["description"] == "night shift");
  CHECK(rows[0]["color"] == "red");
  CHECK(rows[0]["enabled"] == 0);
  CHECK(rows[0]["max_children"] == 2);
  // Still disabled after the restart: its event is refused.
  check_error(s.call("run_event", {{"id", event}}), "event", "Failed to launch event: Category 'Ops' is disabled.");

  check_error(s.call("delete_category", {{"id", "opsteam"}}), "plugin",
              "Failed to delete category: Still in use by one or more events.");
  s.ok("delete_event", {{"id", event}});
  CHECK(s.ok("delete_category", {{"id", "opsteam"}}) == json{{"code", 0}});
  s.server.restart();
  CHECK(s.ok("get_categories")["rows"].size() == 1);
}

TEST_CASE("cronicle categories: max_children holds for all the category's events together, and a queue event waits") {
  cronicle_server s;
  scratch_dir dir;
  s.ok("create_category", {{"id", "single"}, {"title", "Single"}, {"max_children", 1}, {"enabled", 1}});
  const std::string script = gated_script(dir.path + "/go");
  std::string a = s.create(with(event_in("A", "single", script), {{"max_children", 0}}));
  std::string b = s.create(with(event_in("B", "single", script), {{"max_children", 0}}));
  std::string c = s.create(with(event_in("C", "single", script), {{"max_children", 0}, {"queue", 1}}));
  std::string free = s.create(event_in("Free", "general", script));

  std::string running = s.ok("run_event", {{"id", a}})["ids"][0];
  check_error(s.call("run_event", {{"id", b}}), "event",
              "Failed to launch event: Maximum of 1 job already running for category: Single");
  json waiting = s.ok("run_event", {{"id", c}});
  CHECK(waiting["ids"] == json::array());
  CHECK(waiting["queue"] == 1);
  CHECK(s.ok("run_event", {{"id", free}})["ids"].size() == 1);  // another category is not held back

  json job = s.ok("get_job_status", {{"id", running}})["job"];
  CHECK(job["category"] == "single");
  CHECK(job["category_title"] == "Single");

  dir.touch("go");
  CHECK(s.wait_job(running)["code"] == 0);
  // C's job starts once A's ended, and ends.
  json rows;
  REQUIRE(eventually([&] {
    rows = s.history(c);
    return rows.size() == 1;
  }, 20s));
  CHECK(rows[0]["code"] == 0);
  CHECK(rows[0]["category_title"] == "Single");
  CHECK(s.ok("get_event", {{"id", c}})["queue"] == 0);
}

TEST_CASE("cronicle categories: disabling with abort_jobs ends the category's jobs, and a refused launch is counted") {
  cronicle_server s;
  scratch_dir dir;
  s.ok("create_category", {{"id", "ops"}, {"title", "Ops"}, {"max_children", 0}, {"enabled", 1}});
  std::string slow = s.create(event_in("Slow", "ops", gated_script(dir.path + "/never")));
  std::string elsewhere = s.create(event_in("Elsewhere", "general", gated_script(dir.path + "/go")));
  std::string slow_job = s.ok("run_event", {{"id", slow}})["ids"][0];
  std::string other_job = s.ok("run_event", {{"id", elsewhere}})["ids"][0];
  REQUIRE(eventually([&] { return s.ok("get_active_jobs")["jobs"].size() == 2; }));

  CHECK(s.ok("update_category", {{"id", "ops"}, {"enabled", 0}, {"abort_jobs", 1}}) == json{{"code", 0}});
  json ended = s.wait_job(slow_job);
  CHECK(ended["code"] == 1);
  CHECK(ended["description"] == "Job Aborted: Category 'Ops' has been disabled.");
  CHECK(s.ok("get_active_jobs")["jobs"].contains(other_job));  // another category's job goes on
  check_error(s.call("run_event", {{"id", slow}}), "event", "Failed to launch event: Category 'Ops' is disabled.");

  // A launch the scheduler makes itself (here a chain, as a scheduled fire) is counted skipped
  // with its reason, not lost silently.
  const double before = skipped(s, "pool_disabled");
  std::string chained = s.create(with(shell_event("Starter", "#!/bin/sh\ntrue\n"), {{"chain", slow}}));
  s.wait_job(s.ok("run_event", {{"id", chained}})["ids"][0]);
  REQUIRE(eventually([&] { return skipped(s, "pool_disabled") == before + 1; }));
  CHECK(s.history(slow).size() == 1);  // only the aborted job

  dir.touch("go");
  CHECK(s.wait_job(other_job)["code"] == 0);
}

TEST_CASE("cronicle categories: a job whose event has no web_hook posts to its category's") {
  http_sink sink;
  cronicle_server s;
  s.ok("create_category", {{"id", "hooked"}, {"title", "Hooked cat"}, {"max_children", 0}, {"enabled", 1},
                           {"web_hook", sink.url("/cat")}, {"notify_fail", "ops@example.org"}});
  std::string id = s.create(event_in("Plain", "hooked", "#!/bin/sh\nexit 0\n"));
  std::string job = s.ok("run_event", {{"id", id}})["ids"][0];
  REQUIRE(sink.wait_for_requests(2, 20s));
  auto requests = sink.requests();
  CHECK(requests[0].path == "/cat");
  json end = json::parse(requests[0].body);
  if (end["action"] != "job_complete") end = json::parse(requests[1].body);
  CHECK(end["action"] == "job_complete");
  CHECK(end["category_title"] == "Hooked cat");
  json shown = s.wait_job(job);
  CHECK(shown["category_title"] == "Hooked cat");
  CHECK(shown["notify_fail"] == "ops@example.org");  // its event has none
}
