// output_tail: keeps the last N bytes of a stream of unknown (possibly enormous) length.
//
// A command may print gigabytes and an HTTP endpoint may answer with an endless body; a run only
// keeps the tail (run_outcome::output_tail), so the memory per run stays bounded by the capacity
// whatever arrives. Storage grows with the data up to the capacity (a run that prints "ok" costs
// a few bytes, not 64 KiB), then becomes a ring that overwrites the oldest bytes.
//
// Example:
//   output_tail tail(k_max_output_tail_bytes);
//   while ((n = read(fd, buf, sizeof buf)) > 0) tail.append(std::string_view(buf, n));
//   outcome.output_tail = tail.str();        // exactly the last min(total, capacity) bytes
//
// Bytes are kept as they came: cutting a long output can split a UTF-8 sequence at the start of
// the tail, so whoever renders it as JSON must tolerate invalid UTF-8.
// Not thread-safe: one owner appends and reads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "executors/run.h"

namespace mainspring {

class output_tail {
 public:
  // -- constructors --

  // REQUIRES: capacity > 0 (0 is taken as 1).
  explicit output_tail(std::size_t capacity = k_max_output_tail_bytes);

  // -- modifiers --

  // Appends `data`; if more than capacity() bytes have been appended in all, only the last
  // capacity() of them are kept.
  void append(std::string_view data);

  // Forgets everything, including total_bytes(); keeps the capacity.
  void clear();

  // -- observers --

  // The kept bytes, oldest first: the last min(total_bytes(), capacity()) bytes appended.
  std::string str() const;

  // How many bytes str() returns.
  std::size_t size() const { return buf_.size(); }
  std::size_t capacity() const { return capacity_; }
  // How many bytes were appended in all (kept or dropped).
  uint64_t total_bytes() const { return total_; }
  // True when some appended bytes were dropped.
  bool truncated() const { return total_ > buf_.size(); }

 private:
  // -- member variables --

  std::size_t capacity_;
  // Linear while it holds fewer than capacity_ bytes; once full, a ring whose oldest byte is
  // at head_ (the next one to overwrite).
  std::string buf_;
  std::size_t head_ = 0;
  uint64_t total_ = 0;
};

}  // namespace mainspring
