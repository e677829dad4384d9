// rank_index: an ordered set that also answers "the n-th element" and "how many are before x"
// quickly, so that a group can serve any page of a million-job list by offset, and hand a list a
// frozen copy of itself in O(size / k_chunk).
//
// Elements live in sorted chunks of at most 2 * k_chunk elements; a lookup finds its chunk by
// binary search over the chunks' last elements, and the n-th element by walking the chunks' sizes
// (at most size / k_chunk steps: 4,000 for a million), both kept beside each chunk's pointer.
// Insert and erase move at most one chunk's elements. T is copied around: keep it small (a pointer
// to a key stored elsewhere, with a comparator that dereferences it).
//
// freeze() shares the chunks with the copy (a pointer each); the index copies a shared chunk
// before its first change, so a frozen copy never changes. A frozen copy may be read on another
// thread while the index changes on its own (the index itself is for one thread); a copy of a
// million elements took the group's thread 24-37 ms, which every write to it then waited behind.
//
// Example:
//   rank_index<const std::string*, deref_less> ids;
//   ids.insert(&it->first);                    // the key of an unordered_map node (stable)
//   for (std::size_t i = offset; i < std::min(offset + limit, ids.size()); ++i) show(*ids.at(i));
//   ids.erase(&it->first);
//   auto all = ids.freeze();                   // then, on any thread:
//   all.for_each([](const std::string* id) { ... });  // (only if the keys outlive the copy)
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

namespace mainspring {

// Orders pointers by what they point at.
struct deref_less {
  template <class P>
  bool operator()(const P& a, const P& b) const {
    return *a < *b;
  }
};

template <class T, class Less = std::less<T>>
class rank_index {
  using chunk = std::vector<T>;

 public:
  static constexpr std::size_t k_chunk = 256;

  // The elements as they were at freeze(), in order; unchanged by later changes of the index.
  class frozen {
   public:
    std::size_t size() const { return size_; }
    template <class Fn>
    void for_each(Fn fn) const {
      for (const auto& c : chunks_)
        for (const T& x : *c) fn(x);
    }

   private:
    friend class rank_index;
    std::vector<std::shared_ptr<const chunk>> chunks_;
    std::size_t size_ = 0;
  };

  // -- changes --

  // Adds `x`; false (and nothing changes) when an equal element is there.
  bool insert(const T& x) {
    if (slots_.empty()) {
      slots_.push_back(slot_of(std::make_shared<chunk>(1, x)));
      ++size_;
      return true;
    }
    auto s = slot_for(x);
    const chunk& read = *s->items;
    auto at = std::lower_bound(read.begin(), read.end(), x, less_);
    if (at != read.end() && !less_(x, *at)) return false;
    const auto pos = at - read.begin();
    chunk& v = writable(*s);
    v.insert(v.begin() + pos, x);
    ++size_;
    if (v.size() > 2 * k_chunk) {  // split in two halves
      auto upper = std::make_shared<chunk>(v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
      v.resize(v.size() / 2);
      refresh(*s);
      slots_.insert(s + 1, slot_of(std::move(upper)));
    } else {
      refresh(*s);
    }
    return true;
  }

  // Removes the element equal to `x`; false when there is none.
  bool erase(const T& x) {
    if (slots_.empty()) return false;
    auto s = slot_for(x);
    const chunk& read = *s->items;
    auto at = std::lower_bound(read.begin(), read.end(), x, less_);
    if (at == read.end() || less_(x, *at)) return false;
    const auto pos = at - read.begin();
    --size_;
    if (read.size() == 1) {
      slots_.erase(s);
      return true;
    }
    chunk& v = writable(*s);
    v.erase(v.begin() + pos);
    refresh(*s);
    return true;
  }

  void clear() {
    slots_.clear();
    size_ = 0;
  }

  // -- queries --

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // The element of rank `n` (0 = the smallest). REQUIRES: n < size().
  const T& at(std::size_t n) const {
    for (const auto& s : slots_) {
      if (n < s.count) return (*s.items)[n];
      n -= s.count;
    }
    return slots_.back().last;  // unreachable when the precondition holds
  }

  // How many elements are smaller than `x`.
  std::size_t rank_of(const T& x) const {
    std::size_t before = 0;
    for (const auto& s : slots_) {
      if (less_(s.last, x)) {
        before += s.count;
        continue;
      }
      const chunk& v = *s.items;
      return before + static_cast<std::size_t>(std::lower_bound(v.begin(), v.end(), x, less_) - v.begin());
    }
    return before;
  }

  // Calls fn(element) for the elements of ranks [from, from + count), in order.
  template <class Fn>
  void for_range(std::size_t from, std::size_t count, Fn fn) const {
    for (const auto& s : slots_) {
      if (count == 0) return;
      if (from >= s.count) {
        from -= s.count;
        continue;
      }
      const chunk& v = *s.items;
      for (std::size_t i = from; i < v.size() && count > 0; ++i, --count) fn(v[i]);
      from = 0;
    }
  }

  // Every element, frozen: O(size() / k_chunk), whatever size() is.
  frozen freeze() const {
    frozen f;
    f.chunks_.reserve(slots_.size());
    for (const auto& s : slots_) f.chunks_.push_back(s.items);
    f.size_ = size_;
    return f;
  }

 private:
  // A chunk, never empty, with a copy of its last element and its size: searches and walks by
  // rank read the slots alone, one after another, and no chunk but the one they end in.
  struct slot {
    T last;
    std::size_t count;
    std::shared_ptr<chunk> items;
  };
  using slot_list = std::vector<slot>;

  // A slot for a new, non-empty chunk.
  static slot slot_of(std::shared_ptr<chunk> items) {
    slot s{items->back(), items->size(), nullptr};
    s.items = std::move(items);
    return s;
  }

  // Brings the slot's copies of its chunk's last element and size up to date after a change.
  static void refresh(slot& s) {
    s.last = s.items->back();
    s.count = s.items->size();
  }

  // The slot `x` belongs in: the first whose last element is not below x, or the last one.
  typename slot_list::iterator slot_for(const T& x) {
    auto s = std::lower_bound(slots_.begin(), slots_.end(), x,
                              [this](const slot& c, const T& y) { return less_(c.last, y); });
    return s == slots_.end() ? slots_.end() - 1 : s;
  }

  // The slot's chunk, ready to change: its own copy when a frozen copy shares it. Only this
  // thread makes frozen copies, so a count of one cannot grow meanwhile; the fence orders this
  // thread's writes after the reads of the frozen copy that dropped its share elsewhere.
  static chunk& writable(slot& s) {
    if (s.items.use_count() != 1) {
      s.items = std::make_shared<chunk>(*s.items);
    } else {
      std::atomic_thread_fence(std::memory_order_acquire);
    }
    return *s.items;
  }

  slot_list slots_;
  std::size_t size_ = 0;
  Less less_;
};

}  // namespace mainspring
