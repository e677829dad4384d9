#include "core/usage_json.h"

#include <catch2/catch.hpp>

using namespace mainspring;

TEST_CASE("samples are written as Cronicle keeps a job's cpu and mem") {
  usage_stats cpu;
  cpu.add(12.5);
  cpu.add(50.25);
  CHECK(usage_json(cpu, false) ==
        nlohmann::json::parse(R"({"min":12.5,"max":50.25,"total":62.75,"count":2,"current":50.25})"));
  usage_stats mem;
  mem.add(1048576.0);
  mem.add(2097152.0);
  const nlohmann::json bytes = usage_json(mem, true);
  CHECK(bytes == nlohmann::json::parse(R"({"min":1048576,"max":2097152,"total":3145728,"count":2,"current":2097152})"));
  CHECK(bytes["total"].is_number_integer());
  CHECK(usage_json(usage_stats{}, true)["count"] == 0);
}
