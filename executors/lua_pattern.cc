#include "executors/lua_pattern.h"

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "executors/lua_context.h"

// Written from the Lua 5.4 reference manual (section 6.4.1, "Patterns", and the descriptions of
// string.find, match, gmatch and gsub), with the limits and error messages of Lua's string
// library, and checked against it by a differential test (tests/executors/lua_pattern_test.cc).
//
// These are lua_CFunctions and their helpers: errors are raised with luaL_error (a longjmp), so
// nothing here has a destructor.

namespace mainspring {

namespace {

constexpr int k_max_captures = 32;       // Lua's LUA_MAXCAPTURES
constexpr int k_max_match_depth = 200;   // Lua's MAXCCALLS for the matcher's recursion
constexpr std::ptrdiff_t k_cap_unfinished = -1;
constexpr std::ptrdiff_t k_cap_position = -2;
constexpr char k_esc = '%';
constexpr char k_specials[] = "^$*+?.([%-";

struct capture {
  const char* init;
  std::ptrdiff_t len;  // or k_cap_unfinished / k_cap_position
};

struct match_state {
  lua_State* L = nullptr;
  const char* src_init = nullptr;
  const char* src_end = nullptr;
  const char* p_end = nullptr;
  int depth = k_max_match_depth;  // recursion levels left
  int level = 0;                  // captures in use
  uint64_t steps = 0;             // not yet reported to the call's context
  capture captures[k_max_captures];
};

int uchar(char c) { return static_cast<unsigned char>(c); }

// -- limits --

void count_steps(match_state& ms, uint64_t n = 1) {
  ms.steps += n;
  if (ms.steps < static_cast<uint64_t>(k_lua_pattern_check_steps)) return;
  context_of(ms.L).instructions_run += ms.steps;
  ms.steps = 0;
  check_lua_limits(ms.L);
}

void prepare(match_state& ms, lua_State* L, const char* s, std::size_t ls, const char* p,
             std::size_t lp) {
  ms.L = L;
  ms.src_init = s;
  ms.src_end = s + ls;
  ms.p_end = p + lp;
}

void restart(match_state& ms) {
  ms.level = 0;
  ms.depth = k_max_match_depth;
}

// -- single items --

bool class_matches(int c, int cl) {
  bool res = false;
  switch (std::tolower(cl)) {
    case 'a': res = std::isalpha(c) != 0; break;
    case 'c': res = std::iscntrl(c) != 0; break;
    case 'd': res = std::isdigit(c) != 0; break;
    case 'g': res = std::isgraph(c) != 0; break;
    case 'l': res = std::islower(c) != 0; break;
    case 'p': res = std::ispunct(c) != 0; break;
    case 's': res = std::isspace(c) != 0; break;
    case 'u': res = std::isupper(c) != 0; break;
    case 'w': res = std::isalnum(c) != 0; break;
    case 'x': res = std::isxdigit(c) != 0; break;
    case 'z': res = c == 0; break;  // deprecated in the manual, still in Lua 5.4's library
    default: return cl == c;  // %. and friends: the character itself
  }
  return std::isupper(cl) ? !res : res;
}

// `p` at the set's '[', `close` at its ']'.
bool set_matches(int c, const char* p, const char* close) {
  bool in = true;
  if (p[1] == '^') {
    in = false;
    ++p;
  }
  while (++p < close) {
    if (*p == k_esc) {
      ++p;
      if (class_matches(c, uchar(*p))) return in;
    } else if (p[1] == '-' && p + 2 < close) {
      p += 2;
      if (uchar(p[-2]) <= c && c <= uchar(*p)) return in;
    } else if (uchar(*p) == c) {
      return in;
    }
  }
  return !in;
}

// The end of the single-character class starting at p (< p_end).
const char* class_end(match_state& ms, const char* p) {
  char c = *p++;
  if (c == k_esc) {
    if (p >= ms.p_end) luaL_error(ms.L, "malformed pattern (ends with '%%')");
    return p + 1;
  }
  if (c == '[') {
    if (p < ms.p_end && *p == '^') ++p;
    do {  // the first character is part of the set even if it is ']'
      if (p >= ms.p_end) luaL_error(ms.L, "malformed pattern (missing ']')");
      if (*p++ == k_esc && p < ms.p_end) ++p;
    } while (p >= ms.p_end || *p != ']');
    return p + 1;
  }
  return p;
}

bool single_match(const match_state& ms, const char* s, const char* p, const char* ep) {
  if (s >= ms.src_end) return false;
  int c = uchar(*s);
  switch (*p) {
    case '.': return true;
    case k_esc: return class_matches(c, uchar(p[1]));
    case '[': return set_matches(c, p, ep - 1);
    default: return uchar(*p) == c;
  }
}

char pattern_at(const match_state& ms, const char* p) { return p < ms.p_end ? *p : '\0'; }

// -- the matcher --

const char* match(match_state& ms, const char* s, const char* p);

const char* leave(match_state& ms, const char* s) {
  ++ms.depth;
  return s;
}

const char* max_expand(match_state& ms, const char* s, const char* p, const char* ep) {
  std::ptrdiff_t i = 0;
  while (single_match(ms, s + i, p, ep)) {
    ++i;
    count_steps(ms);
  }
  for (; i >= 0; --i) {
    if (const char* r = match(ms, s + i, ep + 1)) return r;
  }
  return nullptr;
}

const char* min_expand(match_state& ms, const char* s, const char* p, const char* ep) {
  for (;;) {
    if (const char* r = match(ms, s, ep + 1)) return r;
    if (!single_match(ms, s, p, ep)) return nullptr;
    ++s;
  }
}

const char* start_capture(match_state& ms, const char* s, const char* p, std::ptrdiff_t what) {
  if (ms.level >= k_max_captures) luaL_error(ms.L, "too many captures");
  ms.captures[ms.level].init = s;
  ms.captures[ms.level].len = what;
  ++ms.level;
  const char* r = match(ms, s, p);
  if (r == nullptr) --ms.level;
  return r;
}

const char* end_capture(match_state& ms, const char* s, const char* p) {
  int l = ms.level - 1;
  while (l >= 0 && ms.captures[l].len != k_cap_unfinished) --l;
  if (l < 0) luaL_error(ms.L, "invalid pattern capture");
  ms.captures[l].len = s - ms.captures[l].init;
  const char* r = match(ms, s, p);
  if (r == nullptr) ms.captures[l].len = k_cap_unfinished;
  return r;
}

// %bxy with `p` at x.
const char* match_balance(match_state& ms, const char* s, const char* p) {
  if (p + 1 >= ms.p_end) luaL_error(ms.L, "malformed pattern (missing arguments to '%%b')");
  if (s >= ms.src_end || *s != *p) return nullptr;
  char open = p[0];
  char close = p[1];
  int depth = 1;
  while (++s < ms.src_end) {
    count_steps(ms);
    if (*s == close) {
      if (--depth == 0) return s + 1;
    } else if (*s == open) {
      ++depth;
    }
  }
  return nullptr;
}

// %1-%9: the text of an earlier, closed capture again.
const char* match_back_reference(match_state& ms, const char* s, int digit) {
  int l = digit - '1';
  if (l < 0 || l >= ms.level || ms.captures[l].len == k_cap_unfinished)
    luaL_error(ms.L, "invalid capture index %%%d", l + 1);
  std::ptrdiff_t len = ms.captures[l].len;
  if (len == k_cap_position || ms.src_end - s < len) return nullptr;
  count_steps(ms, static_cast<uint64_t>(len) / 64);
  return std::memcmp(ms.captures[l].init, s, static_cast<std::size_t>(len)) == 0 ? s + len
                                                                                 : nullptr;
}

// %f[set] with `p` after "%f".
const char* match_frontier(match_state& ms, const char* s, const char*& p) {
  if (p >= ms.p_end || *p != '[') luaL_error(ms.L, "missing '[' after '%%f' in pattern");
  const char* ep = class_end(ms, p);
  int previous = s == ms.src_init ? 0 : uchar(s[-1]);
  int current = s < ms.src_end ? uchar(*s) : 0;
  if (set_matches(previous, p, ep - 1) || !set_matches(current, p, ep - 1)) return nullptr;
  p = ep;
  return s;
}

// Matches pattern [p, p_end) at s: the end of the match, or null.
const char* match(match_state& ms, const char* s, const char* p) {
  if (ms.depth-- == 0) luaL_error(ms.L, "pattern too complex");
  while (p != ms.p_end) {
    count_steps(ms);
    switch (*p) {
      case '(':
        if (pattern_at(ms, p + 1) == ')') return leave(ms, start_capture(ms, s, p + 2, k_cap_position));
        return leave(ms, start_capture(ms, s, p + 1, k_cap_unfinished));
      case ')': return leave(ms, end_capture(ms, s, p + 1));
      case '$':
        if (p + 1 == ms.p_end) return leave(ms, s == ms.src_end ? s : nullptr);
        break;  // an ordinary '$'
      case k_esc: {
        char next = pattern_at(ms, p + 1);
        if (next == 'b') {
          s = match_balance(ms, s, p + 2);
          if (s == nullptr) return leave(ms, nullptr);
          p += 4;
          continue;
        }
        if (next == 'f') {
          p += 2;
          s = match_frontier(ms, s, p);
          if (s == nullptr) return leave(ms, nullptr);
          continue;
        }
        if (next >= '0' && next <= '9') {
          s = match_back_reference(ms, s, next);
          if (s == nullptr) return leave(ms, nullptr);
          p += 2;
          continue;
        }
        break;  // an escaped class
      }
      default: break;
    }
    const char* ep = class_end(ms, p);
    char quantifier = pattern_at(ms, ep);
    if (!single_match(ms, s, p, ep)) {
      if (quantifier == '*' || quantifier == '?' || quantifier == '-') {
        p = ep + 1;  // zero occurrences are fine
        continue;
      }
      return leave(ms, nullptr);
    }
    switch (quantifier) {
      case '?':
        if (const char* r = match(ms, s + 1, ep + 1)) return leave(ms, r);
        p = ep + 1;
        continue;
      case '+': return leave(ms, max_expand(ms, s + 1, p, ep));
      case '*': return leave(ms, max_expand(ms, s, p, ep));
      case '-': return leave(ms, min_expand(ms, s, p, ep));
      default:
        ++s;
        p = ep;
        continue;
    }
  }
  return leave(ms, s);
}

// -- captures --

// Pushes capture i; with no captures at all, i == 0 means the whole match [s, e).
void push_one_capture(match_state& ms, int i, const char* s, const char* e) {
  if (i >= ms.level) {
    if (i != 0) luaL_error(ms.L, "invalid capture index %%%d", i + 1);
    lua_pushlstring(ms.L, s, static_cast<std::size_t>(e - s));
    return;
  }
  std::ptrdiff_t len = ms.captures[i].len;
  if (len == k_cap_unfinished) luaL_error(ms.L, "unfinished capture");
  if (len == k_cap_position)
    lua_pushinteger(ms.L, static_cast<lua_Integer>(ms.captures[i].init - ms.src_init) + 1);
  else
    lua_pushlstring(ms.L, ms.captures[i].init, static_cast<std::size_t>(len));
}

// Pushes every capture (or the whole match if there are none and s is not null).
int push_captures(match_state& ms, const char* s, const char* e) {
  int n = (ms.level == 0 && s != nullptr) ? 1 : ms.level;
  luaL_checkstack(ms.L, n, "too many captures");
  for (int i = 0; i < n; ++i) push_one_capture(ms, i, s, e);
  return n;
}

// -- find and match --

// string.find's and friends' `init`: 1-based, negative from the end, clamped at 1.
std::size_t start_offset(lua_Integer pos, std::size_t len) {
  if (pos > 0) return static_cast<std::size_t>(pos) - 1;
  if (pos == 0 || pos < -static_cast<lua_Integer>(len)) return 0;
  return static_cast<std::size_t>(static_cast<lua_Integer>(len) + pos);
}

bool has_specials(const char* p, std::size_t lp) {
  for (std::size_t i = 0; i < lp; ++i)
    if (p[i] != '\0' && std::strchr(k_specials, p[i]) != nullptr) return true;
  return false;
}

const char* plain_find(match_state& ms, const char* s, std::size_t ls, const char* p,
                       std::size_t lp) {
  if (lp == 0) return s;
  if (lp > ls) return nullptr;
  const char* last_start = s + (ls - lp);
  while (s <= last_start) {
    auto* hit = static_cast<const char*>(
        std::memchr(s, p[0], static_cast<std::size_t>(last_start - s) + 1));
    if (hit == nullptr) return nullptr;
    count_steps(ms, lp / 64 + 1);
    if (std::memcmp(hit + 1, p + 1, lp - 1) == 0) return hit;
    s = hit + 1;
  }
  return nullptr;
}

int find_or_match(lua_State* L, bool find) {
  std::size_t ls = 0;
  std::size_t lp = 0;
  const char* s = luaL_checklstring(L, 1, &ls);
  const char* p = luaL_checklstring(L, 2, &lp);
  std::size_t init = start_offset(luaL_optinteger(L, 3, 1), ls);
  if (init > ls) {
    luaL_pushfail(L);
    return 1;
  }
  match_state ms;
  if (find && (lua_toboolean(L, 4) || !has_specials(p, lp))) {
    prepare(ms, L, s, ls, p, lp);
    if (const char* hit = plain_find(ms, s + init, ls - init, p, lp)) {
      lua_pushinteger(L, static_cast<lua_Integer>(hit - s) + 1);
      lua_pushinteger(L, static_cast<lua_Integer>(hit - s + static_cast<std::ptrdiff_t>(lp)));
      return 2;
    }
  } else {
    bool anchor = lp > 0 && *p == '^';
    if (anchor) {
      ++p;
      --lp;
    }
    prepare(ms, L, s, ls, p, lp);
    const char* s1 = s + init;
    do {
      restart(ms);
      if (const char* e = match(ms, s1, p)) {
        if (!find) return push_captures(ms, s1, e);
        lua_pushinteger(L, static_cast<lua_Integer>(s1 - s) + 1);
        lua_pushinteger(L, static_cast<lua_Integer>(e - s));
        return push_captures(ms, nullptr, nullptr) + 2;
      }
    } while (s1++ < ms.src_end && !anchor);
  }
  luaL_pushfail(L);
  return 1;
}

int str_find(lua_State* L) { return find_or_match(L, true); }
int str_match(lua_State* L) { return find_or_match(L, false); }

// -- gmatch --

struct gmatch_state {
  std::size_t next = 0;             // where the next search starts
  std::ptrdiff_t last_match = -1;   // end of the previous match (an empty match may not repeat it)
};

// Upvalues: the subject, the pattern, the gmatch_state.
int gmatch_next(lua_State* L) {
  std::size_t ls = 0;
  std::size_t lp = 0;
  const char* s = lua_tolstring(L, lua_upvalueindex(1), &ls);
  const char* p = lua_tolstring(L, lua_upvalueindex(2), &lp);
  auto* gm = static_cast<gmatch_state*>(lua_touserdata(L, lua_upvalueindex(3)));
  if (gm->next > ls) return 0;
  match_state ms;
  prepare(ms, L, s, ls, p, lp);
  for (const char* src = s + gm->next; src <= ms.src_end; ++src) {
    restart(ms);
    const char* e = match(ms, src, p);
    if (e != nullptr && e - s != gm->last_match) {
      gm->last_match = e - s;
      gm->next = static_cast<std::size_t>(e - s);
      return push_captures(ms, src, e);
    }
  }
  gm->next = ls + 1;
  return 0;
}

int str_gmatch(lua_State* L) {
  std::size_t ls = 0;
  luaL_checklstring(L, 1, &ls);
  luaL_checkstring(L, 2);
  std::size_t init = start_offset(luaL_optinteger(L, 3, 1), ls);
  lua_settop(L, 2);
  auto* gm = static_cast<gmatch_state*>(lua_newuserdatauv(L, sizeof(gmatch_state), 0));
  gm->next = init > ls ? ls + 1 : init;
  gm->last_match = -1;
  lua_pushcclosure(L, gmatch_next, 3);
  return 1;
}

// -- gsub --

// Appends the replacement string (argument 3) with %0-%9 and %% expanded.
void add_replacement_string(match_state& ms, luaL_Buffer* b, const char* s, const char* e) {
  lua_State* L = ms.L;
  std::size_t l = 0;
  const char* text = lua_tolstring(L, 3, &l);
  const char* end = text + l;
  while (const char* esc = static_cast<const char*>(
             std::memchr(text, k_esc, static_cast<std::size_t>(end - text)))) {
    luaL_addlstring(b, text, static_cast<std::size_t>(esc - text));
    char c = esc + 1 < end ? esc[1] : '\0';
    if (c == k_esc) {
      luaL_addchar(b, k_esc);
    } else if (c == '0') {
      luaL_addlstring(b, s, static_cast<std::size_t>(e - s));
    } else if (std::isdigit(uchar(c))) {
      push_one_capture(ms, c - '1', s, e);  // a string, or a position capture's number
      luaL_addvalue(b);
    } else {
      luaL_error(L, "invalid use of '%c' in replacement string", k_esc);
    }
    text = esc + 2;
  }
  luaL_addlstring(b, text, static_cast<std::size_t>(end - text));
}

// Appends the replacement of match [s, e); false when the original text was kept.
bool add_replacement(match_state& ms, luaL_Buffer* b, const char* s, const char* e, int type) {
  lua_State* L = ms.L;
  if (type == LUA_TFUNCTION) {
    lua_pushvalue(L, 3);
    int n = push_captures(ms, s, e);
    lua_call(L, n, 1);
  } else if (type == LUA_TTABLE) {
    push_one_capture(ms, 0, s, e);
    lua_gettable(L, 3);
  } else {
    add_replacement_string(ms, b, s, e);
    return true;
  }
  if (!lua_toboolean(L, -1)) {  // nil or false: keep the original text
    lua_pop(L, 1);
    luaL_addlstring(b, s, static_cast<std::size_t>(e - s));
    return false;
  }
  if (!lua_isstring(L, -1))
    luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
  luaL_addvalue(b);
  return true;
}

int str_gsub(lua_State* L) {
  std::size_t ls = 0;
  std::size_t lp = 0;
  const char* src = luaL_checklstring(L, 1, &ls);
  const char* p = luaL_checklstring(L, 2, &lp);
  int type = lua_type(L, 3);
  lua_Integer max_n = luaL_optinteger(L, 4, static_cast<lua_Integer>(ls) + 1);
  luaL_argexpected(L,
                   type == LUA_TNUMBER || type == LUA_TSTRING || type == LUA_TFUNCTION ||
                       type == LUA_TTABLE,
                   3, "string/function/table");
  bool anchor = lp > 0 && *p == '^';
  if (anchor) {
    ++p;
    --lp;
  }
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  match_state ms;
  prepare(ms, L, src, ls, p, lp);
  const char* last_match = nullptr;
  lua_Integer n = 0;
  bool changed = false;
  while (n < max_n) {
    restart(ms);
    const char* e = match(ms, src, p);
    if (e != nullptr && e != last_match) {
      ++n;
      changed = add_replacement(ms, &b, src, e, type) || changed;
      src = last_match = e;
    } else if (src < ms.src_end) {
      luaL_addchar(&b, *src++);
    } else {
      break;
    }
    if (anchor) break;
  }
  if (!changed) {
    lua_pushvalue(L, 1);
  } else {
    luaL_addlstring(&b, src, static_cast<std::size_t>(ms.src_end - src));
    luaL_pushresult(&b);
  }
  lua_pushinteger(L, n);
  return 2;
}

}  // namespace

void install_lua_pattern_functions(lua_State* L, int table_index) {
  static const luaL_Reg functions[] = {{"find", str_find},
                                       {"match", str_match},
                                       {"gmatch", str_gmatch},
                                       {"gsub", str_gsub},
                                       {nullptr, nullptr}};
  lua_pushvalue(L, table_index);
  luaL_setfuncs(L, functions, 0);
  lua_pop(L, 1);
}

}  // namespace mainspring
