// legacy_run_value: run values as Mainspring wrote them before format 3 (storage/run_value.h),
// for the tests that check they still read.
//
// Example:
//   db->Put({}, run_key("g", "j", 7), format2_run(run));  // as an older build left it
#pragma once

#include <cstdint>
#include <string>

#include "core/run_record.h"

namespace mainspring {

// A run value as formats 1 and 2 wrote it (cereal binary: fixed-width little-endian integers,
// strings as a uint32 length and the bytes); format 1 had no node.
inline std::string format2_run(const run_record& r, uint8_t version = 2) {
  std::string out(1, static_cast<char>(version));
  auto put = [&out](auto v) {
    for (std::size_t i = 0; i < sizeof v; ++i) out.push_back(static_cast<char>(static_cast<uint64_t>(v) >> (8 * i)));
  };
  auto text = [&](const std::string& t) {
    put(static_cast<uint32_t>(t.size()));
    out += t;
  };
  put(r.run_id);
  text(r.job_id);
  text(r.group);
  put(static_cast<uint8_t>(r.trigger));
  put(static_cast<int32_t>(r.attempt));
  put(static_cast<uint8_t>(r.state));
  put(r.plan_ms);
  put(r.start_ms);
  put(r.end_ms);
  put(static_cast<int32_t>(r.code));
  text(r.output_tail);
  text(r.error);
  if (version >= 2) text(r.node);
  return out;
}

}  // namespace mainspring
