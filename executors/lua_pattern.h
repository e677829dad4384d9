// lua_pattern: string.find, string.match, string.gmatch and string.gsub for the sandbox, with
// the call's deadline, cancellation and instruction budget enforced inside the matcher.
//
// Lua's own matcher is C code that backtracks: ("a"):rep(1e5):find(".-b") takes about a minute,
// and the count hook never fires inside a C function, so one pattern could hold a worker far
// past its deadline. These replacements implement the same Lua 5.4 pattern language (classes,
// sets, the quantifiers * + - ?, anchors, captures and position captures, back-references,
// %b and %f, and the find/match/gmatch/gsub argument rules, results and error messages), and
// count their steps: every k_lua_pattern_check_steps steps they add them to the call's
// instruction count and check its limits, raising the same stop as the hook would.
//
// Example (inside the sandbox's protected setup, with the string table at index `t`):
//   install_lua_pattern_functions(L, t);   // string.find etc. and ("x"):find now budgeted
//
// REQUIRES: L was created with a lua_call_context as its allocator's user data
// (lua_context.h).
#pragma once

#include <lua.hpp>

namespace mainspring {

inline constexpr int k_lua_pattern_check_steps = 4096;

// Sets find, match, gmatch and gsub in the table at `table_index`.
void install_lua_pattern_functions(lua_State* L, int table_index);

}  // namespace mainspring
