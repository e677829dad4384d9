// Time types shared by every layer: Mainspring keeps instants as UTC milliseconds.
//
// Example:
//   sys_ms now = now_ms();
//   int64_t wire = to_unix_ms(now);        // what storage and the wheel keep
//   sys_ms back = from_unix_ms(wire);
#pragma once

#include <chrono>
#include <cstdint>

namespace mainspring {

using sys_ms = std::chrono::sys_time<std::chrono::milliseconds>;
using sys_s = std::chrono::sys_seconds;

inline sys_ms now_ms() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}
inline int64_t to_unix_ms(sys_ms t) { return t.time_since_epoch().count(); }
inline sys_ms from_unix_ms(int64_t ms) { return sys_ms{std::chrono::milliseconds{ms}}; }

}  // namespace mainspring
