#include "core/write_gate.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace mainspring;

TEST_CASE("a change runs at once when no write is in flight") {
  write_gate gate;
  bool ran = false;
  gate.run([&] { ran = true; });
  CHECK(ran);
  CHECK(gate.idle());
}

TEST_CASE("changes that arrive during a write wait for it, then run in order until one writes") {
  write_gate gate;
  std::vector<std::string> log;
  gate.run([&] {
    log.push_back("first writes");
    gate.hold();
  });
  gate.run([&] { log.push_back("second"); });
  gate.run([&] {
    log.push_back("third writes");
    gate.hold();
  });
  gate.run([&] { log.push_back("fourth"); });
  CHECK(log == std::vector<std::string>{"first writes"});
  CHECK(gate.busy());

  gate.release();  // the first write is answered
  CHECK(log == std::vector<std::string>{"first writes", "second", "third writes"});
  CHECK(gate.busy());
  gate.release();
  CHECK(log == std::vector<std::string>{"first writes", "second", "third writes", "fourth"});
  CHECK(gate.idle());
}

TEST_CASE("a change queued by a waiting change runs after the ones already waiting") {
  write_gate gate;
  std::vector<int> order;
  gate.run([&] { gate.hold(); });
  gate.run([&] {
    order.push_back(1);
    gate.run([&] { order.push_back(3); });
  });
  gate.run([&] { order.push_back(2); });
  gate.release();
  CHECK(order == std::vector<int>{1, 2, 3});
  CHECK(gate.idle());
}
