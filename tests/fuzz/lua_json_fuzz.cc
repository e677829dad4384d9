// Fuzzes the Lua sandbox's `json` module (executors/lua_json.h), which Lua jobs and funcs use on
// text that comes from HTTP bodies and command output.
//
// Input: JSON text (or anything). Properties, checked inside a Lua state capped at
// k_fuzz_lua_memory_bytes:
//  - json.decode answers a value or nil and a message; it never crashes, overflows the C stack
//    (deep nesting) or raises anything but the memory cap;
//  - whatever decodes, json.encode either refuses with a message or writes text that decodes to
//    an equal value (keys compared as text: a decoded array with a hole comes back as an object
//    with the same keys, as lua_json.h documents).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include <lua.hpp>

#include "executors/lua_json.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

constexpr std::size_t k_fuzz_lua_memory_bytes = 64 << 20;

constexpr const char* k_round_trip = R"lua(
local json, text = ...
local function same(a, b)
  if type(a) ~= "table" or type(b) ~= "table" then return a == b end
  local seen = {}
  for k, v in pairs(a) do
    local other
    for k2, v2 in pairs(b) do if tostring(k2) == tostring(k) then other = v2 end end
    if not same(v, other) then return false end
    seen[tostring(k)] = true
  end
  for k2 in pairs(b) do if not seen[tostring(k2)] then return false end end
  return true
end
local value, err = json.decode(text)
if value == nil and err ~= nil then
  assert(type(err) == "string", "decode error is not a string")
  return
end
local out, encode_err = json.encode(value)
if out == nil then
  assert(type(encode_err) == "string", "encode error is not a string")
  return
end
local back, back_err = json.decode(out)
assert(back_err == nil, "encoded text does not decode: " .. tostring(back_err))
assert(same(value, back), "decode(encode(v)) differs from v: " .. out)
)lua";

struct capped_heap {
  std::size_t used = 0;
};

void* capped_alloc(void* ud, void* ptr, std::size_t old_size, std::size_t new_size) {
  auto* heap = static_cast<capped_heap*>(ud);
  if (ptr == nullptr) old_size = 0;  // Lua passes the object's type here instead
  if (new_size == 0) {
    std::free(ptr);
    heap->used -= old_size;
    return nullptr;
  }
  if (new_size > old_size && heap->used + (new_size - old_size) > k_fuzz_lua_memory_bytes) {
    return nullptr;
  }
  void* grown = std::realloc(ptr, new_size);
  if (grown != nullptr) heap->used = heap->used - old_size + new_size;
  return grown;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  capped_heap heap;
  lua_State* L = lua_newstate(capped_alloc, &heap);
  FUZZ_CHECK(L != nullptr);
  luaL_openlibs(L);
  FUZZ_CHECK(luaL_loadstring(L, k_round_trip) == LUA_OK);
  lua_pushcfunction(L, mainspring::open_lua_json);
  FUZZ_CHECK(lua_pcall(L, 0, 1, 0) == LUA_OK);
  lua_pushlstring(L, reinterpret_cast<const char*>(data), size);
  int rc = lua_pcall(L, 2, 0, 0);
  if (rc != LUA_OK) {
    const char* message = lua_tostring(L, -1);
    bool out_of_memory = rc == LUA_ERRMEM || (message && std::strstr(message, "not enough memory"));
    if (!out_of_memory) std::fprintf(stderr, "lua_json: %s\n", message ? message : "(no message)");
    FUZZ_CHECK(out_of_memory);
  }
  lua_close(L);
  return 0;
}
