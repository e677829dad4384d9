// json_depth: JSON read with a bound on how deep its arrays and objects nest.
//
// nlohmann's parser keeps its own stack, but copying, comparing and writing a value recurse once
// per level on the thread's stack, so a value nested thousands of levels deep (a 1 MiB request
// body holds 500,000; a Cronicle script's 64 KiB report line 32,000) overflows it when it is kept,
// echoed or shown: 2,500 levels overflowed 8 MiB under ASan. JSON from outside the server that is
// kept or written back is read here.
//
// Example:
//   std::string why;
//   nlohmann::json v = parse_json_within_depth(text, /*ignore_comments=*/false, &why);
//   if (v.is_discarded()) return refuse(why);  // "nested deeper than 512 levels", or nlohmann's
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace mainspring {

// The deepest nesting of arrays and objects read: far beyond what any API or report uses (a
// Cloudtask job, the deepest body, has 4 levels) and far below what the recursion takes.
inline constexpr std::size_t k_max_json_depth = 512;

// `text` as one JSON value (nothing after it but white space), or a discarded value when it is
// no JSON or nests deeper than k_max_json_depth; then *why, when given, says why: "nested deeper
// than 512 levels", or nlohmann's exception text ("[json.exception.parse_error.101] ...").
nlohmann::json parse_json_within_depth(std::string_view text, bool ignore_comments, std::string* why = nullptr);

}  // namespace mainspring
