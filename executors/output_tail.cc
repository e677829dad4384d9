#include "executors/output_tail.h"

#include <algorithm>

namespace mainspring {

output_tail::output_tail(std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {}

void output_tail::append(std::string_view data) {
  total_ += data.size();
  if (data.size() >= capacity_) {
    // Only the end of this chunk survives: replace everything.
    buf_.assign(data.substr(data.size() - capacity_));
    head_ = 0;
    return;
  }
  // Fill the linear phase first.
  if (buf_.size() < capacity_) {
    std::size_t take = std::min(capacity_ - buf_.size(), data.size());
    buf_.append(data.substr(0, take));
    data.remove_prefix(take);
  }
  // Full: overwrite the oldest bytes at head_, wrapping at most once (data.size() < capacity_).
  while (!data.empty()) {
    std::size_t take = std::min(capacity_ - head_, data.size());
    buf_.replace(head_, take, data.substr(0, take));
    data.remove_prefix(take);
    head_ = (head_ + take) % capacity_;
  }
}

void output_tail::clear() {
  buf_.clear();
  head_ = 0;
  total_ = 0;
}

std::string output_tail::str() const {
  if (head_ == 0) return buf_;
  std::string out;
  out.reserve(buf_.size());
  out.append(buf_, head_, std::string::npos);
  out.append(buf_, 0, head_);
  return out;
}

}  // namespace mainspring
