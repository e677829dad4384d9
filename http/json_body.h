// json_body: a request body parsed into a JSON object, and typed reads of its fields (every dialect).
//
// Every reader answers a status naming the field when the value has the wrong type, so that a
// client sees "timeout: must be a number of seconds" rather than a library's exception text. A
// field that is absent or null reads as "not given" (std::nullopt), as Go's encoding/json leaves
// the original's struct fields at their zero value. Nothing here throws.
//
// Example:
//   auto body = parse_json_object(request.body);          // "malformed JSON body: ..."
//   if (!body.ok()) return reply.send(failure(body.status()));
//   auto name = string_field(*body, "name");              // status_or<optional<string>>
//   auto timeout = seconds_as_ms_field(*body, "timeout"); // 1.5 -> 1500
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/status.h"

// Unwraps a status_or into `out`, or returns its status from the enclosing function.
#define MS_ASSIGN_OR_RETURN(out, expr)                \
  do {                                                \
    auto ms_result_ = (expr);                         \
    if (!ms_result_.ok()) return ms_result_.status(); \
    (out) = std::move(ms_result_).value();            \
  } while (false)

namespace mainspring::http {

// Parses `body` as a JSON object. Comments are allowed, and so are trailing commas before '}' or
// ']' (the seed document's own examples carry both). Anything else that is not a JSON object, or
// one nested deeper than k_max_json_depth (core/json_depth.h), is invalid_argument "malformed JSON body: <why>".
status_or<nlohmann::json> parse_json_object(std::string_view body);
// The same, each object's keys in the order the body gives them (a key given twice: its first
// place, its last value), for a dialect whose original writes a client's objects back as sent.
status_or<nlohmann::ordered_json> parse_ordered_json_object(std::string_view body);

// A string field. Wrong type -> "<name>: must be a string".
status_or<std::optional<std::string>> string_field(const nlohmann::json& object,
                                                   std::string_view name);

// A boolean: true or false (the original's Go decoder takes nothing else). Wrong type ->
// "<name>: must be true or false".
status_or<std::optional<bool>> bool_field(const nlohmann::json& object, std::string_view name);

// A whole number. With `allow_numeric_string`, "1700000000" is read as 1700000000 (clients of the
// original send exec_time either way). Fractions, other types and values outside int64 -> 400.
status_or<std::optional<int64_t>> integer_field(const nlohmann::json& object, std::string_view name,
                                                bool allow_numeric_string = false);

// A whole number within int's range (integer_field's checks, then "<name>: out of range"), for
// the fields a struct keeps as int.
status_or<std::optional<int>> int_field(const nlohmann::json& object, std::string_view name);

// A duration in seconds (a JSON number, fractions allowed) read as milliseconds, rounded to the
// nearest one: 1.5 -> 1500. Wrong type -> "<name>: must be a number of seconds".
status_or<std::optional<int64_t>> seconds_as_ms_field(const nlohmann::json& object,
                                                      std::string_view name);

// An object of strings, at most `max_entries` of them. Wrong type -> "<name>: must be an object of
// strings, got array"; a non-string value -> `<name>: the value of "k" must be a string, got ...`.
status_or<std::optional<std::map<std::string, std::string>>> string_map_field(
    const nlohmann::json& object, std::string_view name, std::size_t max_entries);

// `text` with every comma that directly precedes '}' or ']' removed, skipping strings and
// comments. Exposed for the tests.
std::string strip_trailing_commas(std::string_view text);

// `text`, which has no line breaks, with each `//` comment ended where the next line of the file
// it came from began: `curl -d @file` drops a file's line breaks, so the seed's commented bodies
// arrive as one line whose first comment would swallow the rest. A comment ends before the first
// `"key":` after it, or before the closing brackets that end the document (as many as are open);
// else at the end, as before. Strings are skipped. Exposed for the tests.
std::string end_joined_line_comments(std::string_view text);

}  // namespace mainspring::http
