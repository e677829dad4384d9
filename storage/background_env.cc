#include "storage/background_env.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

#include <leveldb/env.h>

namespace mainspring {
namespace {

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

  // LevelDB runs every scheduled call on its one background thread: lowered once, stays so.
  static void run_lowered(void* p) {
    std::unique_ptr<call> c(static_cast<call*>(p));
    thread_local bool lowered = false;
    if (!lowered) {
      // Per thread on Linux: setpriority() with the thread's id. A refusal leaves it at 0.
      ::setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), k_compaction_nice);
      lowered = true;
    }
    c->function(c->arg);
  }
};

}  // namespace

leveldb::Env* background_env() {
  static lowered_env* env = new lowered_env();  // never destroyed, as Env::Default()
  return env;
}

int nice_of_this_thread() {
  errno = 0;
  return ::getpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)));
}

}  // namespace mainspring
