#include "storage/background_env.h"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <future>

#include <leveldb/env.h>

using namespace mainspring;

namespace {

struct probe {
  std::promise<std::pair<bool, int>> seen;  // SCHED_IDLE?, nice
};

void record(void* p) {
  static_cast<probe*>(p)->seen.set_value({this_thread_is_idle_class(), nice_of_this_thread()});
}

std::pair<bool, int> background_thread_now() {
  probe p;
  auto seen = p.seen.get_future();
  background_env()->Schedule(&record, &p);
  return seen.get();
}

}  // namespace

TEST_CASE("background work yields to the scheduler's threads, and competes under overload") {
  const bool caller_idle = this_thread_is_idle_class();
  const int caller_nice = nice_of_this_thread();
  // Root (as in CI) may leave SCHED_IDLE again, so the thread is idle-class while not contended.
  const bool privileged = ::geteuid() == 0;

  auto [idle, nice] = background_thread_now();
  CHECK(idle == privileged);
  CHECK(nice == k_compaction_nice);

  set_background_contended(true);
  std::tie(idle, nice) = background_thread_now();
  CHECK_FALSE(idle);
  CHECK(nice == k_compaction_nice);

  set_background_contended(false);
  std::tie(idle, nice) = background_thread_now();
  CHECK(idle == privileged);
  CHECK(nice == k_compaction_nice);

  CHECK(this_thread_is_idle_class() == caller_idle);  // the caller is left as it was
  CHECK(nice_of_this_thread() == caller_nice);
}

TEST_CASE("the background env is the default env for everything else") {
  CHECK(background_env() == background_env());
  CHECK(background_env()->NowMicros() > 0);
  std::string dir;
  CHECK(background_env()->GetTestDirectory(&dir).ok());
}
