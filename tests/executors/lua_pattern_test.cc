#include "executors/lua_pattern.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <random>
#include <string>
#include <vector>

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

// An ordinary Lua state with the whole standard library, plus the replacements in global `mine`.
class oracle_state {
 public:
  oracle_state() {
    L_ = lua_newstate(plain_alloc, &ctx_);
    luaL_openlibs(L_);
    lua_newtable(L_);
    install_lua_pattern_functions(L_, -1);
    lua_setglobal(L_, "mine");
    REQUIRE(luaL_dostring(L_, k_compare) == LUA_OK);
  }
  ~oracle_state() { lua_close(L_); }

  // Lua's and ours results of find/match/gmatch/gsub for one case, serialized.
  std::pair<std::string, std::string> compare(const std::string& s, const std::string& p,
                                              int init) {
    lua_getglobal(L_, "compare");
    lua_pushlstring(L_, s.data(), s.size());
    lua_pushlstring(L_, p.data(), p.size());
    lua_pushinteger(L_, init);
    REQUIRE(lua_pcall(L_, 3, 2, 0) == LUA_OK);
    std::size_t n1 = 0;
    std::size_t n2 = 0;
    const char* s1 = lua_tolstring(L_, -2, &n1);
    const char* s2 = lua_tolstring(L_, -1, &n2);
    std::pair<std::string, std::string> out{std::string(s1, n1), std::string(s2, n2)};
    lua_pop(L_, 2);
    return out;
  }

 private:
  static constexpr const char* k_compare = R"(
    local function ser(ok, ...)
      local parts = {tostring(ok)}
      for i = 1, select('#', ...) do
        local v = select(i, ...)
        parts[#parts + 1] = type(v) .. ':' .. tostring(v)
      end
      return table.concat(parts, '|')
    end
    local function all_matches(impl, s, p, init)
      local acc = {}
      for a, b in impl.gmatch(s, p, init) do
        acc[#acc + 1] = tostring(a) .. ',' .. tostring(b)
        if #acc > 200 then break end
      end
      return table.concat(acc, ';')
    end
    local function run(impl, s, p, init)
      return table.concat({
        ser(pcall(impl.find, s, p, init)),
        ser(pcall(impl.find, s, p, init, true)),
        ser(pcall(impl.match, s, p, init)),
        ser(pcall(all_matches, impl, s, p, init)),
        ser(pcall(impl.gsub, s, p, '<%0>')),
        ser(pcall(impl.gsub, s, p, '[%1]', 3)),
        ser(pcall(impl.gsub, s, p, function(a, b) return a and (tostring(a) .. '!') end)),
        ser(pcall(impl.gsub, s, p, {a = 'A', ab = false, [''] = 'E'})),
      }, '\n')
    end
    function compare(s, p, init)
      return run(string, s, p, init), run(mine, s, p, init)
    end
  )";

  lua_call_context ctx_;
  lua_State* L_ = nullptr;
};

// A random pattern from the pieces of the pattern language, some of them malformed on purpose.
std::string random_pattern(std::mt19937& rng) {
  static const std::vector<std::string> pieces = {
      "a",     "b",     ".",      "%a",     "%d",    "%s",    "%w",    "%A",  "%%",   "%.",
      "[ab]",  "[^a]",  "[a-c]",  "[%a.]",  "[]a]",  "[^]]",  "[a-]",  "(",   ")",    "()",
      "*",     "+",     "-",      "?",      "$",     "^",     "%1",    "%2",  "%b()", "%f[%w]",
      "%f[%W]", "x",    " ",      "%",      "[a",    "%b(",   "%f",    "%z",  "%P",   "1"};
  std::uniform_int_distribution<int> count(0, 6);
  std::uniform_int_distribution<std::size_t> pick(0, pieces.size() - 1);
  std::string p = rng() % 4 == 0 ? "^" : "";
  for (int i = count(rng); i > 0; --i) p += pieces[pick(rng)];
  return p;
}

std::string random_subject(std::mt19937& rng) {
  static const char alphabet[] = {'a', 'b', '(', ')', '.', ' ', '%', '-', ']', '1', 'x', 'A', '\0'};
  std::uniform_int_distribution<int> length(0, 10);
  std::uniform_int_distribution<std::size_t> pick(0, sizeof alphabet - 1);
  std::string s;
  for (int i = length(rng); i > 0; --i) s += alphabet[pick(rng)];
  return s;
}

}  // namespace

TEST_CASE("the budgeted pattern functions agree with Lua's on random cases", "[lua_pattern]") {
  oracle_state oracle;
  std::mt19937 rng(20240611);
  std::uniform_int_distribution<int> init(-6, 8);
  int mismatches = 0;
  for (int i = 0; i < 20'000 && mismatches < 5; ++i) {
    std::string s = random_subject(rng);
    std::string p = random_pattern(rng);
    int start = init(rng);
    auto [lua, ours] = oracle.compare(s, p, start);
    if (lua != ours) {
      ++mismatches;
      INFO("subject '" << s << "' pattern '" << p << "' init " << start);
      CHECK(ours == lua);
    }
  }
  CHECK(mismatches == 0);
}

TEST_CASE("the pattern functions agree with Lua's on hand-picked cases", "[lua_pattern]") {
  oracle_state oracle;
  const std::vector<std::tuple<std::string, std::string, int>> cases = {
      {"hello world from Lua", "(%w+) (%w+)", 1},
      {"key = value", "^(.-)%s*=%s*(.-)$", 1},
      {"THE (quick) fox", "%f[%a]%a+", 1},
      {"f(a(b)c)d", "%b()", 1},
      {"abcabc", "(a)(b)(c)%1%2%3", 1},
      {"  trim me  ", "^%s*(.-)%s*$", 1},
      {"a,b,,c", "([^,]*)", 1},
      {"x = 10, y = 20", "(%w+)%s*=%s*(%d+)", 1},
      {"aaa", "a-", 2},
      {"aaa", "()a()", -2},
      {"[x]", "[]]", 1},
      {"100%", "%d+%%$", 1},
      {"tab\there", "%c", 1},
      {std::string("nul\0byte", 8), "%z", 1},
      {std::string("nul\0byte", 8), std::string("\0b", 2), 1},
  };
  for (const auto& [s, p, init] : cases) {
    auto [lua, ours] = oracle.compare(s, p, init);
    INFO("subject '" << s << "' pattern '" << p << "'");
    CHECK(ours == lua);
  }
}

TEST_CASE("a catastrophic pattern ends at the call's deadline", "[lua_pattern]") {
  lua_invocation call;
  call.source = R"(function Main()
    local s = string.rep('a', 1e5)
    return s:find('.-b'), s:match('^(.-)%s*=%s*(.-)$'), string.gsub(s, '.-.-b', '')
  end)";
  call.function_name = "Main";
  call.timeout = 300ms;
  auto r = invoke_lua(call);
  CHECK(r.result == run_result::timed_out);
  CHECK(r.error == "timed out after 300 ms");

  lua_sandbox_options small;
  small.instruction_budget = 1'000'000;
  call.timeout = 10s;
  auto budget = invoke_lua(call, small);
  CHECK(budget.result == run_result::failed);
  CHECK(budget.error == "instruction budget of 1000000 instructions exceeded");
}
