// backoff: how long a worker agent waits before dialling its server again.
//
// Capped exponential backoff with "full jitter": the n-th consecutive failure waits a random
// time in [base * 2^n / 2, base * 2^n], never more than `cap`, so that a hundred agents that lost
// the same server do not all knock again at the same instant. A success resets it.
//
// Example:
//   reconnect_backoff backoff{std::chrono::milliseconds(200), std::chrono::seconds(10)};
//   while (!connect()) std::this_thread::sleep_for(backoff.next());
//   backoff.reset();
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace mainspring {

class reconnect_backoff {
 public:
  // REQUIRES: 0 < base <= cap.
  reconnect_backoff(std::chrono::milliseconds base, std::chrono::milliseconds cap, uint64_t seed = std::random_device{}());

  // The wait before the next attempt; each call counts one more failure.
  std::chrono::milliseconds next();
  // After a success: the next failure waits about `base` again.
  void reset() { failures_ = 0; }
  int failures() const { return failures_; }

 private:
  std::chrono::milliseconds base_, cap_;
  int failures_ = 0;
  std::mt19937_64 random_;
};

}  // namespace mainspring
