// The `_id` of the documents cloudtask-web answers (http/cloudtask/mongo_id.h): ObjectId-shaped,
// stable per record, beginning with the record's time.
#include "http/cloudtask/mongo_id.h"

#include <string>

#include <catch2/catch.hpp>

using namespace mainspring;
using namespace mainspring::http::cloudtask;

namespace {

job_spec job(const std::string& group, const std::string& id, int64_t created_ms) {
  job_spec spec;
  spec.group = group;
  spec.id = id;
  spec.created_ms = created_ms;
  return spec;
}

run_record run(uint64_t run_id, int64_t end_ms) {
  run_record r;
  r.run_id = run_id;
  r.job_id = "399d4b159c65c9b34d2a3c41";
  r.group = "myCluster";
  r.end_ms = end_ms;
  return r;
}

bool object_id_shaped(const std::string& id) {
  return id.size() == 24 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

TEST_CASE("a job's _id is an ObjectId of its creation time, the same whenever it is read") {
  const std::string id = job_object_id(job("myCluster", "399d4b159c65c9b34d2a3c41", 1'521'427'200'999));
  CHECK(object_id_shaped(id));
  CHECK(id.substr(0, 8) == "5aaf2300");  // 1521427200 s, as ObjectId.getTimestamp() reads it
  CHECK(job_object_id(job("myCluster", "399d4b159c65c9b34d2a3c41", 1'521'427'200'999)) == id);
  // Another job, made at the same second, in another runtime or with another id: another _id.
  CHECK(job_object_id(job("other", "399d4b159c65c9b34d2a3c41", 1'521'427'200'000)) != id);
  CHECK(job_object_id(job("myCluster", "399d4b159c65c9b34d2a3c42", 1'521'427'200'000)) != id);
  CHECK(job_object_id(job("myCluster", "399d4b159c65c9b34d2a3c41", 1'521'427'200'000)) == id);
  // Times outside an ObjectId's 32 bits of seconds are clamped, not wrapped.
  CHECK(job_object_id(job("g", "j", -5'000)).substr(0, 8) == "00000000");
  CHECK(job_object_id(job("g", "j", int64_t{1} << 50)).substr(0, 8) == "ffffffff");
}

TEST_CASE("a log row's _id is an ObjectId of when its run ended, one per run") {
  const std::string id = log_object_id(run(42, 1'521'427'500'000));
  CHECK(object_id_shaped(id));
  CHECK(id.substr(0, 8) == "5aaf242c");  // 1521427500 s
  CHECK(log_object_id(run(42, 1'521'427'500'000)) == id);
  CHECK(log_object_id(run(43, 1'521'427'500'000)) != id);
  // A job's log and the job itself, made in the same second, never share an _id.
  CHECK(job_object_id(job("myCluster", "399d4b159c65c9b34d2a3c41", 1'521'427'500'000)) != id);
}

TEST_CASE("a runtime's _id is an ObjectId of when it was added, one per name") {
  const std::string id = location_object_id("myCluster", 1'521'427'200'000);
  CHECK(object_id_shaped(id));
  CHECK(id.substr(0, 8) == "5aaf2300");
  CHECK(location_object_id("myCluster", 1'521'427'200'000) == id);
  CHECK(location_object_id("other", 1'521'427'200'000) != id);
}
