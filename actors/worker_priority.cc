#include "actors/worker_priority.h"

#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <string_view>

#include <caf/thread_hook.hpp>
#include <spdlog/spdlog.h>

namespace mainspring {

namespace {

// CAF 0.17 names its scheduler workers so (scheduler/worker.hpp) before it calls the hook.
constexpr std::string_view k_worker_thread_name = "caf.multiplexer";

class worker_priority_hook final : public caf::thread_hook {
 public:
  void init(caf::actor_system&) override {}

  void thread_started() override {
    char name[16] = {};
    if (pthread_getname_np(pthread_self(), name, sizeof name) != 0) return;
    if (std::string_view(name) != k_worker_thread_name) return;
    // A thread's nice value is per thread on Linux: setpriority() with its own tid.
    const auto tid = static_cast<id_t>(syscall(SYS_gettid));
    if (setpriority(PRIO_PROCESS, tid, k_worker_nice) != 0 && !warned_.exchange(true)) {
      spdlog::warn("could not lower the actor workers' priority ({}); API requests may wait behind fires",
                   std::strerror(errno));
    }
  }

  void thread_terminates() override {}

 private:
  std::atomic<bool> warned_{false};
};

}  // namespace

void add_worker_priority_hook(caf::actor_system_config& config) {
  config.add_thread_hook<worker_priority_hook>();
}

}  // namespace mainspring
