#include "executors/lua_table_functions.h"

#include <algorithm>

#include "executors/lua_context.h"

// lua_CFunctions: they raise with longjmp, so nothing here has a destructor.

namespace mainspring {

namespace {

// Counts one element moved; every k_lua_table_check_steps of them, reports them to the call's
// instruction count and checks its limits (raising its stop if there is one).
void count_step(lua_State* L, lua_Integer& steps) {
  if (++steps < k_lua_table_check_steps) return;
  context_of(L).instructions_run += static_cast<uint64_t>(steps);
  steps = 0;
  check_lua_limits(L);
}

lua_Integer plus_one(lua_Integer n) {
  return static_cast<lua_Integer>(static_cast<lua_Unsigned>(n) + 1u);  // wraps like Lua's
}

// table.insert(list, [pos,] value)
int table_insert(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_Integer first_empty = plus_one(luaL_len(L, 1));
  lua_Integer pos = first_empty;
  switch (lua_gettop(L)) {
    case 2: break;
    case 3: {
      pos = luaL_checkinteger(L, 2);
      luaL_argcheck(L, static_cast<lua_Unsigned>(pos) - 1u < static_cast<lua_Unsigned>(first_empty),
                    2, "position out of bounds");
      lua_Integer steps = 0;
      for (lua_Integer i = first_empty; i > pos; --i) {  // shift up: t[i] = t[i - 1]
        count_step(L, steps);
        lua_geti(L, 1, i - 1);
        lua_seti(L, 1, i);
      }
      break;
    }
    default: return luaL_error(L, "wrong number of arguments to 'insert'");
  }
  lua_seti(L, 1, pos);  // the value, on top
  return 0;
}

// table.remove(list [, pos])
int table_remove(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_Integer size = luaL_len(L, 1);
  lua_Integer pos = luaL_optinteger(L, 2, size);
  if (pos != size)  // Lua 5.4.4 names argument #1 here; kept for identical messages
    luaL_argcheck(L, static_cast<lua_Unsigned>(pos) - 1u <= static_cast<lua_Unsigned>(size), 1,
                  "position out of bounds");
  lua_geti(L, 1, pos);  // the result
  lua_Integer steps = 0;
  for (; pos < size; ++pos) {  // shift down: t[pos] = t[pos + 1]
    count_step(L, steps);
    lua_geti(L, 1, pos + 1);
    lua_seti(L, 1, pos);
  }
  lua_pushnil(L);
  lua_seti(L, 1, pos);
  return 1;
}

// Calls the original table.move (upvalue 1) on elements [f, e] to t, into table `into`.
void move_chunk(lua_State* L, lua_Integer f, lua_Integer e, lua_Integer t, int into) {
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushvalue(L, 1);
  lua_pushinteger(L, f);
  lua_pushinteger(L, e);
  lua_pushinteger(L, t);
  lua_pushvalue(L, into);
  lua_call(L, 5, 0);
}

// table.move(a1, f, e, t [, a2]): moved in chunks, so the limits are checked in between. The
// order of the chunks is the order Lua moves single elements in, so overlapping moves within
// one table give the same result.
int table_move(lua_State* L) {
  lua_Integer f = luaL_checkinteger(L, 2);
  lua_Integer e = luaL_checkinteger(L, 3);
  lua_Integer t = luaL_checkinteger(L, 4);
  int into = lua_isnoneornil(L, 5) ? 1 : 5;
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checktype(L, into, LUA_TTABLE);
  if (e >= f) {
    luaL_argcheck(L, f > 0 || e < LUA_MAXINTEGER + f, 3, "too many elements to move");
    lua_Integer n = e - f + 1;
    luaL_argcheck(L, t <= LUA_MAXINTEGER - n + 1, 4, "destination wrap around");
    bool backward = !(t > e || t <= f || (into != 1 && !lua_compare(L, 1, into, LUA_OPEQ)));
    const lua_Integer chunk = k_lua_table_check_steps;
    lua_Integer last_offset = (n - 1) / chunk * chunk;
    for (lua_Integer i = 0; i <= last_offset; i += chunk) {
      lua_Integer offset = backward ? last_offset - i : i;
      lua_Integer len = std::min(chunk, n - offset);
      move_chunk(L, f + offset, f + offset + len - 1, t + offset, into);
      context_of(L).instructions_run += static_cast<uint64_t>(len);
      check_lua_limits(L);
    }
  }
  lua_pushvalue(L, into);
  return 1;
}

}  // namespace

void install_lua_table_functions(lua_State* L, int table_index) {
  table_index = lua_absindex(L, table_index);
  lua_pushcfunction(L, table_insert);
  lua_setfield(L, table_index, "insert");
  lua_pushcfunction(L, table_remove);
  lua_setfield(L, table_index, "remove");
  lua_getfield(L, table_index, "move");
  lua_pushcclosure(L, table_move, 1);
  lua_setfield(L, table_index, "move");
}

}  // namespace mainspring
