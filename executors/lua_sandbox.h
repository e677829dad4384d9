// lua_sandbox: runs one call of a Lua 5.4 function in a fresh, locked-down state, synchronously.
//
// Every invoke_lua() creates its own lua_State, loads the source (text only), runs its top level,
// calls the named global function, and closes the state: nothing is shared between calls or
// threads, so any number of threads may call it at once. LUA@ jobs (lua_runner) and HTTP funcs
// (run_lua_func) are both built on it.
//
// Example:
//   lua_invocation call;
//   call.source = "function Hello(id) print('hi', id) return {ok = true} end";
//   call.function_name = "Hello";
//   call.args = {std::string("1234ABC")};
//   call.timeout = std::chrono::milliseconds(500);
//   lua_invocation_result r = invoke_lua(call);
//   // r.result == run_result::succeeded, r.output == "hi\t1234ABC\n{\"ok\":true}\n"
//
// What a script gets (everything else is absent, so using it is a Lua error):
// - Base library without dofile, loadfile, warn; `load` only ever loads text (a binary chunk,
//   "\27Lua...", is refused: load returns nil and a message); `collectgarbage` only with
//   "collect", "count" or "step"; `setmetatable` refuses a metatable with __gc (Lua runs
//   finalizers with hooks off, so a looping one could not be stopped); `print` writes to the
//   call's output; `require` answers only the built-in modules "json" (lua_json.h), "http"
//   (lua_http.h) and "time", and raises "module 'x' is not available" for anything else.
// - string (without string.dump), table, math, utf8, coroutine; `os` with only time, clock,
//   date and difftime. No io, no debug, no package, no C modules, no files.
// - time: time.now() (unix seconds, float), time.unix() (integer seconds), time.unix_ms(),
//   time.format(t [, fmt]) (strftime in UTC, default "%Y-%m-%dT%H:%M:%SZ"). No sleep.
// - For funcs (lua_invocation::request set): method(), path(), headers(), query(), body().
//
// Limits: a memory cap (allocations past it fail: Lua's "not enough memory"), a wall-clock
// deadline and an instruction budget checked every k_lua_hook_interval VM instructions, and a
// cancellation flag checked at the same moments; the deadline and the flag are also checked at
// every allocation of k_lua_checked_alloc_bytes or more, so a few instructions that each build a
// huge string cannot overrun the deadline by much. The hook never fires inside a C function, so
// the library functions whose C loops a script can make endless are replaced by versions that
// check the limits as they go: string.find, match, gmatch and gsub (Lua's backtracking matcher,
// lua_pattern.h) and table.insert, remove and move (a range or a __len of 1e18,
// lua_table_functions.h). What remains uninterruptible are single C calls whose work is bounded
// by the memory cap (string.rep, table.concat, table.sort without a comparator, ...).
//
// Outcome (run_result):
// - succeeded: the function returned normally, and not `nil, err`; unless they are all nil,
//   its results (tables as JSON, anything else through tostring) are appended to the output as
//   one tab-separated line.
// - failed: a load/syntax or runtime error (Lua's message, e.g. "Hello.lua:3: boom"), a return of
//   `nil, err` (err through tostring), a missing function ("no global function 'Hello' in the Lua
//   source"), the memory cap ("memory limit of N bytes exceeded"), the instruction budget
//   ("instruction budget of N instructions exceeded"), cancellation ("runner stopped"), or (funcs)
//   output beyond its limit ("output larger than N bytes").
// - timed_out: the deadline passed ("timed out after N ms").
// The output printed until the end is kept in every case.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/status.h"
#include "executors/run.h"

namespace mainspring {

inline constexpr std::size_t k_lua_memory_cap_bytes = 64 * 1024 * 1024;
// About 10-60 s of plain Lua on a current core: a backstop for calls without a deadline.
inline constexpr uint64_t k_lua_instruction_budget = 10'000'000'000;
inline constexpr int k_lua_hook_interval = 1'000;
inline constexpr std::size_t k_lua_checked_alloc_bytes = 16 * 1024;
inline constexpr std::size_t k_lua_func_max_output_bytes = 1024 * 1024;

struct lua_sandbox_options {
  std::size_t memory_cap_bytes = k_lua_memory_cap_bytes;
  uint64_t instruction_budget = k_lua_instruction_budget;  // 0 = none
  // The http module may call hosts other than loopback ones (off: loopback only).
  bool allow_remote_hosts = false;
};

// The HTTP request a func answers, as its globals method(), path(), headers(), query() and
// body() show it. Repeated header names are joined with ", " (HTTP's list rule); for a repeated
// query name the first value wins. Names are passed as given (no case folding).
struct lua_http_call {
  std::string method;
  std::string path;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<std::pair<std::string, std::string>> query;
};

// An argument of the called function: a Lua integer or a string.
using lua_arg = std::variant<int64_t, std::string>;

struct lua_invocation {
  std::string_view source;
  std::string_view function_name;
  std::vector<lua_arg> args;
  // Non-positive: no deadline (the instruction budget still applies).
  std::chrono::milliseconds timeout{60'000};
  // Funcs only: the request behind the call (must outlive invoke_lua); null for jobs.
  const lua_http_call* request = nullptr;
  // How much output is kept: the last output_limit_bytes (jobs), or, with
  // output_overflow_fails, all of it up to the limit and a failure beyond (funcs).
  std::size_t output_limit_bytes = k_max_output_tail_bytes;
  bool output_overflow_fails = false;
  // When set and true, the call stops at its next hook ("runner stopped").
  const std::atomic<bool>* cancel = nullptr;
};

struct lua_invocation_result {
  run_result result = run_result::failed;
  std::string output;
  std::string error;  // empty when succeeded
  bool output_truncated = false;
  std::size_t memory_peak_bytes = 0;
};

// Runs the call described above. Never throws; blocks the calling thread until the call ends
// (at the latest about k_lua_hook_interval instructions after its deadline).
lua_invocation_result invoke_lua(const lua_invocation& call,
                                 const lua_sandbox_options& options = {});

// Compiles `source` (text only) without running any of it: ok, or invalid_argument with Lua's
// message ("Hello.lua:2: 'end' expected near <eof>"). For checking a LUA@ job or a func when it
// is added; whether the named function exists is only known once the top level has run.
status check_lua_syntax(std::string_view source, std::string_view function_name,
                        const lua_sandbox_options& options = {});

}  // namespace mainspring
