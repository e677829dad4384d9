// body_pattern: ECMAScript patterns over a body, with search semantics and a bounded cost.
#include "core/body_pattern.h"

#include <catch2/catch.hpp>

#include <string>

using namespace mainspring;

namespace {
bool found(const char* pattern, std::string_view text) {
  auto p = body_pattern::compile(pattern);
  REQUIRE(p.ok());
  auto r = p->search(text);
  REQUIRE(r.ok());
  return *r;
}
}  // namespace

TEST_CASE("a pattern is searched anywhere in the text, anchors at the text's ends") {
  CHECK(found("OK", "all OK here"));
  CHECK_FALSE(found("OK", "all ok here"));
  CHECK(found("^ok$", "ok"));
  CHECK_FALSE(found("^ok$", "not ok"));
  CHECK_FALSE(found("^ok", "x\nok"));  // no multiline: ^ is the text's start only, as in JavaScript
  CHECK(found("done$", "it is done"));
  CHECK(found("\"state\":\\s*\"done\"", "{\"state\":  \"done\"}"));
  CHECK(found("fail(ed|ure)", "a failure"));
  CHECK(found("\\bword\\b", "a word here"));
  CHECK(found("(?!x)a", "xa"));
  CHECK(found("", "anything"));
  CHECK(found("a|b", "zzb"));  // an alternation is searched whole, not anchored in part
}

TEST_CASE("a pattern that does not compile is refused in std::regex's words, back-references too") {
  auto open = body_pattern::compile("(unclosed");
  REQUIRE_FALSE(open.ok());
  CHECK(open.status().code() == status_code::invalid_argument);
  CHECK_FALSE(open.status().message().empty());
  CHECK_FALSE(body_pattern::compile("a)|(b").ok());
  CHECK(body_pattern::compile("(a)\\1").status().message() == "back-references are not supported");
  CHECK_FALSE(body_pattern::compile("a{1,1000}{1,1000}").ok());  // over libstdc++'s automaton limit
}

TEST_CASE("patterns that backtrack catastrophically elsewhere stay linear over 16 KiB") {
  std::string body(16 * 1024, 'a');
  for (const char* p : {"(a|aa)*b", "(a*)*b", "(.|\\n)*x", ".*x", "^(a+)+$"}) {
    INFO(p);
    auto compiled = body_pattern::compile(p);
    REQUIRE(compiled.ok());
    CHECK(compiled->search(body).ok());
  }
}

TEST_CASE("a search costlier than k_max_pattern_steps gives up instead of running on") {
  std::string body(16 * 1024, 'a');
  auto p = body_pattern::compile("a{1,100}{1,100}b");
  REQUIRE(p.ok());
  auto r = p->search(body);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == status_code::resource_exhausted);
}
