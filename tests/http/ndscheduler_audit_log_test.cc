// audit_log: the descriptions ndscheduler's audit log gives a modified and a deleted job (the
// expected texts are what its handlers write for the same jobs), and audit entries read back,
// those written before descriptions were kept included.
#include "http/ndscheduler/audit_log.h"

#include <catch2/catch.hpp>

#include "core/utf8.h"
#include "http/ndscheduler/job_classes.h"
#include "http/ndscheduler/job_json.h"

using namespace mainspring;
using namespace mainspring::http::ndscheduler;
using nlohmann::json;
using nlohmann::ordered_json;

namespace {

const std::string k_id = "0123456789abcdef0123456789abcdef";

// The job `body` makes, as GET /api/v1/jobs/{id} shows it, next due 2026-12-03T06:40:00Z.
ordered_json shown_job(const json& body) {
  auto job = decode_job(body);
  REQUIRE(job.ok());
  auto spec = to_job_spec(*job, "ndscheduler", k_id);
  REQUIRE(spec.ok());
  job_view view;
  view.spec = *spec;
  view.next_fire_ms = 1'796'280'000'000;
  return job_json(view);
}

const json k_clean = {{"name", "Clean"}, {"job_class_string", std::string(k_awesome_job)},
                      {"pub_args", {"x", 1}}, {"hour", "*/2"}};

audit_entry entry(const char* action, std::string detail, std::string api = "ndscheduler") {
  return audit_entry{1'700'000'000'000, std::move(api), "", action, "ndscheduler", k_id, std::move(detail)};
}

}  // namespace

TEST_CASE("a modified job's description lists what changed as ndscheduler's HTML diff, in its order") {
  json renamed = k_clean;
  renamed["name"] = "Clean it's";
  renamed["pub_args"] = {"x", 1, "\u00e9"};
  renamed["minute"] = "*/20";
  renamed.erase("hour");
  CHECK(modified_description(shown_job(k_clean), shown_job(renamed)) ==
        "<b>name</b>: <font color=\"red\">Clean</font> => <font color=\"green\">Clean it's</font><br>"
        "<b>pub_args</b>: <font color=\"red\">['x', 1]</font> => <font color=\"green\">['x', 1, '\u00e9']</font><br>"
        "<b>minute</b>: <font color=\"red\">0</font> => <font color=\"green\">*/20</font><br>"
        "<b>hour</b>: <font color=\"red\">*/2</font> => <font color=\"green\">*</font><br>");
  CHECK(modified_description(shown_job(k_clean), shown_job(k_clean)).empty());
  // Python's ==: 1 and 1.0 are the same argument.
  json same = k_clean;
  same["pub_args"] = {"x", 1.0};
  CHECK(modified_description(shown_job(k_clean), shown_job(same)).empty());
}

TEST_CASE("a job made an interval job shows its cron strings going and its interval coming") {
  json every = k_clean;
  every.erase("hour");
  every["trigger"] = "interval";
  every["trigger_params"] = {{"interval", 60}};
  const std::string d = modified_description(shown_job(k_clean), shown_job(every));
  CHECK(d.starts_with("<b>minute</b>: <font color=\"red\">0</font> => <font color=\"green\"></font><br>"));
  CHECK(d.ends_with("<b>interval</b>: <font color=\"red\"></font> => <font color=\"green\">60</font><br>"));
  json longer = every;
  longer["trigger_params"]["interval"] = 2.5;
  CHECK(modified_description(shown_job(every), shown_job(longer)) ==
        "<b>interval</b>: <font color=\"red\">60</font> => <font color=\"green\">2.5</font><br>");
}

TEST_CASE("a deleted job's description is json.dumps of the job as GET showed it") {
  CHECK(deleted_description(shown_job(k_clean)) ==
        R"({"job_id": "0123456789abcdef0123456789abcdef", "name": "Clean", )"
        R"("next_run_time": "2026-12-03T06:40:00+00:00", )"
        R"("job_class_string": "simple_scheduler.jobs.sample_job.AwesomeJob", "pub_args": ["x", 1], )"
        R"("month": "*", "day": "*", "week": "*", "day_of_week": "*", "hour": "*/2", "minute": "0", )"
        R"("trigger": "cron", "trigger_params": {"month": "*", "day_of_week": "*", "day": "*", "hour": "*/2", )"
        R"("minute": "0"}})");
}

TEST_CASE("a description longer than the limit is cut at a character's end") {
  // 60,000 bytes of arguments, which json.dumps writes as 180,000 (\ud83d\ude00 each).
  std::string emoji;
  for (int i = 0; i < 15'000; ++i) emoji += "\U0001F600";
  json big = k_clean;
  big["pub_args"] = json::array({emoji});
  const std::string d = deleted_description(shown_job(big));
  CHECK(d.size() == k_max_description_bytes);
  json bigger = big;
  bigger["pub_args"].push_back("y");
  const std::string m = modified_description(shown_job(big), shown_job(bigger));
  CHECK(m.size() <= k_max_description_bytes);
  CHECK(m.size() > k_max_description_bytes - 4);
  CHECK(utf8_prefix(m, m.size()) == m);  // whole characters: nothing was replaced
}

TEST_CASE("audit entries read back with the name and description they recorded") {
  auto edited = read_entry(entry("job.edit", audit_detail("New", "<b>name</b>: ...")));
  CHECK(edited.job_name == "New");
  CHECK(edited.description == "<b>name</b>: ...");
  // The group adds the count to a delete's detail.
  auto deleted = read_entry(entry("job.delete", audit_detail("Old: one", R"({"job_id": "x"})") + ": 1 job(s)"));
  CHECK(deleted.job_name == "Old: one");
  CHECK(deleted.description == R"({"job_id": "x"})");
  CHECK(read_entry(entry("job.add", "n")).description.is_null());
  CHECK(read_entry(entry("job.pause", "n")).job_name == "n");
  CHECK(read_entry(entry("job.activate", "n")).description.is_null());
  auto run = read_entry(entry("job.run", "run 42"));
  CHECK(run.job_name.empty());
  CHECK(run.description == k_id + "-42");
}

TEST_CASE("audit entries written before descriptions were kept still read: their name, and an empty description") {
  auto edited = read_entry(entry("job.edit", "plain name"));
  CHECK(edited.job_name == "plain name");
  CHECK(edited.description == "");
  auto deleted = read_entry(entry("job.delete", "n: x: 1 job(s)"));
  CHECK(deleted.job_name == "n: x");
  CHECK(deleted.description == "");
  CHECK(read_entry(entry("job.delete", "1 job(s)")).job_name.empty());
  // A name that only looks like the new detail stays a name.
  CHECK(read_entry(entry("job.edit", R"({"job_name": "a"})")).job_name == R"({"job_name": "a"})");
  // Through another API: no name, and "" for an edit or a delete, as before.
  auto native = read_entry(entry("job.edit", R"({"name":"x"})", "native"));
  CHECK(native.job_name.empty());
  CHECK(native.description == "");
  CHECK(read_entry(entry("job.add", "added natively", "native")).job_name == "added natively");
}
