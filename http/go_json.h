// go_json: the JSON of the APIs whose originals are Go servers (Dkron, Cloudtask's center), read
// and written as Go's encoding/json does where nlohmann's json does otherwise.
//
// Reading: nlohmann keeps an object's keys sorted and one value per key, but Go sets a struct
// field from each member in document order (the later of two spellings of one field wins), so
// parse_members_in_order() gives the top-level members as sent. go_json_kind() names a value as
// Go's UnmarshalTypeError does.
// Writing: Go writes a struct's fields in their declaration order and a map's keys sorted, and
// escapes <, >, & and U+2028/U+2029 in strings. in_field_order() puts an answer's keys in that
// order (the caller says which fields an object has first); go_escaped() adds the escapes to the
// text nlohmann dumps.
//
// Example:
//   go_json_members read = parse_members_in_order(body);          // read.members: as sent
//   auto fields = [](const json& o, int depth) { return depth == 0 ? k_job_fields : no_fields; };
//   std::string text = go_escaped(in_field_order(answer, fields).dump(), go_escape_style::go_1_22);
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace mainspring::http {

// A JSON text's top-level value (discarded when the text is no JSON, or nests deeper than
// k_max_json_depth, where Go reads 10,000 levels) and, when it is an object, its members in
// document order, a key given twice kept twice.
struct go_json_members {
  nlohmann::json value;
  std::vector<std::pair<std::string, nlohmann::json>> members;
};
go_json_members parse_members_in_order(const std::string& text);

// "number", "bool", "string", "array", "object" or "null": how Go's decoder names the JSON value
// it could not put into a Go type ("json: cannot unmarshal bool into Go value of type ...").
const char* go_json_kind(const nlohmann::json& value);

// The fields an object is written with first, in this order; `depth` is 0 for the answer itself
// and for the elements of an answer that is an array, and larger for every value further in.
using struct_fields_of = std::function<std::span<const std::string_view>(const nlohmann::json& object, int depth)>;

// `value` with each object's struct_fields (those it has) first, in their order, then its other
// keys sorted by bytes, as Go writes a map's keys.
nlohmann::ordered_json in_field_order(const nlohmann::json& value, const struct_fields_of& fields_of);

enum class go_escape_style {
  go_1_22,    // today's Go: \b and \f as JSON's short escapes, as nlohmann writes them
  before_1_22 // Go before 1.22: \b and \f as \u0008 and \u000c
};

// JSON text `text` (as nlohmann dumps it) with Go's escapes: <, >, & as \u003c, \u003e, \u0026
// (HTMLEscape, which gin's renderers and a plain json.Marshal keep on) and U+2028/U+2029 as
// \u2028/\u2029. None of them is JSON syntax, so in the text they are always inside strings.
std::string go_escaped(std::string_view text, go_escape_style style);

}  // namespace mainspring::http
