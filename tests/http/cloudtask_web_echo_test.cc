// cloudtask-web's createJob and updateJob answer the body they were posted, changed as its
// controllers change it (http/cloudtask/web_echo.h).
#include "http/cloudtask/web_echo.h"

#include <catch2/catch.hpp>

#include "http/cloudtask/mongo_id.h"
#include "http/dialect_data.h"

using namespace mainspring;
using namespace mainspring::http::cloudtask;
using nlohmann::json;
using nlohmann::ordered_json;

namespace {

constexpr int64_t k_made_ms = 1'521'427'200'000;    // 2018-03-19T02:40:00Z
constexpr int64_t k_edited_ms = 1'521'427'500'000;  // 2018-03-19T02:45:00Z

// The job the posted body made, as stored: rules with ids r1 and r2 (r2 given by the server).
job_view stored(json section, bool enabled = true) {
  const std::string rules =
      R"([{"id":"r1","enabled":1,"turnmode":2,"interval":5,"startdate":"03/19/2018","enddate":"","starttime":"00:00",)"
      R"("endtime":"23:59","selectat":"","monthlyof":{"day":1,"week":""}},)"
      R"({"id":"r2","enabled":1,"turnmode":2,"interval":9,"startdate":"03/19/2018","enddate":"","starttime":"00:00",)"
      R"("endtime":"23:59","selectat":"","monthlyof":{"day":1,"week":""}}])";
  auto job = decode_job(json{{"name", "n"}, {"location", "rt"}, {"cmd", "echo x"}, {"enabled", enabled ? 1 : 0},
                             {"schedule", json::parse(rules)}},
                        false);
  REQUIRE(job.ok());
  job->section = std::move(section);
  job_view v{.spec = to_job_spec(*job, "399d4b159c65c9b34d2a3c41", k_made_ms)};
  v.spec.schedule = rules;
  v.spec.updated_ms = k_edited_ms;
  v.phase = enabled ? job_phase::active : job_phase::paused;
  if (enabled) v.next_fire_ms = k_edited_ms + 60'000;
  return v;
}

// The posted body's text: the answer's data is it, changed.
std::string data_of(const std::string& answer) {
  const std::string head = R"({"code":0,"message":"request successed.","data":)";
  REQUIRE(answer.starts_with(head));
  REQUIRE(answer.ends_with("}"));
  return answer.substr(head.size(), answer.size() - head.size() - 1);
}

}  // namespace

TEST_CASE("createJob answers the body as posted, then the keys the web sets, then the driver's _id") {
  const std::string posted =
      R"({"zeta":1,"name":"n","location":"rt","enabled":true,"schedule":[{"turnmode":2,"interval":5},)"
      R"({"id":"mine","turnmode":2,"interval":9}],"cmd":"echo x","createuser":"ops","extra":{"b":1,"a":2}})";
  const job_view v = stored(json{{"createuser", "ops"}, {"edituser", "ops"}});
  const std::string id = job_object_id(v.spec);
  CHECK(data_of(created_job_text(posted_object(posted, json::parse(posted)), v)) ==
        R"({"zeta":1,"name":"n","location":"rt","enabled":true,"schedule":[{"turnmode":2,"interval":5,"id":"r1"},)"
        R"({"id":"r2","turnmode":2,"interval":9}],"cmd":"echo x","createuser":"ops","extra":{"b":1,"a":2},)"
        R"("createat":"2018-03-19T02:40:00+00:00","editat":"2018-03-19T02:40:00+00:00","edituser":"ops",)"
        R"("jobid":"399d4b159c65c9b34d2a3c41","files":[],"stat":202,"_id":")" + id + R"("})");
}

TEST_CASE("createJob's answer replaces a posted jobid, files, stat and _id in place, and edituser is createuser") {
  const std::string posted = R"({"_id":"5aaf00000000000000000000","jobid":"x","name":"n","edituser":"someone",)"
                             R"("files":[{"name":"a"}],"stat":-1,"enabled":0,"schedule":[]})";
  const job_view v = stored(json::object(), false);
  const std::string id = job_object_id(v.spec);
  // No createuser: postJob.edituser = undefined, left out. Every new job says 202.
  CHECK(data_of(created_job_text(posted_object(posted, json::parse(posted)), v)) ==
        R"({"_id":")" + id + R"(","jobid":"399d4b159c65c9b34d2a3c41","name":"n","files":[],"stat":202,"enabled":0,)"
        R"("schedule":[],"createat":"2018-03-19T02:40:00+00:00","editat":"2018-03-19T02:40:00+00:00"})");
}

TEST_CASE("updateJob answers the body as posted with the stored job's fields changeInfo sets, in its order") {
  const std::string posted = R"({"jobid":"399d4b159c65c9b34d2a3c41","name":"n","createuser":"intruder","enabled":1,)"
                             R"("schedule":[{"id":"r1","turnmode":2},{"id":"","turnmode":2}],"_id":"abc","x":null})";
  job_view v = stored(json{{"createuser", "ops"}, {"files", json::array({json{{"name", "old.sh"}, {"createat", 1}}})}});
  CHECK(data_of(updated_job_text(posted_object(posted, json::parse(posted)), v, job_stat{true})) ==
        R"({"jobid":"399d4b159c65c9b34d2a3c41","name":"n","createuser":"ops","enabled":1,)"
        R"("schedule":[{"id":"r1","turnmode":2},{"id":"r2","turnmode":2}],"_id":"abc","x":null,)"
        R"("createat":"2018-03-19T02:40:00+00:00","stat":0,"editat":"2018-03-19T02:45:00+00:00",)"
        R"("files":[{"name":"old.sh","createat":1}],"execat":"0001-01-01T00:00:00.000Z",)"
        R"("nextat":"2018-03-19T02:46:00.000Z","execerr":""})");
}

TEST_CASE("updateJob's answer has nextat never for an empty schedule or a disabled job, and a disabled job stat 0") {
  const std::string no_rules = R"({"jobid":"j","enabled":1,"schedule":[]})";
  json d = json::parse(data_of(updated_job_text(posted_object(no_rules, json::parse(no_rules)), stored({}), job_stat{false})));
  CHECK(d["nextat"] == "0001-01-01T00:00:00.000Z");
  CHECK(d["stat"] == 202);  // enabled, no live server
  CHECK_FALSE(d.contains("createuser"));  // stored without one: undefined, left out
  const std::string off = R"({"jobid":"j","enabled":0,"schedule":[{"turnmode":2}]})";
  d = json::parse(data_of(updated_job_text(posted_object(off, json::parse(off)), stored({}, false), job_stat{false})));
  CHECK(d["nextat"] == "0001-01-01T00:00:00.000Z");
  CHECK(d["stat"] == 0);
  CHECK(d["schedule"][0]["id"] == "r1");
}

TEST_CASE("a filename change keeps the old name in files, newest first, at most 60") {
  const json files = json::array({json{{"name", "a.sh"}, {"createat", 10}}, json{{"name", "b.sh"}, {"createat", 20}}});
  CHECK(file_history(files, "c.sh", "c.sh", 99) == files);  // unchanged: untouched
  CHECK(file_history(files, "c.sh", "a.sh", 99) ==
        json::array({json{{"name", "c.sh"}, {"createat", 99}}, json{{"name", "b.sh"}, {"createat", 20}}}));
  CHECK(file_history(files, "", "d.sh", 99) ==
        json::array({json{{"name", "b.sh"}, {"createat", 20}}, json{{"name", "a.sh"}, {"createat", 10}}}));
  CHECK(file_history(files, "a.sh", "d.sh", 99).size() == 2);  // listed already
  CHECK(file_history(nullptr, "a.sh", "", 5) == json::array({json{{"name", "a.sh"}, {"createat", 5}}}));
  json many = json::array();
  for (int i = 0; i < 70; ++i) many.push_back(json{{"name", "f" + std::to_string(i)}, {"createat", i}});
  json kept = file_history(many, "new.sh", "other.sh", 1000);
  CHECK(kept.size() == k_max_file_history);
  CHECK(kept[0]["name"] == "new.sh");
  CHECK(kept[1]["name"] == "f69");
}

TEST_CASE("the posted body is read in its order, with the comments and trailing commas parse_json_object allows") {
  CHECK(posted_object(R"({"b":1,"a":2,"b":3})", json::object()).dump() == R"({"b":3,"a":2})");
  CHECK(posted_object("{\"b\":1, // why\n\"a\":[2,],}", json::object()).dump() == R"({"b":1,"a":[2]})");
  CHECK(posted_object("not json", json{{"z", 1}, {"a", 2}}).dump() == R"({"a":2,"z":1})");
}
