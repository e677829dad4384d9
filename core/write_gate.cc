#include "core/write_gate.h"

#include <utility>

namespace mainspring {

void write_gate::run(std::function<void()> change) {
  if (held_ || !waiting_.empty()) {
    waiting_.push_back(std::move(change));
    return;
  }
  change();
}

void write_gate::release() {
  held_ = false;
  // A change run here may call run() again (it queues behind the rest) or hold() (we stop).
  while (!held_ && !waiting_.empty()) {
    auto next = std::move(waiting_.front());
    waiting_.pop_front();
    next();
  }
}

}  // namespace mainspring
