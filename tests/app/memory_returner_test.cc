// memory_returner: freed memory is given back only past the threshold, all at once, by the
// thread as well as by check(); without allocator hooks nothing runs.
#include "app/memory_returner.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

using namespace mainspring;
using namespace std::chrono_literals;

namespace {

struct fake_allocator {
  std::atomic<uint64_t> freed{0};
  std::atomic<int> returns{0};
  allocator_control control() {
    return {[this] { return freed.load(); }, [this] {
              ++returns;
              freed = 0;
            }};
  }
};

}  // namespace

TEST_CASE("freed memory under the threshold is kept, and past it all of it is returned at once") {
  fake_allocator a;
  memory_returner r(a.control(), std::chrono::hours(1), /*threshold_bytes=*/1000);
  a.freed = 999;
  CHECK(r.check() == 0);
  CHECK(a.returns == 0);
  a.freed = 1000;
  CHECK(r.check() == 1000);
  CHECK(a.returns == 1);
  CHECK(a.freed == 0);
  CHECK(r.check() == 0);  // nothing left to return
  CHECK(a.returns == 1);
}

TEST_CASE("the thread checks on its own, and stop() ends it without waiting out the interval") {
  fake_allocator a;
  a.freed = 5000;
  memory_returner r(a.control(), 5ms, 1000);
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (a.returns == 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
  REQUIRE(a.returns == 1);

  memory_returner slow(a.control(), std::chrono::hours(1), 1000);
  const auto before = std::chrono::steady_clock::now();
  slow.stop();
  slow.stop();  // idempotent
  CHECK(std::chrono::steady_clock::now() - before < std::chrono::minutes(1));  // not the hour
}

TEST_CASE("without an allocator's hooks there is no thread and check() returns nothing") {
  memory_returner r(std::nullopt);
  CHECK(r.check() == 0);
  r.stop();
}

#ifdef MAINSPRING_JEMALLOC
TEST_CASE("jemalloc's hooks see the memory freed and give it back") {
  auto hooks = allocator_hooks();
  REQUIRE(hooks);
  hooks->return_freed();
  const uint64_t before = hooks->freed_bytes();
  constexpr std::size_t k_blocks = 4096, k_block_bytes = 64 * 1024;  // 256 MiB
  {
    std::vector<std::unique_ptr<char[]>> blocks;
    for (std::size_t i = 0; i < k_blocks; ++i) {
      blocks.emplace_back(new char[k_block_bytes]);
      for (std::size_t b = 0; b < k_block_bytes; b += 4096) blocks.back()[b] = 1;  // touched: resident
    }
  }
  // jemalloc's own timer (this test has the library's default decay, not the server's options)
  // may have returned some of it already.
  const uint64_t quarter = k_blocks * k_block_bytes / 4;
  CHECK(hooks->freed_bytes() >= before + quarter);
  memory_returner r(hooks, std::chrono::hours(1), /*threshold_bytes=*/quarter);
  CHECK(r.check() >= quarter);
  CHECK(hooks->freed_bytes() < quarter / 4);
}
#else
TEST_CASE("without jemalloc there are no allocator hooks") { CHECK_FALSE(allocator_hooks()); }
#endif
