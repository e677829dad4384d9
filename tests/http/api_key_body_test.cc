// api_key_body: the fields of an API key as the native and Cronicle listeners read them.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "http/api_key_body.h"

using namespace mainspring;
using namespace mainspring::http;
using nlohmann::json;

TEST_CASE("privileges are an array of names or an object of names set to 1 or 0") {
  auto as_array = api_key_fields(json{{"privileges", {"run_events", "admin"}}});
  REQUIRE(as_array.ok());
  CHECK(as_array->privileges->has(privilege::admin));
  auto as_object = api_key_fields(json{{"privileges", {{"run_events", 1}, {"admin", 0}}}});
  REQUIRE(as_object.ok());
  CHECK(as_object->privileges->has(privilege::run_events));
  CHECK_FALSE(as_object->privileges->has(privilege::admin));
}

TEST_CASE("privileges of another shape are refused with a message naming both forms") {
  const std::string expected =
      "privileges: must be an array of privilege names or an object of privilege names set to 1 or 0 "
      "(e.g. [\"run_events\"] or {\"run_events\": 1})";
  for (const json& bad : {json("admin"), json(1), json::array({1})}) {
    auto fields = api_key_fields(json{{"privileges", bad}});
    REQUIRE_FALSE(fields.ok());
    CHECK(fields.status().code() == status_code::invalid_argument);
    CHECK(fields.status().message() == expected);
  }
}
