// json_depth: JSON read with a bound on how deep its arrays and objects nest.
//
// nlohmann's parser keeps its own stack, but copying, comparing and writing a value recurse once
// per level on the thread's stack, so a value nested thousands of levels deep (a 1 MiB request
// body holds 500,000; a Cronicle script's 64 KiB report line 32,000) overflows it when it is kept,
// echoed or shown: 2,500 levels overflowed 8 MiB under ASan. JSON from outside the server that is
// kept or written back is read here.
//
// The same read keeps each object's keys in the order the text gives them (nlohmann's
// ordered_json), for an API whose original writes objects back as they were sent (Python's
// json.loads then json.dumps: ndscheduler's pub_args).
//
// Example:
//   std::string why;
//   nlohmann::json v = parse_json_within_depth(text, /*ignore_comments=*/false, &why);
//   if (v.is_discarded()) return refuse(why);  // "nested deeper than 512 levels", or nlohmann's
//   nlohmann::ordered_json o = parse_ordered_json_within_depth(R"({"z":1,"a":2})", false);
//   o.dump();                                   // {"z":1,"a":2}
#pragma once

#include <cstddef>
#include <limits>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace mainspring {

// The deepest nesting of arrays and objects read: far beyond what any API or report uses (a
// Cloudtask job, the deepest body, has 4 levels) and far below what the recursion takes.
inline constexpr std::size_t k_max_json_depth = 512;
// For parse_ordered_json_within_depth: no bound, for text the server wrote itself (a job's
// dialect_data, which holds a body read within k_max_json_depth one level deeper).
inline constexpr std::size_t k_any_json_depth = std::numeric_limits<std::size_t>::max();

// `text` as one JSON value (nothing after it but white space), or a discarded value when it is
// no JSON or nests deeper than k_max_json_depth; then *why, when given, says why: "nested deeper
// than 512 levels", or nlohmann's exception text ("[json.exception.parse_error.101] ...").
nlohmann::json parse_json_within_depth(std::string_view text, bool ignore_comments, std::string* why = nullptr);

// The same, nested at most `max_depth` levels, with each object's keys in the order the text
// gives them. A key given twice in one object keeps the place it was first given and takes the
// value it was last given, as Python's json.loads builds a dict (and as parse_json_within_depth
// takes the last value). Reading takes time linear in the text, however many keys an object has
// (nlohmann's own ordered parse searches an object's keys one by one for each key it adds).
nlohmann::ordered_json parse_ordered_json_within_depth(std::string_view text, bool ignore_comments,
                                                       std::string* why = nullptr,
                                                       std::size_t max_depth = k_max_json_depth);

}  // namespace mainspring
