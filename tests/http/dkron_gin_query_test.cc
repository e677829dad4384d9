// A request's query as Dkron's gin handlers read it (http/dkron/gin_query.h).
#include "http/dkron/gin_query.h"

#include <catch2/catch.hpp>

using namespace mainspring::http::dkron;

TEST_CASE("a key given twice reads as its first value, as gin's c.Query reads it") {
  auto q = gin_first_values("/v1/jobs?_order=DESC&_order=ASC&q=a&q=b");
  CHECK(q.at("_order") == "DESC");
  CHECK(q.at("q") == "a");
  CHECK(q.size() == 2);
  // An empty first value is still the first: gin's GetQuery finds the key with "".
  CHECK(gin_first_values("/v1/jobs?_start=&_start=5").at("_start") == "");
}

TEST_CASE("the query is split and decoded as Go's url.ParseQuery does") {
  auto q = gin_first_values("/v1/jobs?pretty&metadata%5Bteam%5D=ops+east&a=1=2&&=x");
  CHECK(q.at("pretty") == "");
  CHECK(q.at("metadata[team]") == "ops east");
  CHECK(q.at("a") == "1=2");  // split at the first '='
  CHECK(q.at("") == "x");
  CHECK(q.size() == 4);
  CHECK(gin_first_values("/v1/jobs").empty());
  CHECK(gin_first_values("/v1/jobs?").empty());
}

TEST_CASE("a pair Go's ParseQuery refuses is skipped, the others kept") {
  // A semicolon is "invalid semicolon separator in query" (Go 1.17 on); a bad escape fails to unescape.
  auto q = gin_first_values("/v1/jobs?a=1;b=2&q=%zz&q=second&c=%41");
  CHECK(q.count("a") == 0);
  CHECK(q.count("b") == 0);
  CHECK(q.at("q") == "second");  // the first value Go could read
  CHECK(q.at("c") == "A");
}

TEST_CASE("a '#' belongs to the query, as Go's server keeps it in RawQuery") {
  auto q = gin_first_values("/v1/jobs?q=a#b&x=1");
  CHECK(q.at("q") == "a#b");
  CHECK(q.at("x") == "1");
}
