// memory_returner: gives the memory the server freed back to the system in bulk, now and then,
// instead of a little at a time.
//
// The server binary's jemalloc keeps freed pages for reuse and never returns them on its own
// (app/malloc_conf.cc: dirty_decay_ms:-1, muzzy_decay_ms:-1), because pages returned a little at
// a time are faulted in again by a steady load (~10 us a page on a VM), and with transparent huge
// pages (MALLOC_CONF=thp:always) splitting them made a firing load fault and collapse pages all
// the time (bench/results/2026-12-07-thp-keep.md). Left alone, the
// memory of a million deleted jobs, or of an overload's backlog, would stay with the process.
// So a thread checks every k_return_check_interval how much freed memory the allocator holds
// and, past k_return_threshold_bytes, returns all of it at once: rare (a large delete, the end
// of an overload), never on a steady load, whose freed memory is reused at once.
//
// With another allocator (the sanitizer builds, -DMAINSPRING_MALLOC=system) allocator_hooks()
// is empty and start() does nothing: glibc returns memory on its own.
//
// Example:
//   memory_returner returner(allocator_hooks());   // starts checking (when hooks exist)
//   ...
//   returner.stop();                                 // or its destructor
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

namespace mainspring {

inline constexpr std::chrono::seconds k_return_check_interval{10};
inline constexpr uint64_t k_return_threshold_bytes = uint64_t{128} << 20;

// What the returner asks of the allocator.
struct allocator_control {
  std::function<uint64_t()> freed_bytes;  // freed memory held for reuse, as of now
  std::function<void()> return_freed;     // gives all of it back to the system
};

// The linked allocator's control, or nullopt when it has none (not jemalloc).
std::optional<allocator_control> allocator_hooks();

class memory_returner {
 public:
  // Starts a thread checking every `interval` (none when `control` is nullopt).
  explicit memory_returner(std::optional<allocator_control> control,
                           std::chrono::milliseconds interval = k_return_check_interval,
                           uint64_t threshold_bytes = k_return_threshold_bytes);
  ~memory_returner();
  memory_returner(const memory_returner&) = delete;
  memory_returner& operator=(const memory_returner&) = delete;

  // One check, as the thread makes it: returns the freed memory when it passes the threshold.
  // Answers how many bytes were returned (0: none). Exposed for the tests.
  uint64_t check();
  // Ends the thread (at once, not after its interval). Idempotent.
  void stop();

 private:
  void loop();

  std::optional<allocator_control> control_;
  std::chrono::milliseconds interval_;
  uint64_t threshold_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace mainspring
