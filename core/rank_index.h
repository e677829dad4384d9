// rank_index: an ordered set that also answers "the n-th element" and "how many are before x"
// quickly, so that a group can serve any page of a million-job list by offset.
//
// Elements live in sorted chunks of at most k_chunk elements; a lookup finds its chunk by binary
// search over the chunks' last elements, and the n-th element by walking the chunk sizes
// (n / k_chunk steps: about 4,000 for a million elements, each a read of one integer). Insert and
// erase move at most one chunk's elements. T is copied around: keep it small (a pointer to a key
// stored elsewhere, with a comparator that dereferences it).
//
// Example:
//   rank_index<const std::string*, deref_less> ids;
//   ids.insert(&it->first);                    // the key of an unordered_map node (stable)
//   for (std::size_t i = offset; i < std::min(offset + limit, ids.size()); ++i) show(*ids.at(i));
//   ids.erase(&it->first);
#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>
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
 public:
  static constexpr std::size_t k_chunk = 256;

  // -- changes --

  // Adds `x`; false (and nothing changes) when an equal element is there.
  bool insert(const T& x) {
    if (chunks_.empty()) {
      chunks_.push_back({x});
      ++size_;
      return true;
    }
    auto c = chunk_for(x);
    auto& v = *c;
    auto at = std::lower_bound(v.begin(), v.end(), x, less_);
    if (at != v.end() && !less_(x, *at)) return false;
    v.insert(at, x);
    ++size_;
    if (v.size() > 2 * k_chunk) {  // split in two halves
      std::vector<T> upper(v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
      v.resize(v.size() / 2);
      chunks_.insert(c + 1, std::move(upper));
    }
    return true;
  }

  // Removes the element equal to `x`; false when there is none.
  bool erase(const T& x) {
    if (chunks_.empty()) return false;
    auto c = chunk_for(x);
    auto& v = *c;
    auto at = std::lower_bound(v.begin(), v.end(), x, less_);
    if (at == v.end() || less_(x, *at)) return false;
    v.erase(at);
    --size_;
    if (v.empty()) chunks_.erase(c);
    return true;
  }

  void clear() {
    chunks_.clear();
    size_ = 0;
  }

  // -- queries --

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // The element of rank `n` (0 = the smallest). REQUIRES: n < size().
  const T& at(std::size_t n) const {
    for (const auto& v : chunks_) {
      if (n < v.size()) return v[n];
      n -= v.size();
    }
    return chunks_.back().back();  // unreachable when the precondition holds
  }

  // How many elements are smaller than `x`.
  std::size_t rank_of(const T& x) const {
    std::size_t before = 0;
    for (const auto& v : chunks_) {
      if (!v.empty() && less_(v.back(), x)) {
        before += v.size();
        continue;
      }
      return before + static_cast<std::size_t>(std::lower_bound(v.begin(), v.end(), x, less_) - v.begin());
    }
    return before;
  }

  // Calls fn(element) for the elements of ranks [from, from + count), in order.
  template <class Fn>
  void for_range(std::size_t from, std::size_t count, Fn fn) const {
    for (const auto& v : chunks_) {
      if (count == 0) return;
      if (from >= v.size()) {
        from -= v.size();
        continue;
      }
      for (std::size_t i = from; i < v.size() && count > 0; ++i, --count) fn(v[i]);
      from = 0;
    }
  }

 private:
  using chunk_list = std::vector<std::vector<T>>;

  // The chunk `x` belongs in: the first whose last element is not below x, or the last one.
  typename chunk_list::iterator chunk_for(const T& x) {
    auto c = std::lower_bound(chunks_.begin(), chunks_.end(), x,
                              [this](const std::vector<T>& v, const T& y) { return less_(v.back(), y); });
    return c == chunks_.end() ? chunks_.end() - 1 : c;
  }

  chunk_list chunks_;
  std::size_t size_ = 0;
  Less less_;
};

}  // namespace mainspring
