// timer_wheel: millions of pending one-shot timers, O(1) insert and cancel, driven by one clock.
//
// The scheduler keeps one timer per job (up to ~10M). A single clock actor owns the wheel, asks it
// when the next timer is due, sleeps until then and calls advance_to(). The wheel is hierarchical
// and cascading (as in Kafka and Tokio, not the Linux kernel's rounding): 7 levels of 64 slots at
// 1 ms resolution. When time reaches a slot of a higher level its timers are re-inserted into lower
// levels, so a timer 5 years away still fires at its exact millisecond. Level 6 slots span 2^36 ms;
// the wheel covers the rest of the current 2^42 ms block (139 years, counted from start_ms); later
// deadlines are parked in an overflow bucket and moved in when time enters their block.
//
// Timers live in a slab owned by the wheel (24-byte nodes, a free list) and are named by a
// timer_handle {index, generation}: a handle to a timer that has fired or been cancelled is stale,
// and cancelling it is a harmless no-op. Each slot holds an array of {index, generation} entries
// (8 bytes) rather than an intrusive linked list: a cascade then reads the slot sequentially and
// prefetches nodes, instead of taking one dependent cache miss per timer per level (measured 3-5x
// faster expiry with 1M timers). A cancel leaves a dead entry that is skipped, and compacted away
// once half a slot is dead. Memory: about 32 bytes per pending timer. No heap allocation per
// insert once the slab and the slot arrays have grown (reserve() pre-sizes the slab).
//
// Example:
//   timer_wheel wheel(to_unix_ms(now_ms()));
//   timer_handle h = wheel.insert(deadline_ms, job_id);
//   wheel.cancel(h);                                   // false if it already fired
//   while (auto t = wheel.next_expiry()) {
//     sleep_until(*t);
//     wheel.advance_to(to_unix_ms(now_ms()), [&](uint64_t job_id, int64_t deadline_ms) {
//       run(job_id, deadline_ms);                      // may insert() and cancel()
//     });
//   }
//
// Not thread-safe: one owner (the clock actor) calls everything. Nothing throws but std::bad_alloc
// when the slab or a slot array grows.
#pragma once

#include <array>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace mainspring {

// Names one timer of one wheel. Default-constructed: names no timer.
struct timer_handle {
  uint32_t index = UINT32_MAX;
  uint32_t generation = 0;

  bool valid() const { return index != UINT32_MAX; }
  friend bool operator==(const timer_handle&, const timer_handle&) = default;
};

class timer_wheel {
 public:
  // -- constants --
  static constexpr int k_slot_bits = 6;
  static constexpr int k_slots = 1 << k_slot_bits;
  static constexpr int k_levels = 7;
  // Time is cut into blocks of this many ms (from start_ms); the wheel holds the current block.
  static constexpr int k_block_bits = k_slot_bits * k_levels;

  // -- constructors --
  // The wheel's clock starts at start_ms (any int64, typically unix ms).
  explicit timer_wheel(int64_t start_ms);

  // -- timers --

  // Adds a timer that fires once at deadline_ms with `payload`. A deadline <= now() is not lost
  // and not fired inline: it fires at the next advance_to(). O(1).
  // REQUIRES: fewer than 2^32 - 1 timers pending.
  timer_handle insert(int64_t deadline_ms, uint64_t payload);

  // Removes a pending timer. Returns true if it was pending; false (and does nothing) for a
  // default, stale, already cancelled or already fired handle. O(1) amortized (compaction).
  bool cancel(timer_handle h);

  // True if `h` names a timer that has neither fired nor been cancelled.
  bool pending(timer_handle h) const;

  // -- time --

  // Moves the clock to now_ms (an earlier now_ms leaves it at now(): time never goes back) and
  // fires every timer with deadline <= now(): on_expire(payload, deadline_ms) is called in deadline
  // order, and in insertion order among timers with the same deadline. Returns how many fired.
  //
  // During on_expire, now() already reads the new time. on_expire may insert() and cancel():
  // a cancelled timer that has not fired yet does not fire; a timer inserted with a deadline
  // <= now() fires at the *next* advance_to(), never in this call (so a job that re-arms itself
  // in the past cannot loop forever); a later deadline is an ordinary pending timer.
  // Skips empty stretches with per-level bitmaps: crossing a year of idle time costs a few steps.
  // REQUIRES: on_expire does not throw and does not call advance_to().
  template <class F>
  size_t advance_to(int64_t now_ms, F&& on_expire);

  // nullopt when nothing is pending; otherwise a time t <= the earliest pending deadline at which
  // advance_to(t) makes progress. t is exact unless the earliest timer of its bucket was cancelled
  // (the wheel keeps a minimum per bucket, refreshed lazily); then it is a lower bound, and if
  // advance_to(t) fires nothing, the next call returns the exact earliest deadline. A t <= now()
  // means timers are due now. O(1): a few bitmap lookups.
  std::optional<int64_t> next_expiry() const;

  // -- properties --
  size_t size() const { return size_; }
  int64_t now() const { return now_ms_; }
  // Pre-sizes the slab so that the first n pending timers need no allocation.
  void reserve(size_t n) { nodes_.reserve(n); }

 private:
  // -- implementation types --
  // Bucket ids: level * k_slots + slot for wheel slots, then the special buckets.
  static constexpr uint16_t k_overflow = k_levels * k_slots;
  static constexpr uint16_t k_due = k_overflow + 1;     // deadline <= now(), not fired yet
  static constexpr uint16_t k_firing = k_overflow + 2;  // being fired by advance_to()
  static constexpr uint16_t k_bucket_count = k_overflow + 3;
  static constexpr uint16_t k_free = UINT16_MAX;  // node.bucket of a free slab entry
  static constexpr uint32_t k_nil = UINT32_MAX;

  // A timer, or a free slab entry (then payload links the free list).
  struct node {
    int64_t deadline_ms;
    uint64_t payload;
    uint32_t generation;  // bumped when the timer fires or is cancelled
    uint16_t bucket;
  };
  static_assert(sizeof(node) <= 24, "keep the slab compact: 10M timers");

  // A bucket's reference to a node; dead (skipped, compacted away) once the generation moved on.
  struct entry {
    uint32_t index;
    uint32_t generation;
  };

  // Timers in insertion order. An array, not a linked list: spreading a bucket then reads it
  // sequentially and prefetches the nodes ahead, instead of one cache miss per node in a row.
  struct bucket {
    std::vector<entry> entries;
    uint32_t live = 0;
    // <= every live deadline: exact, or stale-low after a cancel. INT64_MAX when empty.
    int64_t min_deadline_ms = INT64_MAX;
  };

  struct expired {
    uint64_t payload;
    int64_t deadline_ms;
  };

  // -- advance_to() steps (non-template, in the .cc) --
  void begin_advance(int64_t now_ms);
  // Moves the cursor to the next slot (or overflow block) starting at or before the target and
  // spreads its timers: those due at the cursor to the firing bucket, the others down a level.
  // Returns false when nothing is left to do up to the target.
  bool step();
  void end_advance();
  // Takes the next live timer of the firing bucket (freeing its slab entry) into `out`.
  bool pop_firing(expired& out);

  // -- bucket and slab helpers --
  uint32_t allocate();
  void release(uint32_t i);
  bool is_live(entry e) const { return nodes_[e.index].generation == e.generation; }
  void push(uint16_t bucket_id, uint32_t i);
  void empty_bucket(uint16_t bucket_id);
  void compact(bucket& b);
  // Puts a timer with deadline > cursor into its wheel slot or the overflow bucket.
  void place(uint32_t i);
  void spread_slot(uint16_t bucket_id, uint64_t start_rel);
  void spread_overflow(uint64_t start_rel);
  uint64_t rel(int64_t ms) const { return static_cast<uint64_t>(ms) - static_cast<uint64_t>(origin_ms_); }

  // -- member variables --
  int64_t origin_ms_;        // start_ms: wheel positions are ms since origin (rel)
  int64_t now_ms_;           // now(): the last advance_to() target
  uint64_t cursor_rel_ = 0;  // where the slots are laid out from; == rel(now_ms_) between calls
  uint64_t target_rel_ = 0;  // during advance_to(): rel(now_ms_)
  bool in_advance_ = false;
  size_t firing_pos_ = 0;    // next entry of the firing bucket
  size_t size_ = 0;
  uint32_t free_head_ = k_nil;
  uint32_t level_mask_ = 0;                    // bit l: level l has an occupied slot
  std::array<uint64_t, k_levels> occupied_{};  // bit s of [l]: slot s of level l has live timers
  std::array<bucket, k_bucket_count> buckets_{};
  std::vector<node> nodes_;
  std::vector<entry> spare_;  // swapped with the bucket being spread
};

// -- template implementation --

template <class F>
size_t timer_wheel::advance_to(int64_t now_ms, F&& on_expire) {
  assert(!in_advance_ && "advance_to() called from on_expire");
  begin_advance(now_ms);
  size_t fired = 0;
  expired e;
  do {
    while (pop_firing(e)) {
      ++fired;
      on_expire(e.payload, e.deadline_ms);
    }
  } while (step());
  end_advance();
  return fired;
}

inline bool timer_wheel::pop_firing(expired& out) {
  std::vector<entry>& firing = buckets_[k_firing].entries;
  while (firing_pos_ < firing.size()) {
    entry e = firing[firing_pos_++];
    if (!is_live(e)) continue;  // cancelled by an earlier on_expire
    out = {nodes_[e.index].payload, nodes_[e.index].deadline_ms};
    --buckets_[k_firing].live;
    release(e.index);
    return true;
  }
  return false;
}

}  // namespace mainspring
