// lua_table_functions: table.insert, table.remove and table.move for the sandbox, with the
// call's limits checked while they loop.
//
// Lua's own versions loop in C over a range the script chooses: table.move(t, 1, 1e18, 2), or
// table.insert(t, 1, x) on a table whose __len answers 1e18, would run for years without the
// count hook ever firing, and without allocating anything the memory cap could refuse. These
// versions behave like Lua 5.4's (same arguments, results and error messages) for tables, and
// check the call's limits (check_lua_limits) every k_lua_table_check_steps elements.
// Unlike Lua's, they accept only tables (Lua also takes other values with the right
// metamethods; no such values exist in the sandbox).
//
// Example (inside the sandbox's protected setup, with the table library at index `t`):
//   install_lua_table_functions(L, t);
//
// REQUIRES: L was created with a lua_call_context as its allocator's user data.
#pragma once

#include <lua.hpp>

namespace mainspring {

inline constexpr int k_lua_table_check_steps = 4096;

// Replaces insert, remove and move in the table at `table_index` (the original move is kept
// as an upvalue and called on bounded chunks).
void install_lua_table_functions(lua_State* L, int table_index);

}  // namespace mainspring
