// tag_table: a flat hash table from 64-bit tags to 32-bit values, for millions of entries at
// 12 bytes each.
//
// The state store's committer keeps each job's next run-history slot here, keyed by a hash of
// the job's runs prefix: a node-based map would cost 40-50 bytes a job (a million jobs: about
// 50 MiB), this table 12 bytes a slot at a load of at most 3/4. Open addressing with linear
// probing over one array; no erase (callers overwrite values). Tags are hashes already, but they
// are mixed once more before they pick a slot, so that a caller's low bits need not be random.
// Tag 0 marks an empty slot: callers pass tags with tag != 0 (e.g. `hash | 1`).
//
// Example:
//   tag_table next_slot;
//   uint32_t& slot = next_slot.insert_or_get(hash | 1, /*initial=*/0);
//   ++slot;
//   if (uint32_t* found = next_slot.find(hash | 1)) use(*found);
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mainspring {

class tag_table {
 public:
  // -- lookups --

  // The value of `tag`, or nullptr when it was never inserted. Valid until the next insert.
  // REQUIRES: tag != 0.
  uint32_t* find(uint64_t tag);

  // The value of `tag`, inserted as `initial` when absent. Valid until the next insert.
  // REQUIRES: tag != 0.
  uint32_t& insert_or_get(uint64_t tag, uint32_t initial);

  // -- properties --

  std::size_t size() const { return size_; }
  std::size_t capacity() const { return slots_.size(); }  // 0 or a power of two
  std::size_t memory_bytes() const { return slots_.capacity() * sizeof(slot); }

  // Calls f(tag, value) for every entry, in no particular order.
  template <class F>
  void for_each(F&& f) const {
    for (const slot& s : slots_)
      if (s.tag() != 0) f(s.tag(), s.value);
  }

  // Frees everything.
  void clear();

 private:
  struct slot {
    uint32_t tag_lo = 0, tag_hi = 0;  // two halves: a 12-byte slot, not a padded 16-byte one
    uint32_t value = 0;
    uint64_t tag() const { return uint64_t{tag_hi} << 32 | tag_lo; }
  };
  static_assert(sizeof(slot) == 12);

  // The slot holding `tag`, or the empty slot where it would go.
  std::size_t probe(uint64_t tag) const;
  void grow();

  // -- member variables --
  std::vector<slot> slots_;
  std::size_t size_ = 0;
};

}  // namespace mainspring
