// --executors lists: parsing, membership and the text the refusals quote.
#include "core/executor_set.h"

#include <catch2/catch.hpp>

using namespace mainspring;

TEST_CASE("every executor is on by default") {
  auto all = executor_set::all();
  for (auto kind : {executor_kind::http, executor_kind::shell, executor_kind::lua,
                    executor_kind::remote, executor_kind::noop})
    CHECK(all.contains(kind));
  CHECK(all.to_string() == "http,shell,lua,remote,noop");
}

TEST_CASE("an executor list names exactly the executors it turns on") {
  auto set = parse_executor_set("noop, http,lua");
  REQUIRE(set.ok());
  CHECK(set->contains(executor_kind::http));
  CHECK(set->contains(executor_kind::lua));
  CHECK(set->contains(executor_kind::noop));
  CHECK_FALSE(set->contains(executor_kind::shell));
  CHECK_FALSE(set->contains(executor_kind::remote));
  CHECK(set->to_string() == "http,lua,noop");
}

TEST_CASE("an empty or unknown executor name is an error that names it") {
  CHECK_FALSE(parse_executor_set("").ok());
  CHECK_FALSE(parse_executor_set("http,").ok());
  CHECK_FALSE(parse_executor_set("HTTP").ok());
  auto bad = parse_executor_set("http,sh");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == status_code::invalid_argument);
  CHECK(bad.status().message().find("\"sh\"") != std::string::npos);
}
