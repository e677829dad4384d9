// Tests of the reconnect backoff: it grows, stays under its cap, jitters, and resets.
#include "core/backoff.h"

#include <set>

#include <catch2/catch.hpp>

using namespace mainspring;
using std::chrono::milliseconds;

TEST_CASE("backoff doubles its ceiling per failure, never passes the cap, and resets") {
  reconnect_backoff b{milliseconds(100), milliseconds(1000), 42};
  auto w0 = b.next();
  CHECK(w0 >= milliseconds(50));
  CHECK(w0 <= milliseconds(100));
  auto w1 = b.next();
  CHECK(w1 >= milliseconds(100));
  CHECK(w1 <= milliseconds(200));
  CHECK(b.next() <= milliseconds(400));
  CHECK(b.next() <= milliseconds(800));
  for (int i = 0; i < 98; ++i) {  // from here on the ceiling is the cap
    auto w = b.next();
    CHECK(w <= milliseconds(1000));
    CHECK(w >= milliseconds(500));
  }
  CHECK(b.failures() == 102);
  b.reset();
  CHECK(b.next() <= milliseconds(100));
}

TEST_CASE("backoff waits are jittered, not all the same") {
  reconnect_backoff b{milliseconds(1000), milliseconds(1000), 7};
  std::set<int64_t> seen;
  for (int i = 0; i < 50; ++i) seen.insert(b.next().count());
  CHECK(seen.size() > 10);
}
