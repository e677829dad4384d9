// list_worker: one thread that builds job lists away from the actors.
//
// A list of many jobs reads each job's state (read_job_view) and sorts or filters the views:
// tens of milliseconds for 100k jobs. Done in a group actor, that would hold up every write to
// the group; done on CAF's workers, it would hold up fires. So a group takes a snapshot of its job
// handles (microseconds per thousand jobs) and posts the rest here; lists wait for each other,
// never for fires or writes.
//
// Example:
//   list_worker lists;
//   if (!lists.post([views = snapshot] { ... reply(...); })) reply(status::unavailable("busy"));
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace mainspring {

// Lists waiting at most; beyond that post() refuses (the caller answers 503).
inline constexpr std::size_t k_max_queued_lists = 64;

class list_worker {
 public:
  list_worker();
  // Runs what is queued, then joins the thread.
  ~list_worker();
  list_worker(const list_worker&) = delete;
  list_worker& operator=(const list_worker&) = delete;

  // Queues `task` to run on the worker's thread; false when k_max_queued_lists wait already.
  // Thread-safe. A task must not throw (an exception is caught and dropped).
  bool post(std::function<void()> task);

 private:
  void loop();

  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace mainspring
