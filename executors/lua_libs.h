// lua_libs: the globals and modules a sandboxed Lua state offers (see lua_sandbox.h for the list).
//
// Called by invoke_lua inside its protected call, on a fresh state created with a
// lua_call_context; they raise Lua errors (out of memory) like any Lua API function.
//
// Example (inside a protected C function):
//   open_sandbox_libs(L);                      // base, string, table, ... print, require
//   if (ctx.request) open_request_globals(L);  // method(), path(), headers(), query(), body()
#pragma once

#include <lua.hpp>

namespace mainspring {

// Opens the allowed standard libraries, removes or restricts the unsafe functions, redirects
// print into the context's output and installs `require` for the built-in modules.
void open_sandbox_libs(lua_State* L);

// Defines method(), path(), headers(), query() and body() from the context's request.
// REQUIRES: context_of(L).request != nullptr and outlives the state.
void open_request_globals(lua_State* L);

// Pushes the `time` module table. Returns 1.
int open_lua_time(lua_State* L);

}  // namespace mainspring
