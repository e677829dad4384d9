#include "executors/lua_libs.h"

#include <time.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "executors/lua_context.h"
#include "executors/lua_http.h"
#include "executors/lua_json.h"
#include "executors/lua_pattern.h"
#include "executors/lua_sandbox.h"
#include "executors/lua_table_functions.h"

// These are lua_CFunctions: they may raise (longjmp), so their frames hold no C++ object with a
// destructor (see lua_context.h).

namespace mainspring {

namespace {

// -- the base library, restricted --

int sandbox_print(lua_State* L) {
  lua_call_context& ctx = context_of(L);
  int n = lua_gettop(L);
  for (int i = 1; i <= n; ++i) {
    std::size_t len = 0;
    const char* text = luaL_tolstring(L, i, &len);
    if ((i > 1 && !ctx.append_output("\t")) || !ctx.append_output({text, len}))
      raise_output_overflow(L);
    lua_pop(L, 1);
  }
  if (!ctx.append_output("\n")) raise_output_overflow(L);
  return 0;
}

// load(chunk [, chunkname [, mode [, env]]]) with the mode forced to "t": binary chunks are
// refused whatever the caller asks. Upvalue 1: the original load.
int sandbox_load(lua_State* L) {
  int n = lua_gettop(L);
  if (!lua_isstring(L, 1)) luaL_checktype(L, 1, LUA_TFUNCTION);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushvalue(L, 1);
  if (n >= 2) lua_pushvalue(L, 2);
  else lua_pushnil(L);
  lua_pushliteral(L, "t");
  if (n >= 4) lua_pushvalue(L, 4);  // an env only when given: a nil env would be an env
  lua_call(L, n >= 4 ? 4 : 3, LUA_MULTRET);
  return lua_gettop(L) - n;
}

// collectgarbage with only "collect", "count" and "step" (stopping or tuning the collector is
// the host's business). Upvalue 1: the original collectgarbage.
int sandbox_collectgarbage(lua_State* L) {
  const char* option = luaL_optstring(L, 1, "collect");
  if (std::strcmp(option, "collect") != 0 && std::strcmp(option, "count") != 0 &&
      std::strcmp(option, "step") != 0)
    return luaL_error(L, "collectgarbage: option '%s' is not allowed", option);
  int n = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, n, LUA_MULTRET);
  return lua_gettop(L);
}

// setmetatable refusing a metatable with a __gc field. Lua runs finalizers with hooks disabled
// (lgc.c GCTM), so a looping __gc could never be stopped; a __gc added to a metatable after
// setmetatable marks nothing (Lua 5.4 semantics), so checking here is enough. Upvalue 1: the
// original setmetatable.
int sandbox_setmetatable(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);  // checked here too, so errors name this function
  luaL_argexpected(L, lua_type(L, 2) == LUA_TNIL || lua_type(L, 2) == LUA_TTABLE, 2,
                   "nil or table");
  if (lua_type(L, 2) == LUA_TTABLE) {
    lua_pushliteral(L, "__gc");
    if (lua_rawget(L, 2) != LUA_TNIL)
      return luaL_error(L, "setmetatable: __gc metamethods are not allowed in the sandbox");
    lua_pop(L, 1);
  }
  int n = lua_gettop(L);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, n, LUA_MULTRET);
  return lua_gettop(L);
}

// require(name): only the built-in modules. Upvalue 1: the table of modules.
int sandbox_require(lua_State* L) {
  const char* name = luaL_checkstring(L, 1);
  lua_getfield(L, lua_upvalueindex(1), name);
  if (lua_isnil(L, -1)) return luaL_error(L, "module '%s' is not available", name);
  return 1;
}

// Replaces global `name` by a closure of `fn` over the original.
void wrap_global(lua_State* L, int globals, const char* name, lua_CFunction fn) {
  lua_getfield(L, globals, name);
  lua_pushcclosure(L, fn, 1);
  lua_setfield(L, globals, name);
}

// Keeps only os.time, os.clock, os.date and os.difftime.
void restrict_os(lua_State* L, int globals) {
  static const char* const kept[] = {"time", "clock", "date", "difftime"};
  lua_getfield(L, globals, "os");
  lua_createtable(L, 0, 4);
  for (const char* name : kept) {
    lua_getfield(L, -2, name);
    lua_setfield(L, -2, name);
  }
  lua_pushvalue(L, -1);
  lua_setfield(L, globals, "os");
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
  lua_insert(L, -2);
  lua_setfield(L, -2, "os");
  lua_pop(L, 2);
}

// -- time --

int time_now(lua_State* L) {
  auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  lua_pushnumber(L, static_cast<lua_Number>(std::chrono::duration<double>(since_epoch).count()));
  return 1;
}

int time_unix(lua_State* L) {
  auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  lua_pushinteger(L, std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count());
  return 1;
}

int time_unix_ms(lua_State* L) {
  auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  lua_pushinteger(L, std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count());
  return 1;
}

// time.format(t [, fmt]): strftime of unix time t in UTC.
int time_format(lua_State* L) {
  double t = static_cast<double>(luaL_checknumber(L, 1));
  const char* format = luaL_optstring(L, 2, "%Y-%m-%dT%H:%M:%SZ");
  // Years beyond 9999 or before year 0 are refused: strftime and gmtime have no use for them.
  if (!(t >= -62'167'219'200.0 && t < 253'402'300'800.0))
    return luaL_argerror(L, 1, "time out of range (years 0-9999)");
  auto seconds = static_cast<time_t>(std::floor(t));
  struct tm parts {};
  if (gmtime_r(&seconds, &parts) == nullptr) return luaL_argerror(L, 1, "time out of range");
  char text[256];
  std::size_t n = std::strftime(text, sizeof text, format, &parts);
  if (n == 0 && format[0] != '\0')
    return luaL_error(L, "time.format: the result is empty or longer than 255 bytes");
  lua_pushlstring(L, text, n);
  return 1;
}

// -- a func's request --

int request_string(lua_State* L) {
  lua_pushvalue(L, lua_upvalueindex(1));
  return 1;
}

// Pushes a new table name -> value; a repeated name is joined with ", " or keeps its first value.
void push_pairs(lua_State* L, const std::vector<std::pair<std::string, std::string>>& pairs,
                bool join_repeats) {
  lua_createtable(L, 0, static_cast<int>(pairs.size()));
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const std::string& name = pairs[i].first;
    const std::string& value = pairs[i].second;
    lua_pushlstring(L, name.data(), name.size());
    lua_pushvalue(L, -1);
    lua_rawget(L, -3);
    if (lua_isnil(L, -1)) {
      lua_pop(L, 1);
      lua_pushlstring(L, value.data(), value.size());
      lua_rawset(L, -3);
    } else if (join_repeats) {
      lua_pushliteral(L, ", ");
      lua_pushlstring(L, value.data(), value.size());
      lua_concat(L, 3);
      lua_rawset(L, -3);
    } else {
      lua_pop(L, 2);
    }
  }
}

int request_headers(lua_State* L) {
  push_pairs(L, context_of(L).request->headers, true);
  return 1;
}

int request_query(lua_State* L) {
  push_pairs(L, context_of(L).request->query, false);
  return 1;
}

void define_string_global(lua_State* L, const char* name, const std::string& value) {
  lua_pushlstring(L, value.data(), value.size());
  lua_pushcclosure(L, request_string, 1);
  lua_setglobal(L, name);
}

}  // namespace

void open_sandbox_libs(lua_State* L) {
  static const luaL_Reg libs[] = {
      {LUA_GNAME, luaopen_base},         {LUA_COLIBNAME, luaopen_coroutine},
      {LUA_TABLIBNAME, luaopen_table},   {LUA_STRLIBNAME, luaopen_string},
      {LUA_MATHLIBNAME, luaopen_math},   {LUA_UTF8LIBNAME, luaopen_utf8},
      {LUA_OSLIBNAME, luaopen_os},
  };
  for (const luaL_Reg& lib : libs) {
    luaL_requiref(L, lib.name, lib.func, 1);
    lua_pop(L, 1);
  }
  lua_pushglobaltable(L);
  int globals = lua_gettop(L);
  for (const char* name : {"dofile", "loadfile", "warn"}) {
    lua_pushnil(L);
    lua_setfield(L, globals, name);
  }
  wrap_global(L, globals, "load", sandbox_load);
  wrap_global(L, globals, "collectgarbage", sandbox_collectgarbage);
  wrap_global(L, globals, "setmetatable", sandbox_setmetatable);
  lua_pushcfunction(L, sandbox_print);
  lua_setfield(L, globals, "print");
  lua_getfield(L, globals, "string");  // also the strings' metatable __index
  lua_pushnil(L);
  lua_setfield(L, -2, "dump");
  install_lua_pattern_functions(L, -1);
  lua_pop(L, 1);
  restrict_os(L, globals);
  lua_getfield(L, globals, "table");
  install_lua_table_functions(L, -1);
  lua_pop(L, 1);

  lua_createtable(L, 0, 3);
  open_lua_json(L);
  lua_setfield(L, -2, "json");
  open_lua_http(L);
  lua_setfield(L, -2, "http");
  open_lua_time(L);
  lua_setfield(L, -2, "time");
  lua_pushcclosure(L, sandbox_require, 1);
  lua_setfield(L, globals, "require");
  lua_pop(L, 1);
}

void open_request_globals(lua_State* L) {
  const lua_http_call& request = *context_of(L).request;
  define_string_global(L, "method", request.method);
  define_string_global(L, "path", request.path);
  define_string_global(L, "body", request.body);
  lua_pushcfunction(L, request_headers);
  lua_setglobal(L, "headers");
  lua_pushcfunction(L, request_query);
  lua_setglobal(L, "query");
}

int open_lua_time(lua_State* L) {
  static const luaL_Reg functions[] = {{"now", time_now},
                                       {"unix", time_unix},
                                       {"unix_ms", time_unix_ms},
                                       {"format", time_format},
                                       {nullptr, nullptr}};
  luaL_newlib(L, functions);
  return 1;
}

}  // namespace mainspring
