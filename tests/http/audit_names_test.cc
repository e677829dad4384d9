// audit_names: the job name each audit entry shows, read oldest first.
#include <catch2/catch.hpp>

#include "http/audit_names.h"

using mainspring::http::audit_job_names;
using mainspring::http::without_job_count;

TEST_CASE("an entry shows its recorded name, else the job's name of the entry before it, else its name now") {
  audit_job_names names({{"1", "now"}, {"2", "two now"}});
  CHECK(names.name_at("2", "") == "two now");
  CHECK(names.name_at("1", "first") == "first");
  CHECK(names.name_at("1", "") == "first");
  CHECK(names.name_at("1", "second") == "second");
  CHECK(names.name_at("1", "") == "second");
  CHECK(names.name_at("gone", "") == "");
}

TEST_CASE("a delete's detail loses the count the group adds") {
  CHECK(without_job_count("Nightly: 1 job(s)") == "Nightly");
  CHECK(without_job_count("a: b: 2 job(s)") == "a: b");
  CHECK(without_job_count("3 job(s)") == "");
  CHECK(without_job_count("Nightly") == "Nightly");
}
