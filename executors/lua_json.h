// lua_json: the `json` module of the Lua sandbox (encode and decode, no C++ objects on the way).
//
// Inside Lua:
//   local json = require("json")
//   local text, err = json.encode({name = "YM55", ids = {1, 2, 3}})  -- '{"name":"YM55",...}'
//   local t, err = json.decode('{"a": [1, 2.5, "x", true]}')          -- t.a[2] == 2.5
//
// Rules:
// - encode: nil -> null; booleans; integers as integers; floats with up to 17 significant
//   digits (NaN and infinities are refused); strings escaped (bytes >= 0x80 pass through as
//   they are); a table whose keys are exactly 1..n (n > 0) -> an array, any other table -> an
//   object whose keys are strings or numbers (written as strings), in Lua's iteration order; an
//   empty table -> {}. Functions, userdata, threads, cycles and nesting deeper than
//   k_lua_json_max_depth are refused.
// - decode: any JSON value (RFC 8259); objects and arrays become tables (arrays 1-based),
//   integers that fit in 64 bits become Lua integers, other numbers floats, \u escapes become
//   UTF-8 (a lone surrogate becomes U+FFFD), null becomes nil (so an object loses that key and
//   an array gets a hole). Trailing non-space characters are an error.
// - Both answer `nil, message` on failure ("json.decode: unexpected character 'x' at offset 3");
//   only running out of memory (the sandbox's cap) is raised as an error.
//
// Everything is built in Lua-managed memory, so a Lua error (the memory cap, the call's
// timeout) can unwind through it at any point without leaking.
#pragma once

#include <lua.hpp>

namespace mainspring {

inline constexpr int k_lua_json_max_depth = 128;

// Pushes the module table {encode = ..., decode = ...}. Returns 1 (usable as a lua_CFunction).
int open_lua_json(lua_State* L);

// Pushes the JSON text of the value at `index` and returns true, or pushes an error message and
// returns false. Raises (longjmp) only when memory runs out.
bool push_json_encoded(lua_State* L, int index);

}  // namespace mainspring
