// lua_context: the state one sandboxed Lua call shares between its allocator, its hook, its
// `print` and its modules (an internal header of the Lua executor; see lua_sandbox.h).
//
// Every sandboxed lua_State is created with its own lua_call_context as the allocator's user
// data, so any C function running in that state (or in one of its coroutines) finds the
// context with context_of(L). The context outlives the state (lua_close runs first).
//
// Example (inside a Lua C function):
//   lua_call_context& ctx = context_of(L);
//   if (ctx.deadline_passed()) raise_stop(L, lua_stop_reason::timeout);
//
// A Lua error is a longjmp (Debian's liblua5.4 is C): a C function that may raise must not have
// a C++ object with a destructor alive in its frame, and no C++ exception may cross Lua. The
// helpers here are written that way.
#pragma once

#include <lua.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "executors/output_tail.h"

namespace mainspring {

struct lua_http_call;

// Why a call was stopped from outside its own code (the hook or a module noticed it).
enum class lua_stop_reason { none, timeout, instruction_budget, cancelled };

struct lua_call_context {
  using clock = std::chrono::steady_clock;

  // -- memory (the allocator) --
  std::size_t memory_cap_bytes = 0;
  std::size_t memory_used_bytes = 0;
  std::size_t memory_peak_bytes = 0;
  bool memory_refused = false;  // some allocation was refused at the cap

  // -- time and instructions (the count hook) --
  bool has_deadline = false;
  clock::time_point deadline{};
  uint64_t instruction_budget = 0;  // 0 = none
  uint64_t instructions_run = 0;    // counted in hook intervals
  const std::atomic<bool>* cancel = nullptr;
  lua_stop_reason stop = lua_stop_reason::none;
  bool closing = false;  // lua_close has begun: allocations are no longer refused for a stop

  // -- modules --
  bool allow_remote_hosts = false;
  const lua_http_call* request = nullptr;  // funcs only: what method(), headers()... answer

  // -- output (print and the returned values) --
  output_tail* output = nullptr;
  bool output_overflow_fails = false;  // funcs: a body is never cut, the call fails instead
  bool output_overflowed = false;

  bool deadline_passed() const { return has_deadline && clock::now() >= deadline; }

  // Appends to the output. False (nothing appended) when output_overflow_fails and the output
  // would exceed its capacity. Never throws (an allocation failure drops the bytes).
  bool append_output(std::string_view data) noexcept;
};

// The context of the state `L` belongs to.
// REQUIRES: L was created by the sandbox (its allocator's user data is its context).
inline lua_call_context& context_of(lua_State* L) {
  void* ud = nullptr;
  lua_getallocf(L, &ud);
  return *static_cast<lua_call_context*>(ud);
}

// The message a stop reason is raised with inside Lua (the runner reports its own wording).
const char* lua_stop_message(lua_stop_reason reason);

// Records `reason` (if nothing was recorded yet), makes the hook fire at every instruction from
// now on (so a pcall in the script cannot swallow the stop for long), and raises a Lua error.
[[noreturn]] void raise_stop(lua_State* L, lua_stop_reason reason);

// Raises the stop if the call was stopped, cancelled, is past its deadline or over its
// instruction budget (what the count hook does; long-running C functions call it too).
void check_lua_limits(lua_State* L);

// Records that the output went past its limit (funcs) and raises a Lua error.
[[noreturn]] void raise_output_overflow(lua_State* L);

}  // namespace mainspring
