#include "core/reported_chain.h"

#include <catch2/catch.hpp>

using namespace mainspring;

TEST_CASE("a report's chain and chain_error replace the job's follow-ups, and its chain_data and chain_params are passed on") {
  reported_chain chain =
      chain_of_report(R"({"chain":"load","chain_error":"alert","chain_data":{"rows":42},"chain_params":{"n":1}})");
  CHECK(chain.on_success == "load");
  CHECK(chain.on_failure == "alert");
  CHECK(chain.data == R"({"rows":42})");
  CHECK(chain.params == R"({"n":1})");
  // Params that are not an object, or an empty one, are none.
  CHECK(chain_of_report(R"({"chain_params":[1]})").params.empty());
  CHECK(chain_of_report(R"({"chain_params":{}})").params.empty());
}

TEST_CASE("a report without them leaves the job's follow-ups, and a value that names no job means none") {
  reported_chain none = chain_of_report(R"({"perf":{"a":1}})");
  CHECK_FALSE(none.on_success.has_value());
  CHECK_FALSE(none.on_failure.has_value());
  CHECK(none.data.empty());
  reported_chain off = chain_of_report(R"({"chain":false,"chain_error":null,"chain_data":0})");
  CHECK(off.on_success == "");
  CHECK(off.on_failure == "");
  CHECK(off.data.empty());  // falsy chain_data: Cronicle passes {} (none)
  CHECK(chain_of_report(R"({"chain_data":"text"})").data == "\"text\"");
}

TEST_CASE("a report that is not a JSON object says nothing") {
  for (const char* text : {"", "not json", "[1]", "{\"chain\":"}) {
    reported_chain chain = chain_of_report(text);
    CHECK_FALSE(chain.on_success.has_value());
    CHECK_FALSE(chain.on_failure.has_value());
    CHECK(chain.data.empty());
  }
}
