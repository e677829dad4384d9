// json_text: writing JSON text straight into a string, for answers too large to build as
// nlohmann::json values first (a list of 100k jobs: a value per field costs more than the text).
//
// Strings are escaped as JSON requires; invalid UTF-8 becomes U+FFFD, as dump_json's "replace"
// does, so the text is always valid JSON. (storage/dump_json.cc keeps its own escaper: it
// replaces each invalid byte, which dumps have always done and their tests pin.)
//
// Example:
//   std::string out = "{\"name\":";
//   append_json_string(out, job.name);
//   out += ",\"runs\":";
//   append_json_number(out, job.runs);
//   out += '}';
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mainspring::http {

// Appends `text` as a JSON string literal (with its quotes).
void append_json_string(std::string& out, std::string_view text);

void append_json_number(std::string& out, int64_t value);
void append_json_number(std::string& out, uint64_t value);

inline void append_json_bool(std::string& out, bool value) { out += value ? "true" : "false"; }

}  // namespace mainspring::http
