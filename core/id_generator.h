// id_generator: unique, time-ordered 64-bit ids written as decimal strings, snowflake style
// ("1107521665400573952"), for generated job ids and run ids.
//
// Layout: 41 bits of milliseconds since the Twitter snowflake epoch (2010-11-04, as the Go
// snowflake package the original uses), 10 bits of node id, 12 bits of sequence.
// Ids from one generator strictly increase even when the clock stalls or steps back (the
// generator then borrows from the future), so two calls never return the same id.
//
// Example:
//   id_generator ids(/*node=*/0);
//   uint64_t run_id = ids.next(now_ms());
//   std::string job_id = std::to_string(ids.next(now_ms()));
#pragma once

#include <atomic>
#include <cstdint>

#include "core/time_types.h"

namespace mainspring {

class id_generator {
 public:
  static constexpr int64_t k_epoch_unix_ms = 1288834974657;  // the Twitter/bwmarrin epoch
  static constexpr int k_node_bits = 10;
  static constexpr int k_sequence_bits = 12;

  // REQUIRES: node < 1024.
  explicit id_generator(uint32_t node = 0) : node_(node & ((1u << k_node_bits) - 1)) {}

  // Thread-safe and lock-free.
  uint64_t next(sys_ms now);

  // The unix milliseconds an id was made at.
  static int64_t unix_ms_of(uint64_t id) {
    return static_cast<int64_t>(id >> (k_node_bits + k_sequence_bits)) + k_epoch_unix_ms;
  }

 private:
  uint32_t node_;
  std::atomic<uint64_t> last_{0};
};

}  // namespace mainspring
