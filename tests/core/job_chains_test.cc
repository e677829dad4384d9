// Parent/child links between jobs: flags that flip, children, loops.
#include "core/job_chains.h"

#include <algorithm>

#include <catch2/catch.hpp>

using namespace mainspring;
using changes = job_chains::flag_changes;

TEST_CASE("a parent's flag flips on its first child and after its last") {
  job_chains c;
  CHECK(c.set_parent("b", "a") == changes{{"a", true}});
  CHECK(c.set_parent("c", "a").empty());
  CHECK(c.has_children("a"));
  auto kids = c.children_of("a");
  std::sort(kids.begin(), kids.end());
  CHECK(kids == std::vector<std::string>{"b", "c"});
  CHECK(c.forget("b").empty());
  CHECK(c.forget("c") == changes{{"a", false}});
  CHECK_FALSE(c.has_children("a"));
  CHECK(c.children_of("a").empty());
  CHECK(c.forget("never-linked").empty());
}

TEST_CASE("moving a child to another parent flips both flags") {
  job_chains c;
  c.set_parent("b", "a");
  CHECK(c.set_parent("b", "x") == changes{{"a", false}, {"x", true}});
  CHECK(c.parent_of("b") == "x");
  CHECK(c.set_parent("b", "x").empty());  // unchanged
  CHECK(c.set_parent("b", "") == changes{{"x", false}});
  CHECK(c.parent_of("b").empty());
}

TEST_CASE("a link that would close a loop is detected") {
  job_chains c;
  c.set_parent("b", "a");
  c.set_parent("c", "b");
  CHECK(c.would_cycle("a", "c"));   // a -> b -> c -> a
  CHECK(c.would_cycle("a", "a"));
  CHECK_FALSE(c.would_cycle("d", "c"));
  CHECK_FALSE(c.would_cycle("c", "a"));  // already below a: no loop
}
