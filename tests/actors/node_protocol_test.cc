// node_protocol: which runs an agent says it still runs does a restarted server take back.
#include "actors/node_protocol.h"

#include <catch2/catch.hpp>

#include "core/run_record.h"

using namespace mainspring;

namespace {

constexpr uint64_t k_first_id = 1000;  // this process's first run id

running_run run_of_earlier_process() {
  running_run r;
  r.run_id = 999;
  r.job_id = "j1";
  r.group = "G";
  r.trigger = static_cast<uint8_t>(run_trigger::manual);
  return r;
}

}  // namespace

TEST_CASE("a run of an earlier process of the node's group is taken back") {
  CHECK(adoptable(run_of_earlier_process(), "G", k_first_id));
  running_run chained = run_of_earlier_process();
  chained.trigger = static_cast<uint8_t>(run_trigger::parent);
  CHECK(adoptable(chained, "G", k_first_id));
}

TEST_CASE("a run of this process, of another group, or with a bad identity is not taken back") {
  running_run r = run_of_earlier_process();
  r.run_id = k_first_id;  // this process gave it up already
  CHECK_FALSE(adoptable(r, "G", k_first_id));
  CHECK_FALSE(adoptable(run_of_earlier_process(), "H", k_first_id));
  r = run_of_earlier_process();
  r.run_id = 0;
  CHECK_FALSE(adoptable(r, "G", k_first_id));
  r = run_of_earlier_process();
  r.job_id = "j1/../j2";  // would name another job's store keys
  CHECK_FALSE(adoptable(r, "G", k_first_id));
  r.job_id = "";
  CHECK_FALSE(adoptable(r, "G", k_first_id));
  r = run_of_earlier_process();
  r.trigger = static_cast<uint8_t>(run_trigger::parent) + 1;
  CHECK_FALSE(adoptable(r, "G", k_first_id));
}
