#include "storage/background_env.h"

#include <catch2/catch.hpp>

#include <future>

#include <leveldb/env.h>

using namespace mainspring;

namespace {

struct probe {
  std::promise<int> nice;
};

void record_nice(void* p) {
  static_cast<probe*>(p)->nice.set_value(nice_of_this_thread());
}

}  // namespace

TEST_CASE("background work runs at the compaction nice value, the caller keeps its own") {
  const int caller_before = nice_of_this_thread();
  for (int i = 0; i < 3; ++i) {  // the first call lowers the thread, later calls find it so
    probe p;
    std::future<int> nice = p.nice.get_future();
    background_env()->Schedule(&record_nice, &p);
    CHECK(nice.get() == std::max(caller_before, k_compaction_nice));
  }
  CHECK(nice_of_this_thread() == caller_before);
}

TEST_CASE("the background env is the default env for everything else") {
  CHECK(background_env() == background_env());
  CHECK(background_env()->NowMicros() > 0);
  std::string dir;
  CHECK(background_env()->GetTestDirectory(&dir).ok());
}
