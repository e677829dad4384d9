// pipe: joins two byte streams and copies bytes both ways until either side ends, then closes
// both. Bytes from `a` to `b` may pass through a filter (the relay's BASP frame check), which
// may hold bytes back or refuse the connection.
//
// Example:
//   auto p = std::make_shared<pipe>(client, upstream, filter, [] { /* both closed */ });
//   p->start();
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "net/byte_stream.h"

namespace mainspring::net {

// Read buffer per direction: at most this much of a connection's traffic is held in memory.
inline constexpr std::size_t k_pipe_buffer_bytes = 64 * 1024;

// Turns bytes read from `a` into the bytes to write to `b` (appended to `out`). False refuses
// the connection: nothing of `in` beyond what was already appended is sent, and both sides close.
using pipe_filter = std::function<bool(const char* in, std::size_t n, std::vector<char>& out)>;

class pipe : public std::enable_shared_from_this<pipe> {
 public:
  // `on_close` (may be empty) runs once, on the io thread, when the pipe closes both streams.
  pipe(std::shared_ptr<byte_stream> a, std::shared_ptr<byte_stream> b, pipe_filter a_to_b,
       std::function<void()> on_close);
  // Starts copying both ways; the pending operations keep the pipe alive until it closes.
  // REQUIRES: the pipe is owned by a shared_ptr (make_shared); called once, on the io thread.
  void start();
  // Closes both streams (from the io thread). Idempotent.
  void close();

 private:
  struct direction {
    std::shared_ptr<byte_stream> from, to;
    std::array<char, k_pipe_buffer_bytes> buffer;
    std::vector<char> out;
    pipe_filter filter;  // empty: copy
  };
  void pump(direction& d);

  direction forward_, backward_;
  std::function<void()> on_close_;
  bool closed_ = false;
};

}  // namespace mainspring::net
