#include "storage/background_env.h"

#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <mutex>
#include <vector>

#include <leveldb/env.h>

namespace mainspring {
namespace {

pid_t this_tid() {
  return static_cast<pid_t>(::syscall(SYS_gettid));
}

// SCHED_IDLE is used only if the thread can be brought back to SCHED_OTHER at nice
// k_compaction_nice under overload (sched(7): unprivileged, that needs RLIMIT_NICE >= 20 - nice).
bool can_leave_idle_class() {
  if (::geteuid() == 0) return true;
  rlimit r{};
  return ::getrlimit(RLIMIT_NICE, &r) == 0 && (r.rlim_cur == RLIM_INFINITY || r.rlim_cur >= 20 - k_compaction_nice);
}

struct background_threads {
  std::mutex mu;
  std::vector<pid_t> tids;  // LevelDB's background threads (one per process in practice)
  bool contended = false;
  bool idle_allowed = can_leave_idle_class();
};

background_threads& threads() {
  static background_threads* t = new background_threads();  // used by the never-destroyed env
  return *t;
}

// REQUIRES: threads().mu held.
void apply(pid_t tid, bool contended, bool idle_allowed) {
  sched_param param{};
  if (!contended && idle_allowed) {
    ::sched_setscheduler(tid, SCHED_IDLE, &param);
  } else {
    ::sched_setscheduler(tid, SCHED_OTHER, &param);
  }
  // Per thread on Linux: setpriority() with the thread's id. A refusal leaves it as it was.
  ::setpriority(PRIO_PROCESS, static_cast<id_t>(tid), k_compaction_nice);
}

class lowered_env final : public leveldb::EnvWrapper {
 public:
  lowered_env() : leveldb::EnvWrapper(leveldb::Env::Default()) {}

  void Schedule(void (*function)(void*), void* arg) override {
    target()->Schedule(&run_lowered, new call{function, arg});
  }

 private:
  struct call {
    void (*function)(void*);
    void* arg;
  };

  // LevelDB runs every scheduled call on its one background thread: registered once.
  static void run_lowered(void* p) {
    std::unique_ptr<call> c(static_cast<call*>(p));
    thread_local bool registered = false;
    if (!registered) {
      auto& t = threads();
      std::lock_guard<std::mutex> lock(t.mu);
      t.tids.push_back(this_tid());
      apply(t.tids.back(), t.contended, t.idle_allowed);
      registered = true;
    }
    c->function(c->arg);
  }
};

}  // namespace

leveldb::Env* background_env() {
  static lowered_env* env = new lowered_env();  // never destroyed, as Env::Default()
  return env;
}

void set_background_contended(bool contended) {
  auto& t = threads();
  std::lock_guard<std::mutex> lock(t.mu);
  if (t.contended == contended) return;
  t.contended = contended;
  for (pid_t tid : t.tids) apply(tid, contended, t.idle_allowed);
}

bool this_thread_is_idle_class() {
  return ::sched_getscheduler(0) == SCHED_IDLE;
}

int nice_of_this_thread() {
  errno = 0;
  return ::getpriority(PRIO_PROCESS, static_cast<id_t>(this_tid()));
}

}  // namespace mainspring
