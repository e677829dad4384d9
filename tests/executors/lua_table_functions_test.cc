#include "executors/lua_table_functions.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

#include "executors/lua_context.h"
#include "executors/lua_sandbox.h"

using namespace mainspring;
using namespace std::chrono_literals;

namespace {

void* plain_alloc(void*, void* ptr, std::size_t, std::size_t nsize) {
  if (nsize == 0) {
    std::free(ptr);
    return nullptr;
  }
  return std::realloc(ptr, nsize);
}

// Runs `script` in an ordinary Lua state where `mine` holds the replacements and `lua` the
// originals; the script returns a string that must be "ok".
std::string run_oracle(const char* script) {
  lua_call_context ctx;
  lua_State* L = lua_newstate(plain_alloc, &ctx);
  luaL_openlibs(L);
  luaL_dostring(L, "lua = {insert = table.insert, remove = table.remove, move = table.move}");
  lua_newtable(L);
  lua_getglobal(L, "table");
  lua_getfield(L, -1, "move");
  lua_setfield(L, -3, "move");
  lua_pop(L, 1);
  install_lua_table_functions(L, -1);
  lua_setglobal(L, "mine");
  std::string out = luaL_dostring(L, script) == LUA_OK ? lua_tostring(L, -1) : lua_tostring(L, -1);
  lua_close(L);
  return out;
}

lua_invocation_result run_sandboxed(const char* source, std::chrono::milliseconds timeout) {
  lua_invocation call;
  call.source = source;
  call.function_name = "Main";
  call.timeout = timeout;
  return invoke_lua(call);
}

}  // namespace

TEST_CASE("insert, remove and move give the results Lua's do", "[lua_table_functions]") {
  std::string out = run_oracle(R"(
    local function list(n) local t = {} for i = 1, n do t[i] = i end return t end
    local function same(a, b, what)
      local n = math.max(#a, #b, 20000)
      for i = -2, n + 2 do
        if a[i] ~= b[i] then error(what .. ': differs at ' .. i .. ': ' .. tostring(a[i]) ..
                                   ' vs ' .. tostring(b[i])) end
      end
    end
    local function both(what, f)
      local ta, tb = f(lua), f(mine)
      same(ta, tb, what)
    end
    -- moves of every direction and overlap, small and across many chunks
    for _, n in ipairs({5, 4096, 4097, 10000}) do
      for _, case in ipairs({{1, n, 3}, {1, n, 1}, {3, n, 1}, {2, n - 1, n // 2}, {1, n, n},
                             {n // 2, n, 1}, {1, n // 2, n // 4}, {5, 4, 1}, {1, n, -10}}) do
        local f, e, t = case[1], case[2], case[3]
        both('move ' .. n .. ' ' .. f .. ',' .. e .. '->' .. t, function(impl)
          local a = list(n) impl.move(a, f, e, t) return a end)
        both('move into another table ' .. n, function(impl)
          local a, b = list(n), {} impl.move(a, f, e, t, b) return b end)
      end
    end
    for _, n in ipairs({0, 1, 5, 5000}) do
      for _, pos in ipairs({1, 2, n, n + 1}) do
        if pos >= 1 and pos <= n + 1 then
          both('insert ' .. n .. ' at ' .. pos, function(impl)
            local a = list(n) impl.insert(a, pos, 'x') return a end)
          both('remove ' .. n .. ' at ' .. pos, function(impl)
            local a = list(n) local r = impl.remove(a, pos) a[-1] = r return a end)
        end
      end
      both('insert at end ' .. n, function(impl) local a = list(n) impl.insert(a, 'y') return a end)
      both('remove last ' .. n, function(impl) local a = list(n) a[-1] = impl.remove(a) return a end)
    end
    -- errors
    for _, call in ipairs({
        function(impl) impl.insert({1, 2}, 5, 'x') end,
        function(impl) impl.insert({1, 2}, 1, 'x', 'y') end,
        function(impl) impl.remove({1, 2}, 7) end,
        function(impl) impl.move({}, math.mininteger, -1, 1) end,
        function(impl) impl.move({}, 1, 10, math.maxinteger) end}) do
      local _, e1 = pcall(call, lua)
      local _, e2 = pcall(call, mine)
      local strip = function(e) return (tostring(e):gsub("to '[^']*'", "to 'f'")) end
      if strip(e1) ~= strip(e2) then error('errors differ: ' .. tostring(e1) .. ' / ' .. tostring(e2)) end
    end
    return 'ok'
  )");
  CHECK(out == "ok");
}

TEST_CASE("a table function over an endless range ends at the deadline", "[lua_table_functions]") {
  for (const char* source : {
           "function Main() table.move({}, 1, 1e18, 2) end",
           "function Main() table.move({}, -1e18, 1e17, 1, {}) end",
           "function Main() local t = setmetatable({}, {__len = function() return 1e17 end})\n"
           "  table.insert(t, 1, 'x') end",
           "function Main() local t = setmetatable({}, {__len = function() return 1e17 end})\n"
           "  table.remove(t, 1) end"}) {
    INFO(source);
    auto r = run_sandboxed(source, 300ms);
    CHECK(r.result == run_result::timed_out);
    CHECK(r.error == "timed out after 300 ms");
  }
}
