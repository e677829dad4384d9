// body_pattern: a regular expression over a reply body (Cronicle urlplug's success_match and
// error_match), compiled and searched at a bounded cost.
//
// The patterns come from whoever may edit a job, and std::regex's default engine backtracks:
// "(a|aa)*b" over a few KiB of 'a' takes minutes, and over 16 KiB its recursion overflows the
// stack. So a pattern is compiled for libstdc++'s polynomial engine (regex_constants::
// __polynomial: breadth-first, no recursion over the text; back-references are refused), and a
// search gives up after k_max_pattern_steps steps of the engine over the text, failing instead
// of holding the thread that runs it.
//
// Example:
//   status_or<body_pattern> p = body_pattern::compile("\"state\":\\s*\"done\"");
//   if (!p.ok()) return p.status();                 // invalid_argument, std::regex's words
//   status_or<bool> found = p->search(body);        // resource_exhausted when too costly
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "core/status.h"

namespace mainspring {

// Steps of the matching engine (a character of the text read by one state of the automaton)
// one search may take: at most about half a second of one core. A search is one pass over the
// text for all start positions at once, so an ordinary pattern takes a few steps per byte.
inline constexpr uint64_t k_max_pattern_steps = 10'000'000;

class body_pattern {
 public:
  // ECMAScript syntax. Fails with invalid_argument ("Parenthesis is not closed." and the like,
  // std::regex's words; also for a back-reference, or an automaton over libstdc++'s limit).
  static status_or<body_pattern> compile(std::string_view pattern);

  // True when the pattern matches somewhere in `text`. Fails with resource_exhausted when the
  // search would take more than k_max_pattern_steps.
  status_or<bool> search(std::string_view text) const;

 private:
  struct compiled;
  explicit body_pattern(std::shared_ptr<const compiled> c) : compiled_(std::move(c)) {}
  std::shared_ptr<const compiled> compiled_;
};

}  // namespace mainspring
