#include "app/memory_returner.h"

#include <spdlog/spdlog.h>

#ifdef MAINSPRING_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

namespace mainspring {

#ifdef MAINSPRING_JEMALLOC
namespace {

#define MS_STRINGIFY_(x) #x
#define MS_STRINGIFY(x) MS_STRINGIFY_(x)
// Every arena's, merged (jemalloc's MALLCTL_ARENAS_ALL).
constexpr const char* k_all_dirty_pages = "stats.arenas." MS_STRINGIFY(MALLCTL_ARENAS_ALL) ".pdirty";
constexpr const char* k_all_muzzy_pages = "stats.arenas." MS_STRINGIFY(MALLCTL_ARENAS_ALL) ".pmuzzy";
constexpr const char* k_purge_all = "arena." MS_STRINGIFY(MALLCTL_ARENAS_ALL) ".purge";

std::size_t read_size(const char* name) {
  std::size_t value = 0, size = sizeof(value);
  return mallctl(name, &value, &size, nullptr, 0) == 0 ? value : 0;
}

uint64_t jemalloc_freed_bytes() {
  uint64_t epoch = 1;
  std::size_t size = sizeof(epoch);
  mallctl("epoch", &epoch, &size, &epoch, size);  // the stats below are as of this call
  const std::size_t page = read_size("arenas.page");
  return uint64_t{page} * (read_size(k_all_dirty_pages) + read_size(k_all_muzzy_pages));
}

}  // namespace

std::optional<allocator_control> allocator_hooks() {
  return allocator_control{jemalloc_freed_bytes, [] { mallctl(k_purge_all, nullptr, nullptr, nullptr, 0); }};
}
#else
std::optional<allocator_control> allocator_hooks() { return std::nullopt; }
#endif

memory_returner::memory_returner(std::optional<allocator_control> control, std::chrono::milliseconds interval,
                                 uint64_t threshold_bytes)
    : control_(std::move(control)), interval_(interval), threshold_(threshold_bytes) {
  if (control_) thread_ = std::thread([this] { loop(); });
}

memory_returner::~memory_returner() { stop(); }

uint64_t memory_returner::check() {
  if (!control_) return 0;
  const uint64_t freed = control_->freed_bytes();
  if (freed < threshold_) return 0;
  const auto started = std::chrono::steady_clock::now();
  control_->return_freed();
  const auto took = std::chrono::steady_clock::now() - started;
  spdlog::info("returned {} MiB of freed memory to the system in {} ms", freed >> 20,
               std::chrono::duration_cast<std::chrono::milliseconds>(took).count());
  return freed;
}

void memory_returner::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void memory_returner::loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    check();
    lock.lock();
  }
}

}  // namespace mainspring
