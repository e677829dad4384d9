#include "actors/worker_priority.h"

#include <dirent.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <cerrno>
#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <caf/all.hpp>

#include "actors/control_first_policy.h"

using namespace mainspring;

namespace {

// The ids of this process's threads named `name` (/proc/self/task/<tid>/comm).
std::vector<pid_t> threads_named(const std::string& name) {
  std::vector<pid_t> found;
  DIR* dir = ::opendir("/proc/self/task");
  if (!dir) return found;
  while (dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    std::ifstream comm(std::string("/proc/self/task/") + entry->d_name + "/comm");
    std::string line;
    if (std::getline(comm, line) && line == name) found.push_back(static_cast<pid_t>(std::stoi(entry->d_name)));
  }
  ::closedir(dir);
  return found;
}

int nice_of(pid_t tid) {
  errno = 0;
  return ::getpriority(PRIO_PROCESS, static_cast<id_t>(tid));
}

pid_t this_thread_id() { return static_cast<pid_t>(::syscall(SYS_gettid)); }

// A worker registers itself (and takes its priority) as it starts, which may be a moment after the
// actor system's constructor returns: waits up to five seconds for `holds`.
template <class Predicate>
bool eventually(Predicate holds) {
  for (int i = 0; i < 500; ++i) {
    if (holds()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return holds();
}

// The two workers' thread ids, once both have started (empty if they did not).
std::vector<pid_t> started_workers() {
  std::vector<pid_t> workers;
  eventually([&] { return (workers = threads_named("caf.multiplexer")).size() == 2; });
  return workers;
}

bool all_workers(const std::vector<pid_t>& tids, int policy, int nice) {
  for (pid_t tid : tids)
    if (::sched_getscheduler(tid) != policy || nice_of(tid) != nice) return false;
  return true;
}

// An actor system as the server starts it: control-first scheduling, the priority hook, two workers.
struct server_like_system {
  caf::actor_system_config config;
  std::unique_ptr<caf::actor_system> sys;
  server_like_system() {
    config.set("scheduler.max-threads", std::size_t{2});
    config.load<control_first_coordinator>();
    add_worker_priority_hook(config);
    sys = std::make_unique<caf::actor_system>(config);
  }
};

// Lowering a nice value back needs CAP_SYS_NICE or a permissive RLIMIT_NICE (root has the first).
bool may_raise_priority() {
  rlimit limit{};
  return ::geteuid() == 0 || (::getrlimit(RLIMIT_NICE, &limit) == 0 && limit.rlim_cur >= 20);
}

}  // namespace

TEST_CASE("the actor workers run as SCHED_BATCH at the normal nice value") {
  server_like_system s;
  auto workers = started_workers();
  REQUIRE(workers.size() == 2);
  CHECK(eventually([&] { return all_workers(workers, SCHED_BATCH, 0); }));
}

TEST_CASE("an overload lowers the workers' and the clock thread's priority, and its end restores both") {
  server_like_system s;
  auto workers = started_workers();
  REQUIRE(workers.size() == 2);
  REQUIRE(eventually([&] { return all_workers(workers, SCHED_BATCH, 0); }));
  const pid_t main_thread = this_thread_id();
  // The clock calls it from its own thread; a thread of the test stands in for it.
  std::thread clock([&] {
    const pid_t self = this_thread_id();
    REQUIRE(nice_of(self) == 0);

    set_fire_path_overloaded(true);
    CHECK(nice_of(self) == k_overloaded_worker_nice);
    for (pid_t tid : workers) CHECK(nice_of(tid) == k_overloaded_worker_nice);
    // Other threads keep their priority: the HTTP thread and the committer answer first.
    CHECK(nice_of(main_thread) == 0);

    set_fire_path_overloaded(false);
    if (may_raise_priority()) {
      CHECK(nice_of(self) == 0);
      for (pid_t tid : workers) CHECK(nice_of(tid) == 0);
    } else {  // then they stay lower, and a warning said so
      CHECK(nice_of(self) == k_overloaded_worker_nice);
    }
  });
  clock.join();
}

TEST_CASE("a worker started during an overload starts at the overload's nice value") {
  std::thread clock([] { set_fire_path_overloaded(true); });
  clock.join();
  {
    server_like_system s;
    auto workers = started_workers();
    REQUIRE(workers.size() == 2);
    CHECK(eventually([&] { return all_workers(workers, SCHED_BATCH, k_overloaded_worker_nice); }));
  }
  std::thread end([] { set_fire_path_overloaded(false); });
  end.join();
}
