// go_json_text: a Dkron answer's JSON text as Dkron's gin renderer writes it, Go's encoding/json
// of its structs: a job's, an execution's and a cluster member's fields in their Go struct's
// order (nlohmann keeps an object's keys sorted), every map's keys sorted, as Go sorts them.
//
// Example:
//   std::string text = go_json_text(job_json(view, deps), /*pretty=*/false);
//   // {"id":"a1","name":"a1","displayname":"",...,"starts_at":null,"expires_at":null}
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace mainspring::http::dkron {

// `body` (an answer, or an array of them) as Go writes it: an object that is a job (it has
// "schedule" and "executor_config"), an execution (it has "job_name" and "started_at") or a member
// (it has "Name" and "DelegateCur") has its Go struct's fields first, in their order, then any
// others sorted; only the body itself or the elements of a body that is an array are such
// objects: what they hold (tags, metadata, ...) are maps, written sorted. `pretty` indents by 4
// spaces, as gin's IndentedJSON (?pretty). Text that is not UTF-8 is written with U+FFFD; <, >, &,
// U+2028 and U+2029 in strings are escaped as Go escapes them ("a \u0026\u0026 b").
std::string go_json_text(const nlohmann::json& body, bool pretty);

}  // namespace mainspring::http::dkron
