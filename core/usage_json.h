// usage_json: a run's CPU or memory samples (usage_stats, core/run_record.h) as JSON, the shape
// Cronicle gives a job's cpu and mem: {"min", "max", "total", "count", "current"}.
//
// Example:
//   usage_stats mem; mem.add(1048576); mem.add(2097152);
//   usage_json(mem, /*whole=*/true);  // {"min":1048576,"max":2097152,"total":3145728,"count":2,"current":2097152}
#pragma once

#include <nlohmann/json.hpp>

#include "core/run_record.h"

namespace mainspring {

// `whole`: the figures as whole numbers (bytes), else as they are (% of a core).
nlohmann::json usage_json(const usage_stats& u, bool whole);

}  // namespace mainspring
