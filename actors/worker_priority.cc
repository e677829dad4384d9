#include "actors/worker_priority.h"

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <string_view>
#include <vector>

#include <caf/thread_hook.hpp>
#include <spdlog/spdlog.h>

#include "storage/background_env.h"

namespace mainspring {

namespace {

// CAF 0.17 names its scheduler workers so (scheduler/worker.hpp) before it calls the hook.
constexpr std::string_view k_worker_thread_name = "caf.multiplexer";

// The workers of every actor system in the process (one in the server; tests may start more).
struct worker_registry {
  std::mutex mu;
  std::vector<pid_t> tids;
  bool overloaded = false;
  std::atomic<bool> warned{false};
};

worker_registry& workers() {
  static worker_registry registry;
  return registry;
}

void warn_once(const char* what) {
  if (!workers().warned.exchange(true))
    spdlog::warn("actor workers' priority: {} ({}); API requests may wait behind fires", what, std::strerror(errno));
}

class worker_priority_hook final : public caf::thread_hook {
 public:
  void init(caf::actor_system&) override {}

  void thread_started() override {
    char name[16] = {};
    if (pthread_getname_np(pthread_self(), name, sizeof name) != 0) return;
    if (std::string_view(name) != k_worker_thread_name) return;
    sched_param param{};
    if (sched_setscheduler(0, SCHED_BATCH, &param) != 0) warn_once("SCHED_BATCH refused");
    const auto tid = static_cast<pid_t>(syscall(SYS_gettid));
    auto& w = workers();
    std::lock_guard<std::mutex> lock(w.mu);
    w.tids.push_back(tid);
    // A thread's nice value is per thread on Linux: setpriority() with its tid.
    if (w.overloaded) setpriority(PRIO_PROCESS, static_cast<id_t>(tid), k_overloaded_worker_nice);
  }

  void thread_terminates() override {
    const auto tid = static_cast<pid_t>(syscall(SYS_gettid));
    auto& w = workers();
    std::lock_guard<std::mutex> lock(w.mu);
    std::erase(w.tids, tid);
  }
};

}  // namespace

void add_worker_priority_hook(caf::actor_system_config& config) {
  config.add_thread_hook<worker_priority_hook>();
}

void set_fire_path_overloaded(bool overloaded) {
  auto& w = workers();
  std::lock_guard<std::mutex> lock(w.mu);
  if (w.overloaded == overloaded) return;
  w.overloaded = overloaded;
  const int nice = overloaded ? k_overloaded_worker_nice : 0;
  for (pid_t tid : w.tids) {
    if (setpriority(PRIO_PROCESS, static_cast<id_t>(tid), nice) != 0) warn_once("nice value not changed");
  }
  // The clock's thread (who = 0 is the calling thread: Linux keeps a nice value per thread).
  if (setpriority(PRIO_PROCESS, 0, nice) != 0) warn_once("the clock's nice value not changed");
  // Idle-class compactions would get no cycle at all while the workers take every one.
  set_background_contended(overloaded);
}

}  // namespace mainspring
