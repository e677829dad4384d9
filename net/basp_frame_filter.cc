#include "net/basp_frame_filter.h"

#include <algorithm>

namespace mainspring::net {

bool basp_frame_filter::feed(const char* in, std::size_t n, std::vector<char>& out) {
  if (refused_) return false;
  std::size_t i = 0;
  while (i < n) {
    if (payload_left_ > 0) {
      std::size_t take = static_cast<std::size_t>(std::min<uint64_t>(payload_left_, n - i));
      out.insert(out.end(), in + i, in + i + take);
      payload_left_ -= take;
      i += take;
      continue;
    }
    std::size_t take = std::min(k_basp_header_bytes - header_len_, n - i);
    std::copy(in + i, in + i + take, header_.begin() + header_len_);
    header_len_ += take;
    i += take;
    if (header_len_ < k_basp_header_bytes) break;  // held back until it is whole
    const auto* h = reinterpret_cast<const unsigned char*>(header_.data());
    const uint32_t length = (uint32_t{h[4]} << 24) | (uint32_t{h[5]} << 16) | (uint32_t{h[6]} << 8) | h[7];
    if (length > max_payload_) {
      refused_ = true;
      return false;
    }
    out.insert(out.end(), header_.begin(), header_.end());
    header_len_ = 0;
    payload_left_ = length;
    ++messages_;
  }
  return true;
}

}  // namespace mainspring::net
