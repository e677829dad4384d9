// python_text: JSON values written out as ndscheduler's Python writes them, for the texts it
// stores: `'%s' % value` (str() of what json.loads gave: a list prints as its repr) in a modified
// job's audit description, and json.dumps(value) in a deleted job's.
//
// Example:
//   python_str(json::parse(R"(["arg1", 2, true, null, 2.5])"))  // "['arg1', 2, True, None, 2.5]"
//   python_str("it's")                                          // "it's" (a str prints as it is)
//   python_repr("it's")                                         // "\"it's\""
//   python_json_dumps(ordered_json{{"a", {1, "\u00e9"}}})       // "{\"a\": [1, \"\\u00e9\"]}"
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace mainspring::http::ndscheduler {

// repr() of the Python value json.loads reads from `value`: 'text' (or "text" when it holds a '
// and no "), 12, 2.5, 1e+16, True, False, None, [a, b], {'key': value}. Characters Python does
// not print as they are (controls, separators, format characters, private use) are escaped as
// it escapes them (\n, \x85, \u200b); unassigned code points, which only Python's tables know,
// print as they are.
std::string python_repr(const nlohmann::ordered_json& value);

// str() of that value: a string as it is, anything else its repr().
std::string python_str(const nlohmann::ordered_json& value);

// Python's json.dumps(value) with its defaults: ", " and ": " between items, keys in the order
// they have, non-ASCII escaped (ensure_ascii), floats as Python's repr writes them.
std::string python_json_dumps(const nlohmann::ordered_json& value);

// Python's repr() of a float: the shortest text that reads back as `value`, "2.0" for a whole
// one, with an exponent ("1e+16", "1.5e-05") from 1e16 up and below 1e-4.
std::string python_float_repr(double value);

// True when Python's == holds between the values json.loads reads from `a` and `b`: numbers
// (true and false as 1 and 0 included) by their value, lists item by item, objects key by key.
bool python_equal(const nlohmann::ordered_json& a, const nlohmann::ordered_json& b);

}  // namespace mainspring::http::ndscheduler
