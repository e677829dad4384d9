// Layout invariants (what makes the wheel correct; every function below keeps them):
//
// 1. Positions are rel = ms since origin. A timer in level l agrees with the cursor on every bit at
//    or above k_slot_bits * (l + 1) and sits in slot (rel >> k_slot_bits * l) % 64, which is
//    greater than the cursor's own slot at that level (Tokio's placement: the level is the highest
//    bit where deadline and cursor differ, divided by 6). Hence all of level l is earlier than all
//    of level l + 1, and the earliest timer is in the lowest occupied slot of the lowest occupied
//    level: no scan, two count-trailing-zeros.
// 2. Overflow timers lie in a later 2^42 ms block than the cursor; due timers have deadline <=
//    now(); so due < wheel < overflow outside advance_to().
// 3. Every bucket is in insertion order (compaction keeps it). Appends are in insertion order,
//    and a slot receives a cascade only while it is empty: when the cursor reaches a slot of
//    level l, the levels below are empty (the slot is the earliest work), and any timer in its
//    range that was inserted earlier was placed at level >= l. So same-deadline timers keep
//    insertion order without a sequence number in the node.
#include "core/timer_wheel.h"

#include <algorithm>
#include <bit>

namespace mainspring {

namespace {

// A bucket emptied with more capacity than this gives its memory back, so that a burst of
// timers through one far slot does not pin its peak size forever (32 KB per bucket at most).
constexpr size_t k_kept_capacity = 4096;
// How many entries ahead spread_slot() prefetches nodes: enough misses in flight to hide DRAM.
constexpr size_t k_prefetch_distance = 16;

template <class T>
void trim(std::vector<T>& v) {
  v.clear();
  if (v.capacity() > k_kept_capacity) std::vector<T>().swap(v);
}

}  // namespace

timer_wheel::timer_wheel(int64_t start_ms) : origin_ms_(start_ms), now_ms_(start_ms) {}

// -- timers --

timer_handle timer_wheel::insert(int64_t deadline_ms, uint64_t payload) {
  uint32_t i = allocate();
  node& n = nodes_[i];
  n.deadline_ms = deadline_ms;
  n.payload = payload;
  ++size_;
  if (deadline_ms <= now_ms_) {
    push(k_due, i);
  } else {
    place(i);
  }
  return {i, n.generation};
}

bool timer_wheel::cancel(timer_handle h) {
  if (!pending(h)) return false;
  uint16_t id = nodes_[h.index].bucket;
  release(h.index);  // its entry in the bucket is now dead
  bucket& b = buckets_[id];
  --b.live;
  // The firing bucket is being read by advance_to(): its dead entries are skipped, not removed.
  if (id == k_firing) return true;
  if (b.live == 0) {
    empty_bucket(id);
  } else if (b.entries.size() >= 64 && b.entries.size() > 2 * size_t{b.live}) {
    compact(b);  // amortized O(1): at least half the entries were dead
  }
  return true;
}

bool timer_wheel::pending(timer_handle h) const {
  return h.index < nodes_.size() && nodes_[h.index].generation == h.generation &&
         nodes_[h.index].bucket != k_free;
}

// -- time --

std::optional<int64_t> timer_wheel::next_expiry() const {
  if (size_ == 0) return std::nullopt;
  // Outside advance_to() the due bucket, the wheel and the overflow are ordered (invariant 2);
  // inside, firing and due timers may precede wheel timers, so take the minimum of all.
  int64_t best = std::min(buckets_[k_firing].min_deadline_ms, buckets_[k_due].min_deadline_ms);
  if (level_mask_ != 0) {
    int level = std::countr_zero(level_mask_);
    int slot = std::countr_zero(occupied_[level]);
    best = std::min(best, buckets_[level * k_slots + slot].min_deadline_ms);
  } else {
    best = std::min(best, buckets_[k_overflow].min_deadline_ms);
  }
  return best;
}

void timer_wheel::begin_advance(int64_t now_ms) {
  in_advance_ = true;
  now_ms_ = std::max(now_ms, now_ms_);
  target_rel_ = rel(now_ms_);
  if (buckets_[k_due].live == 0) return;

  // Due timers fire first, by deadline then insertion order. The bucket is usually sorted already
  // (re-arms at "now"); otherwise a stable sort (rare, and then it may allocate).
  std::vector<entry>& due = buckets_[k_due].entries;
  std::erase_if(due, [this](entry e) { return !is_live(e); });
  auto earlier = [this](entry a, entry b) { return nodes_[a.index].deadline_ms < nodes_[b.index].deadline_ms; };
  if (!std::is_sorted(due.begin(), due.end(), earlier)) std::stable_sort(due.begin(), due.end(), earlier);
  for (entry e : due) push(k_firing, e.index);
  empty_bucket(k_due);
}

void timer_wheel::end_advance() {
  cursor_rel_ = target_rel_;
  in_advance_ = false;
}

bool timer_wheel::step() {
  // The firing bucket has been read to its end: recycle it.
  bucket& firing = buckets_[k_firing];
  firing.entries.clear();
  firing.live = 0;
  firing.min_deadline_ms = INT64_MAX;
  firing_pos_ = 0;

  if (level_mask_ != 0) {
    int level = std::countr_zero(level_mask_);
    int slot = std::countr_zero(occupied_[level]);
    int shift = k_slot_bits * level;
    int above = shift + k_slot_bits;
    uint64_t start = (cursor_rel_ >> above << above) | (uint64_t{static_cast<unsigned>(slot)} << shift);
    if (start > target_rel_) return false;
    cursor_rel_ = start;
    spread_slot(static_cast<uint16_t>(level * k_slots + slot), start);
    return true;
  }
  if (buckets_[k_overflow].live != 0) {
    // Enter the block of the earliest parked deadline (a lower bound, so never too late).
    uint64_t start = rel(buckets_[k_overflow].min_deadline_ms) >> k_block_bits << k_block_bits;
    if (start > target_rel_) return false;
    cursor_rel_ = start;
    spread_overflow(start);
    return true;
  }
  return false;
}

// Called with the cursor at the start of the slot's range: timers due exactly at the cursor go
// to the firing bucket, the others to lower levels (never back into this slot).
void timer_wheel::spread_slot(uint16_t bucket_id, uint64_t start_rel) {
  spare_.swap(buckets_[bucket_id].entries);
  empty_bucket(bucket_id);
  const size_t n = spare_.size();
  for (size_t k = 0; k < n; ++k) {
    if (k + k_prefetch_distance < n) __builtin_prefetch(&nodes_[spare_[k + k_prefetch_distance].index]);
    entry e = spare_[k];
    if (!is_live(e)) continue;
    if (rel(nodes_[e.index].deadline_ms) == start_rel) {
      push(k_firing, e.index);
    } else {
      place(e.index);
    }
  }
  trim(spare_);
}

// Called with the cursor at the start of a block: moves the overflow timers of that block into
// the wheel (or the firing bucket); timers of later blocks stay, with their minimum recomputed.
void timer_wheel::spread_overflow(uint64_t start_rel) {
  bucket& b = buckets_[k_overflow];
  const uint64_t block = start_rel >> k_block_bits;
  size_t kept = 0;
  int64_t kept_min = INT64_MAX;
  for (entry e : b.entries) {
    if (!is_live(e)) continue;
    const node& n = nodes_[e.index];
    uint64_t r = rel(n.deadline_ms);
    if ((r >> k_block_bits) != block) {
      kept_min = std::min(kept_min, n.deadline_ms);
      b.entries[kept++] = e;
    } else if (r == start_rel) {
      push(k_firing, e.index);
    } else {
      place(e.index);
    }
  }
  b.entries.resize(kept);
  b.live = static_cast<uint32_t>(kept);
  b.min_deadline_ms = kept_min;
  if (kept == 0) empty_bucket(k_overflow);
}

// -- bucket and slab helpers --

uint32_t timer_wheel::allocate() {
  if (free_head_ != k_nil) {
    uint32_t i = free_head_;
    free_head_ = static_cast<uint32_t>(nodes_[i].payload);
    return i;
  }
  assert(nodes_.size() < k_nil);
  nodes_.push_back(node{0, 0, 1, k_free});
  return static_cast<uint32_t>(nodes_.size() - 1);
}

void timer_wheel::release(uint32_t i) {
  node& n = nodes_[i];
  ++n.generation;  // every handle and bucket entry naming the old timer is now stale
  n.bucket = k_free;
  n.payload = free_head_;
  free_head_ = i;
  --size_;
}

void timer_wheel::push(uint16_t bucket_id, uint32_t i) {
  bucket& b = buckets_[bucket_id];
  node& n = nodes_[i];
  n.bucket = bucket_id;
  b.entries.push_back({i, n.generation});
  b.min_deadline_ms = std::min(b.min_deadline_ms, n.deadline_ms);
  if (b.live++ == 0 && bucket_id < k_overflow) {
    int level = bucket_id / k_slots;
    occupied_[level] |= uint64_t{1} << (bucket_id % k_slots);
    level_mask_ |= 1u << level;
  }
}

void timer_wheel::empty_bucket(uint16_t bucket_id) {
  bucket& b = buckets_[bucket_id];
  trim(b.entries);
  b.live = 0;
  b.min_deadline_ms = INT64_MAX;
  if (bucket_id < k_overflow) {
    int level = bucket_id / k_slots;
    occupied_[level] &= ~(uint64_t{1} << (bucket_id % k_slots));
    if (occupied_[level] == 0) level_mask_ &= ~(1u << level);
  }
}

void timer_wheel::compact(bucket& b) {
  std::erase_if(b.entries, [this](entry e) { return !is_live(e); });
}

void timer_wheel::place(uint32_t i) {
  uint64_t r = rel(nodes_[i].deadline_ms);
  assert(r > cursor_rel_);
  int level = (63 - std::countl_zero(r ^ cursor_rel_)) / k_slot_bits;
  if (level >= k_levels) {
    push(k_overflow, i);
    return;
  }
  int slot = static_cast<int>((r >> (k_slot_bits * level)) % k_slots);
  push(static_cast<uint16_t>(level * k_slots + slot), i);
}

}  // namespace mainspring
