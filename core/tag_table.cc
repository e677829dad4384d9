#include "core/tag_table.h"

#include <cassert>

namespace mainspring {
namespace {

constexpr std::size_t k_first_capacity = 1024;

// splitmix64's finalizer.
uint64_t mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

}  // namespace

std::size_t tag_table::probe(uint64_t tag) const {
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = mix(tag) & mask;; i = (i + 1) & mask) {
    const uint64_t held = slots_[i].tag();
    if (held == tag || held == 0) return i;
  }
}

uint32_t* tag_table::find(uint64_t tag) {
  assert(tag != 0 && "tag 0 marks an empty slot");
  if (slots_.empty()) return nullptr;
  slot& s = slots_[probe(tag)];
  return s.tag() == tag ? &s.value : nullptr;
}

uint32_t& tag_table::insert_or_get(uint64_t tag, uint32_t initial) {
  assert(tag != 0 && "tag 0 marks an empty slot");
  if (slots_.empty()) grow();
  std::size_t i = probe(tag);
  if (slots_[i].tag() == tag) return slots_[i].value;
  // Grow only for a new tag: the committer looks up existing jobs far more often than it adds.
  if ((size_ + 1) * 4 > slots_.size() * 3) {
    grow();
    i = probe(tag);
  }
  slot& s = slots_[i];
  s.tag_lo = static_cast<uint32_t>(tag);
  s.tag_hi = static_cast<uint32_t>(tag >> 32);
  s.value = initial;
  ++size_;
  return s.value;
}

void tag_table::grow() {
  std::vector<slot> old(slots_.empty() ? k_first_capacity : slots_.size() * 2);
  old.swap(slots_);
  for (const slot& s : old) {
    if (s.tag() != 0) slots_[probe(s.tag())] = s;
  }
}

void tag_table::clear() {
  std::vector<slot>().swap(slots_);
  size_ = 0;
}

}  // namespace mainspring
