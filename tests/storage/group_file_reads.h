// Helpers of the group file tests (dump_json_test.cc, dump_json_documents_test.cc): a group
// file's text decoded as the file of group "YM55", and the refusal it gives.
#pragma once

#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include "storage/dump_json.h"

namespace mainspring::testing {

inline status_or<group_dump> decode_text(const std::string& text) {
  std::istringstream in(text);
  decode_budget budget;
  return decode_group_file(in, "YM55", &budget);
}

// The error decoding `text` gives, or "" when it reads.
inline std::string refusal(const std::string& text) {
  auto r = decode_text(text);
  if (r.ok()) return "";
  CHECK(r.status().code() == status_code::invalid_argument);
  return r.status().message();
}

}  // namespace mainspring::testing
