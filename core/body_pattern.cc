#include "core/body_pattern.h"

#include <iterator>
#include <regex>
#include <string>

namespace mainspring {

namespace {

struct budget_exhausted {};

// A const char* that counts what the engine does with it (each read and each move) and stops
// the search by throwing once the budget is spent: std::regex has no other way to be
// interrupted. libstdc++'s executor is exception-neutral (it owns its state through RAII).
class budgeted_iterator {
 public:
  using iterator_category = std::bidirectional_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  budgeted_iterator() = default;
  budgeted_iterator(const char* at, uint64_t* steps_left) : at_(at), steps_left_(steps_left) {}

  reference operator*() const {
    spend();
    return *at_;
  }
  budgeted_iterator& operator++() {
    spend();
    ++at_;
    return *this;
  }
  budgeted_iterator operator++(int) {
    budgeted_iterator before = *this;
    ++*this;
    return before;
  }
  budgeted_iterator& operator--() {
    spend();
    --at_;
    return *this;
  }
  budgeted_iterator operator--(int) {
    budgeted_iterator before = *this;
    --*this;
    return before;
  }
  bool operator==(const budgeted_iterator& other) const { return at_ == other.at_; }

 private:
  void spend() const {
    if (steps_left_ == nullptr) return;
    if (*steps_left_ == 0) throw budget_exhausted{};
    --*steps_left_;
  }

  const char* at_ = nullptr;
  uint64_t* steps_left_ = nullptr;
};

}  // namespace

struct body_pattern::compiled {
  std::regex re;
};

status_or<body_pattern> body_pattern::compile(std::string_view pattern) {
  constexpr auto k_syntax = std::regex::ECMAScript | std::regex_constants::__polynomial;
  try {
    // The pattern as given must compile: the wrapped form below would accept "a)|(b".
    std::regex as_given(pattern.begin(), pattern.end(), k_syntax);
    // regex_search tries every start in turn, a pass over the rest of the text each: quadratic.
    // A lazy any-prefix searched from the start only (match_continuous) is one breadth-first
    // pass over the text for all starts at once. "^" still holds only at the text's start.
    std::string wrapped = "[\\s\\S]*?(?:" + std::string(pattern) + ")";
    auto c = std::make_shared<compiled>();
    c->re = std::regex(wrapped, k_syntax);
    return body_pattern(std::move(c));
  } catch (const std::regex_error& e) {
    if (e.code() == std::regex_constants::error_complexity)
      return status::invalid_argument("back-references are not supported");
    return status::invalid_argument(e.what());
  }
}

status_or<bool> body_pattern::search(std::string_view text) const {
  uint64_t steps_left = k_max_pattern_steps;
  budgeted_iterator first(text.data(), &steps_left);
  budgeted_iterator last(text.data() + text.size(), &steps_left);
  try {
    return std::regex_search(first, last, compiled_->re, std::regex_constants::match_continuous);
  } catch (const budget_exhausted&) {
    return status::resource_exhausted("the pattern is too costly for this body");
  } catch (const std::regex_error& e) {
    return status::resource_exhausted(e.what());
  }
}

}  // namespace mainspring
