#include "core/timer_wheel.h"

#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace {

using mainspring::timer_handle;
using mainspring::timer_wheel;

constexpr int64_t k_start = 1'700'000'000'000;  // a realistic unix ms
constexpr int64_t k_hour = 3'600'000;
constexpr int64_t k_day = 24 * k_hour;
constexpr int64_t k_year = 365 * k_day;
// Where the wheel's reach ends (from its start) and the overflow takes over.
constexpr int64_t k_block = int64_t{1} << timer_wheel::k_block_bits;

struct firing {
  uint64_t payload;
  int64_t deadline_ms;
  bool operator==(const firing&) const = default;
};

// Advances and returns what fired, in order.
std::vector<firing> advance(timer_wheel& w, int64_t now_ms) {
  std::vector<firing> out;
  size_t n = w.advance_to(now_ms, [&](uint64_t p, int64_t d) { out.push_back({p, d}); });
  REQUIRE(n == out.size());
  return out;
}

// ---------------------------------------------------------------------------------------------
// Randomized lockstep comparison against a sorted reference (std::map keyed by (deadline, seq)).

class harness {
 public:
  harness(uint64_t seed, int64_t start_ms, bool with_cancels)
      : wheel_(start_ms), origin_(start_ms), now_(start_ms), rng_(seed), with_cancels_(with_cancels) {}

  void run(int ops) {
    int insert_percent = 45;
    for (int k = 0; k < ops; ++k) {
      // Alternate dense phases (thousands pending) with sparse ones, where big jumps empty the
      // wheel and the overflow and block edges matter.
      if (k % 2000 == 0) {
        dense_ = chance(50);
        insert_percent = dense_ ? 60 : 12;
      }
      int op = pick(0, 99);
      if (op < insert_percent) {
        insert(random_deadline());
      } else if (op < insert_percent + 15) {
        if (with_cancels_) cancel(random_handle());
      } else if (op < insert_percent + 20) {
        check_pending(random_handle());
      } else if (op < insert_percent + 30) {
        advance_to_next_expiry();
      } else {
        advance(random_advance());
      }
      check_state();
      REQUIRE(error_.empty());
      max_size_ = std::max(max_size_, wheel_.size());
    }
    // Drain: everything still pending fires in order (no re-arming now).
    draining_ = true;
    advance(INT64_MAX / 2);
    REQUIRE(error_.empty());
    REQUIRE(wheel_.size() == 0);
    REQUIRE(!wheel_.next_expiry());
  }

  size_t total_fired() const { return total_fired_; }
  size_t max_size() const { return max_size_; }

 private:
  using key = std::pair<int64_t, uint64_t>;  // (deadline, seq); the payload is seq

  static uint64_t pack(timer_handle h) { return (uint64_t{h.index} << 32) | h.generation; }

  int64_t pick(int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng_); }
  bool chance(int percent) { return pick(0, 99) < percent; }

  int64_t random_deadline() {
    int64_t now = wheel_.now();
    switch (pick(0, 11)) {
      case 0: return now + pick(0, 63);
      case 1: return now + pick(0, 5000);
      case 2: return now + pick(0, k_hour);
      case 3: return now + pick(0, k_day);
      case 4: return now - pick(0, 10'000);  // in the past
      case 5: return now;
      case 6: return now + pick(2 * k_year, 6 * k_year);
      case 7: return now + pick(100 * k_year, 400 * k_year);  // beyond the reach: overflow
      case 8: return block_edge(pick(0, 2)) + pick(-100, 100);
      default: {  // a few popular deadlines, so that many timers share a millisecond
        if (popular_.empty() || chance(2)) {
          popular_.clear();
          for (int i = 0; i < 4; ++i) popular_.push_back(now + pick(0, 200'000));
        }
        return popular_[pick(0, static_cast<int64_t>(popular_.size()) - 1)];
      }
    }
  }

  int64_t random_advance() {
    int64_t now = wheel_.now();
    if (dense_) {  // small steps: thousands of timers stay pending
      switch (pick(0, 19)) {
        case 0: return now + pick(0, 70'000);
        case 1: return now - pick(0, 1000);
        case 2: case 3: case 4: case 5: return now + pick(0, 5000);
        default: return now + pick(0, 100);
      }
    }
    switch (pick(0, 9)) {
      case 0: return now + pick(0, 3);
      case 1: return now + pick(0, 100);
      case 2: return now + pick(0, 70'000);
      case 3: return now + pick(0, 2 * k_day);
      case 4: return now + pick(0, 3 * k_year);
      case 5: return chance(10) ? now + pick(0, 300 * k_year) : now + pick(0, 64);
      case 6: return now - pick(0, 1000);  // backwards: must not move the clock back
      case 7: return block_edge(pick(0, 2)) + pick(-3, 3);
      default: return now + pick(0, 5000);
    }
  }

  // The start of the k-th block of the wheel's reach after the current one (k = 0: the next).
  int64_t block_edge(int64_t k) const {
    return origin_ + ((wheel_.now() - origin_) / k_block + 1 + k) * k_block;
  }

  timer_handle random_handle() {
    if (handles_.empty() || chance(5)) return timer_handle{};
    size_t n = handles_.size();
    size_t i = chance(50) ? n - 1 - static_cast<size_t>(pick(0, std::min<int64_t>(n, 200) - 1))
                          : static_cast<size_t>(pick(0, static_cast<int64_t>(n) - 1));
    return handles_[i];
  }

  void insert(int64_t deadline_ms) {
    uint64_t seq = next_seq_++;
    timer_handle h = wheel_.insert(deadline_ms, seq);
    if (!wheel_.pending(h)) note("insert: new handle not pending");
    key k{deadline_ms, seq};
    if (in_advance_ && deadline_ms <= target_) {
      deferred_.emplace(k, h);  // fires at the next advance_to(), not in this one
    } else {
      live_.emplace(k, h);
    }
    by_handle_[pack(h)] = k;
    handles_.push_back(h);
  }

  void cancel(timer_handle h) {
    auto it = by_handle_.find(pack(h));
    bool expected = it != by_handle_.end();
    if (wheel_.cancel(h) != expected) note("cancel: wrong result");
    if (!expected) return;
    live_.erase(it->second);
    deferred_.erase(it->second);
    by_handle_.erase(it);
  }

  void check_pending(timer_handle h) {
    if (wheel_.pending(h) != (by_handle_.count(pack(h)) == 1)) note("pending: wrong result");
  }

  void advance(int64_t t) {
    target_ = std::max(t, now_);
    in_advance_ = true;
    size_t seen = 0;
    size_t fired = wheel_.advance_to(t, [&](uint64_t payload, int64_t deadline_ms) {
      ++seen;
      on_expire(payload, deadline_ms);
    });
    in_advance_ = false;
    if (fired != seen) note("advance_to: wrong count");
    if (!live_.empty() && live_.begin()->first.first <= target_) note("advance_to: a due timer did not fire");
    live_.merge(deferred_);
    now_ = target_;
    total_fired_ += fired;
  }

  void on_expire(uint64_t payload, int64_t deadline_ms) {
    if (live_.empty()) return note("fired with nothing due");
    auto it = live_.begin();
    if (it->first != key{deadline_ms, payload}) {
      return note("fired (" + std::to_string(deadline_ms) + ", " + std::to_string(payload) +
                  "), expected (" + std::to_string(it->first.first) + ", " +
                  std::to_string(it->first.second) + ")");
    }
    if (deadline_ms > target_) note("fired a timer that is not due");
    if (wheel_.now() != target_) note("now() inside on_expire is not the target");
    timer_handle self = it->second;
    by_handle_.erase(pack(self));
    live_.erase(it);
    if (wheel_.pending(self)) note("a firing timer is still pending");
    if (draining_) return;
    // A job re-arms itself: sometimes in the past (fires next call), often soon, sometimes far.
    if (chance(30)) {
      switch (pick(0, 4)) {
        case 0: insert(target_ - pick(0, 5)); break;
        case 1: insert(deadline_ms + pick(0, 2)); break;
        case 2: insert(random_deadline()); break;
        default: insert(target_ + pick(1, 100)); break;
      }
    }
    if (with_cancels_ && chance(10)) cancel(random_handle());
    if (with_cancels_ && chance(3)) cancel(self);  // already fired: must be a no-op
  }

  void advance_to_next_expiry() {
    std::optional<int64_t> t = wheel_.next_expiry();
    if (!t) return;
    size_t fired = total_fired_;
    advance(*t);
    // Progress: if nothing fired, the bound was stale and is now exact.
    if (total_fired_ == fired && !live_.empty() && wheel_.next_expiry() != live_.begin()->first.first) {
      note("advance_to(next_expiry()) made no progress");
    }
  }

  void check_state() {
    if (wheel_.size() != live_.size()) note("size mismatch");
    if (wheel_.now() != now_) note("now mismatch");
    std::optional<int64_t> t = wheel_.next_expiry();
    if (live_.empty()) {
      if (t) note("next_expiry on an empty wheel");
      return;
    }
    int64_t earliest = live_.begin()->first.first;
    if (!t || *t > earliest) note("next_expiry later than the earliest deadline");
    if (!with_cancels_ && t != earliest) note("next_expiry not exact without cancels");
  }

  void note(const std::string& what) {
    if (error_.empty()) error_ = what + " (now " + std::to_string(now_) + ")";
  }

  timer_wheel wheel_;
  int64_t origin_;
  int64_t now_;
  std::mt19937_64 rng_;
  bool with_cancels_;
  bool in_advance_ = false;
  bool draining_ = false;
  bool dense_ = false;
  int64_t target_ = 0;
  uint64_t next_seq_ = 0;
  size_t total_fired_ = 0;
  size_t max_size_ = 0;
  std::map<key, timer_handle> live_;
  std::map<key, timer_handle> deferred_;
  std::unordered_map<uint64_t, key> by_handle_;
  std::vector<timer_handle> handles_;
  std::vector<int64_t> popular_;
  std::string error_;
};

}  // namespace

TEST_CASE("the wheel fires exactly what a sorted reference fires, in the same order") {
  const int64_t starts[] = {k_start, 0, -5 * k_year, k_start + 7};
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    INFO("seed " << seed);
    harness h(seed, starts[seed % 4], /*with_cancels=*/true);
    h.run(40'000);
    CHECK(h.total_fired() > 1000);
    CHECK(h.max_size() > 500);  // dense phases did keep many timers pending
  }
}

TEST_CASE("without cancels next_expiry is the exact earliest deadline") {
  for (uint64_t seed = 100; seed <= 103; ++seed) {
    INFO("seed " << seed);
    harness h(seed, k_start, /*with_cancels=*/false);
    h.run(15'000);
  }
}

TEST_CASE("a timer fires at its deadline and not a millisecond before") {
  timer_wheel w(k_start);
  w.insert(k_start + 1000, 7);
  CHECK(advance(w, k_start + 999).empty());
  CHECK(advance(w, k_start + 1000) == std::vector<firing>{{7, k_start + 1000}});
  CHECK(w.now() == k_start + 1000);
}

TEST_CASE("a timer due now or in the past fires at the next advance, not inline") {
  timer_wheel w(k_start);
  w.insert(k_start - 5, 1);
  w.insert(k_start, 2);
  w.insert(k_start - 9, 3);
  CHECK(w.size() == 3);
  CHECK(w.next_expiry() == k_start - 9);
  // Past deadlines fire by deadline, then insertion order; the clock does not move.
  CHECK(advance(w, k_start) == std::vector<firing>{{3, k_start - 9}, {1, k_start - 5}, {2, k_start}});
  CHECK(w.size() == 0);
}

TEST_CASE("advance_to an earlier time leaves the clock where it is") {
  timer_wheel w(k_start);
  advance(w, k_start + 100);
  w.insert(k_start + 150, 1);
  CHECK(advance(w, k_start + 50).empty());
  CHECK(w.now() == k_start + 100);
  CHECK(advance(w, k_start + 150).size() == 1);
}

TEST_CASE("timers with the same deadline fire in insertion order even when one was cascaded") {
  timer_wheel w(k_start);
  const int64_t d = k_start + 3 * k_day + 12'345;
  w.insert(d, 1);                // far: starts at a high level and cascades down
  advance(w, d - 10);            // now the same deadline is close: inserted at level 0
  w.insert(d, 2);
  w.insert(d - 1, 3);
  advance(w, d - 5);
  w.insert(d, 4);
  CHECK(advance(w, d + 1000) == std::vector<firing>{{3, d - 1}, {1, d}, {2, d}, {4, d}});
}

TEST_CASE("timers fire in deadline order across levels after one big jump") {
  timer_wheel w(k_start);
  const int64_t deltas[] = {5 * k_year, 1, 64, 63, 4096, k_hour, k_day + 1, 2 * k_year, 4095, 65};
  uint64_t p = 0;
  for (int64_t d : deltas) w.insert(k_start + d, p++);
  std::vector<firing> fired = advance(w, k_start + 6 * k_year);
  REQUIRE(fired.size() == 10);
  for (size_t i = 1; i < fired.size(); ++i) CHECK(fired[i - 1].deadline_ms < fired[i].deadline_ms);
}

TEST_CASE("cancelling a default, stale, cancelled or fired handle returns false") {
  timer_wheel w(k_start);
  CHECK_FALSE(w.cancel(timer_handle{}));
  CHECK_FALSE(timer_handle{}.valid());
  CHECK_FALSE(w.cancel(timer_handle{12345, 1}));  // never allocated

  timer_handle a = w.insert(k_start + 10, 1);
  CHECK(a.valid());
  CHECK(w.pending(a));
  CHECK(w.cancel(a));
  CHECK_FALSE(w.pending(a));
  CHECK_FALSE(w.cancel(a));  // double cancel
  CHECK(w.size() == 0);

  timer_handle b = w.insert(k_start + 10, 2);
  CHECK(advance(w, k_start + 10).size() == 1);
  CHECK_FALSE(w.pending(b));
  CHECK_FALSE(w.cancel(b));  // after expiry
  CHECK(w.size() == 0);
}

TEST_CASE("a reused slab entry gets a new generation so old handles stay dead") {
  timer_wheel w(k_start);
  timer_handle a = w.insert(k_start + 10, 1);
  REQUIRE(w.cancel(a));
  timer_handle b = w.insert(k_start + 20, 2);
  CHECK(b.index == a.index);  // the slab reuses the freed entry
  CHECK(b.generation != a.generation);
  CHECK_FALSE(w.cancel(a));  // the stale handle must not cancel the new timer
  CHECK(w.pending(b));
  CHECK(advance(w, k_start + 20) == std::vector<firing>{{2, k_start + 20}});
}

TEST_CASE("timers years and centuries away are parked and fire at their exact millisecond") {
  timer_wheel w(k_start);
  const int64_t far[] = {2 * k_year + 1, 5 * k_year + 17, 150 * k_year + 3, 1000 * k_year + 5};
  for (int64_t d : far) w.insert(k_start + d, static_cast<uint64_t>(d));
  for (int64_t d : far) {
    // A driver that sleeps until next_expiry() reaches each deadline in a few wake-ups.
    int wakeups = 0;
    std::vector<firing> fired;
    while (fired.empty()) {
      std::optional<int64_t> t = w.next_expiry();
      REQUIRE(t);
      REQUIRE(*t <= k_start + d);
      fired = advance(w, *t);
      REQUIRE(++wakeups <= 2);
    }
    CHECK(fired == std::vector<firing>{{static_cast<uint64_t>(d), k_start + d}});
  }
  CHECK(w.size() == 0);
}

TEST_CASE("a timer across the end of the wheel's reach fires on time") {
  timer_wheel w(0);
  advance(w, k_block - 10);
  w.insert(k_block + 1, 1);  // 11 ms ahead, but in the next block: parked in the overflow
  w.insert(k_block - 1, 2);
  w.insert(k_block, 3);
  CHECK(w.next_expiry() == k_block - 1);
  CHECK(advance(w, k_block) == std::vector<firing>{{2, k_block - 1}, {3, k_block}});
  CHECK(w.next_expiry() == k_block + 1);
  CHECK(advance(w, k_block + 1) == std::vector<firing>{{1, k_block + 1}});
  w.insert(2 * k_block, 4);  // parked again; the wheel is empty
  w.insert(3 * k_block + 5, 5);
  CHECK(advance(w, 2 * k_block - 1).empty());
  CHECK(advance(w, 2 * k_block) == std::vector<firing>{{4, 2 * k_block}});
  CHECK(advance(w, 3 * k_block + 4).empty());
  CHECK(w.next_expiry() == 3 * k_block + 5);
  CHECK(advance(w, 3 * k_block + 5) == std::vector<firing>{{5, 3 * k_block + 5}});
}

TEST_CASE("extreme deadlines and a start before the epoch are handled") {
  timer_wheel w(-1000);
  w.insert(INT64_MAX, 1);
  w.insert(INT64_MIN, 2);  // long past: due at the next advance
  w.insert(-999, 3);
  CHECK(advance(w, -999) == std::vector<firing>{{2, INT64_MIN}, {3, -999}});
  CHECK(w.next_expiry() <= INT64_MAX);
  CHECK(advance(w, INT64_MAX - 1).empty());
  CHECK(advance(w, INT64_MAX) == std::vector<firing>{{1, INT64_MAX}});
  CHECK(w.now() == INT64_MAX);
}

TEST_CASE("size counts pending timers through insert, cancel and expiry") {
  timer_wheel w(k_start);
  w.reserve(1000);
  CHECK(w.size() == 0);
  std::vector<timer_handle> hs;
  for (int i = 0; i < 1000; ++i) hs.push_back(w.insert(k_start + 1 + i % 100, static_cast<uint64_t>(i)));
  CHECK(w.size() == 1000);
  for (int i = 0; i < 1000; i += 4) CHECK(w.cancel(hs[i]));
  CHECK(w.size() == 750);
  // Deadlines 1..50: 10 rounds of 50 timers, minus the 13 cancelled per round.
  CHECK(advance(w, k_start + 50).size() == 370);
  CHECK(w.size() == 380);
  CHECK(advance(w, k_start + 100).size() == 380);
  CHECK(w.size() == 0);
  CHECK(!w.next_expiry());
}

TEST_CASE("next_expiry is empty for an empty wheel and the earliest deadline otherwise") {
  timer_wheel w(k_start);
  CHECK(!w.next_expiry());
  w.insert(k_start + k_day, 1);
  CHECK(w.next_expiry() == k_start + k_day);
  w.insert(k_start + 71, 2);
  timer_handle h = w.insert(k_start + 70, 3);
  CHECK(w.next_expiry() == k_start + 70);
  REQUIRE(w.cancel(h));
  // The earliest timer may share a bucket with the cancelled one: then next_expiry is a lower
  // bound, and one advance to it makes it exact.
  std::optional<int64_t> t = w.next_expiry();
  REQUIRE(t);
  CHECK(*t <= k_start + 71);
  std::vector<firing> fired = advance(w, *t);
  if (fired.empty()) {
    CHECK(w.next_expiry() == k_start + 71);
  } else {
    CHECK(fired == std::vector<firing>{{2, k_start + 71}});
  }
}

TEST_CASE("on_expire may re-arm, cancel others due in the same millisecond, and insert in the past") {
  timer_wheel w(k_start);
  timer_handle b;
  std::vector<firing> fired;
  w.insert(k_start + 10, 1);
  b = w.insert(k_start + 10, 2);
  w.insert(k_start + 20, 3);
  size_t n = w.advance_to(k_start + 30, [&](uint64_t p, int64_t d) {
    fired.push_back({p, d});
    if (p == 1) {
      CHECK(w.now() == k_start + 30);
      CHECK(w.cancel(b));                // due in this same millisecond: does not fire
      w.insert(k_start + 15, 4);         // <= now(): fires at the next advance_to, not now
      w.insert(k_start + 31, 5);         // in the future: an ordinary timer
    }
  });
  CHECK(n == 2);
  CHECK(fired == std::vector<firing>{{1, k_start + 10}, {3, k_start + 20}});
  CHECK(w.size() == 2);
  CHECK(w.next_expiry() == k_start + 15);
  CHECK(advance(w, k_start + 31) == std::vector<firing>{{4, k_start + 15}, {5, k_start + 31}});
}

TEST_CASE("heavy cancelling within one slot keeps the survivors in insertion order") {
  timer_wheel w(k_start);
  const int64_t d = k_start + 2 * k_hour;
  std::vector<timer_handle> hs;
  for (uint64_t i = 0; i < 2000; ++i) hs.push_back(w.insert(d + static_cast<int64_t>(i % 3), i));
  std::vector<firing> expected;
  for (uint64_t i = 0; i < 2000; ++i) {
    if (i % 10 != 0) {
      REQUIRE(w.cancel(hs[i]));
    }
  }
  // Reused slab entries with new generations land in the same slot as the dead entries.
  for (uint64_t i = 2000; i < 2100; ++i) hs.push_back(w.insert(d + static_cast<int64_t>(i % 3), i));
  for (int64_t k = 0; k < 3; ++k) {
    for (uint64_t i = 0; i < 2100; ++i) {
      if ((i >= 2000 || i % 10 == 0) && static_cast<int64_t>(i % 3) == k) expected.push_back({i, d + k});
    }
  }
  CHECK(w.size() == 300);
  CHECK(w.next_expiry() <= d);
  CHECK(advance(w, d + 2) == expected);
  for (const timer_handle& h : hs) CHECK_FALSE(w.pending(h));
}
