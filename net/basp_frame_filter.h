// basp_frame_filter: checks a byte stream of CAF 0.17 BASP messages against a payload size cap.
//
// A BASP message is a 32-byte header (byte 0 the operation, bytes 4-7 the payload length as a
// big-endian uint32, then operation data and source and destination actor ids) followed by that
// many payload bytes. CAF allocates whatever length a header announces, so the node relay puts
// this filter in front of it: a header announcing more than the cap refuses the connection
// before any byte of that message passes. Bytes pass as soon as they are known to be part of an
// accepted message; a header split across reads is held back until it is whole.
//
// Example:
//   basp_frame_filter filter(1 << 20);
//   std::vector<char> out;
//   if (!filter.feed(data, n, out)) close_connection();   // out: what may still be sent
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace mainspring::net {

inline constexpr std::size_t k_basp_header_bytes = 32;

class basp_frame_filter {
 public:
  explicit basp_frame_filter(std::size_t max_payload) : max_payload_(max_payload) {}

  // Appends to `out` the bytes of in[0, n) that belong to accepted messages. False when a header
  // announces a payload over the cap (the bytes before that header are in `out`); the filter
  // then refuses everything that follows.
  bool feed(const char* in, std::size_t n, std::vector<char>& out);

  uint64_t messages() const { return messages_; }

 private:
  std::size_t max_payload_;
  std::array<char, k_basp_header_bytes> header_{};
  std::size_t header_len_ = 0;
  uint64_t payload_left_ = 0;
  uint64_t messages_ = 0;
  bool refused_ = false;
};

}  // namespace mainspring::net
