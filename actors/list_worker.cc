#include "actors/list_worker.h"

namespace mainspring {

list_worker::list_worker() : thread_([this] { loop(); }) {}

list_worker::~list_worker() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

bool list_worker::post(std::function<void()> task) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || tasks_.size() >= k_max_queued_lists) return false;
    tasks_.push_back(std::move(task));
  }
  wake_.notify_one();
  return true;
}

void list_worker::loop() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;  // stopping, and nothing left
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    try {
      task();
    } catch (...) {
      // a list that failed to build answers nothing more; the worker goes on
    }
  }
}

}  // namespace mainspring
