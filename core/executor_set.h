// executor_set: a set of executor kinds, such as the ones an operator turns on with --executors.
//
// A deployment that must never run shell commands on its host says `--executors http,lua,noop`;
// jobs naming another executor are then refused when added, with a message naming it.
//
// Example:
//   auto set = parse_executor_set("http,lua,noop");
//   if (!set.ok()) die(set.status().message());   // "executors: unknown executor \"sh\" ..."
//   set->contains(executor_kind::shell);            // false
//   set->to_string();                               // "http,lua,noop"
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/job.h"
#include "core/status.h"

namespace mainspring {

class executor_set {
 public:
  // Every executor kind.
  static executor_set all();

  bool contains(executor_kind kind) const { return (bits_ & bit(kind)) != 0; }
  void insert(executor_kind kind) { bits_ |= bit(kind); }
  // The kinds in declaration order, comma-separated: "http,shell,lua,remote,noop".
  std::string to_string() const;

 private:
  static uint32_t bit(executor_kind kind) { return 1u << static_cast<unsigned>(kind); }

  uint32_t bits_ = 0;
};

// Parses a comma-separated list of executor names (http, shell, lua, remote, noop; spaces
// allowed around them). Fails on an empty name (so on an empty list) or an unknown one.
status_or<executor_set> parse_executor_set(std::string_view text);

}  // namespace mainspring
