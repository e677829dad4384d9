#include "core/id_generator.h"

namespace mainspring {

uint64_t id_generator::next(sys_ms now) {
  int64_t ms = to_unix_ms(now) - k_epoch_unix_ms;
  if (ms < 0) ms = 0;
  uint64_t floor = (static_cast<uint64_t>(ms) << (k_node_bits + k_sequence_bits)) |
                   (static_cast<uint64_t>(node_) << k_sequence_bits);
  uint64_t last = last_.load(std::memory_order_relaxed);
  for (;;) {
    // Within one millisecond the sequence bits count up; past 4096 ids/ms they carry into the
    // millisecond bits, i.e. borrow from the future, which keeps ids unique and ordered.
    uint64_t candidate = last + 1 > floor ? last + 1 : floor;
    if (last_.compare_exchange_weak(last, candidate, std::memory_order_relaxed)) return candidate;
  }
}

}  // namespace mainspring
