#include "core/backoff.h"

#include <algorithm>

namespace mainspring {

reconnect_backoff::reconnect_backoff(std::chrono::milliseconds base, std::chrono::milliseconds cap, uint64_t seed)
    : base_(std::max(base, std::chrono::milliseconds(1))), cap_(std::max(cap, base_)), random_(seed) {}

std::chrono::milliseconds reconnect_backoff::next() {
  // 2^30 * base overflows nothing that matters: the cap applies long before.
  const int shift = std::min(failures_, 30);
  ++failures_;
  const int64_t ceiling = std::min<int64_t>(cap_.count(), base_.count() << shift);
  std::uniform_int_distribution<int64_t> pick(ceiling / 2, ceiling);
  return std::chrono::milliseconds(std::max<int64_t>(1, pick(random_)));
}

}  // namespace mainspring
