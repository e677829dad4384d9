#include "executors/lua_json.h"

#include <charconv>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstring>

// Nothing here holds a C++ object with a destructor while a Lua API call may raise: errors of the
// encoder and decoder travel as return values with a message in a fixed buffer, and bytes live
// in Lua userdata (see lua_context.h for why).

namespace mainspring {

namespace {

// A growable byte buffer kept in a Lua userdata at a fixed stack slot. Growing it replaces the
// userdata in that slot, so the slot may sit anywhere below the values being worked on.
struct lua_byte_buffer {
  lua_State* L = nullptr;
  int slot = 0;
  char* data = nullptr;
  std::size_t len = 0;
  std::size_t cap = 0;
};

void buffer_init(lua_byte_buffer& b, lua_State* L, std::size_t cap) {
  b.L = L;
  b.data = static_cast<char*>(lua_newuserdatauv(L, cap, 0));
  b.slot = lua_gettop(L);
  b.len = 0;
  b.cap = cap;
}

// REQUIRES: one free stack slot.
void buffer_reserve(lua_byte_buffer& b, std::size_t extra) {
  if (b.len + extra <= b.cap) return;
  std::size_t cap = b.cap * 2 > b.len + extra ? b.cap * 2 : b.len + extra;
  auto* grown = static_cast<char*>(lua_newuserdatauv(b.L, cap, 0));
  if (b.len) std::memcpy(grown, b.data, b.len);  // data is null before the first growth
  lua_replace(b.L, b.slot);
  b.data = grown;
  b.cap = cap;
}

void buffer_add(lua_byte_buffer& b, const char* s, std::size_t n) {
  if (n == 0) return;
  buffer_reserve(b, n);
  std::memcpy(b.data + b.len, s, n);
  b.len += n;
}

void buffer_add(lua_byte_buffer& b, const char* s) { buffer_add(b, s, std::strlen(s)); }

void buffer_add(lua_byte_buffer& b, char c) { buffer_add(b, &c, 1); }

// -- encoding --

struct encoder {
  lua_State* L = nullptr;
  lua_byte_buffer out;
  char error[160] = {};
};

bool fail(char (&error)[160], const char* fmt, ...) __attribute__((format(printf, 2, 3)));

bool fail(char (&error)[160], const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(error, sizeof error, fmt, args);
  va_end(args);
  return false;
}

// The shortest text that reads back as the same double (locale-independent, unlike printf).
void format_double(double v, char (&text)[40]) {
  auto [end, ec] = std::to_chars(text, text + sizeof text - 1, v);
  *(ec == std::errc() ? end : text) = '\0';
}

bool encode_number(encoder& e, int index, bool as_key) {
  char text[40];
  if (lua_isinteger(e.L, index)) {
    std::snprintf(text, sizeof text, "%lld", static_cast<long long>(lua_tointeger(e.L, index)));
  } else {
    double v = static_cast<double>(lua_tonumber(e.L, index));
    if (!std::isfinite(v)) return fail(e.error, "json.encode: cannot encode NaN or infinity");
    format_double(v, text);
  }
  if (as_key) buffer_add(e.out, '"');
  buffer_add(e.out, text);
  if (as_key) buffer_add(e.out, '"');
  return true;
}

void encode_string(encoder& e, int index) {
  std::size_t n = 0;
  const char* s = lua_tolstring(e.L, index, &n);  // a string already: no conversion, no raise
  buffer_reserve(e.out, n + 2);
  buffer_add(e.out, '"');
  for (std::size_t i = 0; i < n; ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"': buffer_add(e.out, "\\\"", 2); break;
      case '\\': buffer_add(e.out, "\\\\", 2); break;
      case '\n': buffer_add(e.out, "\\n", 2); break;
      case '\r': buffer_add(e.out, "\\r", 2); break;
      case '\t': buffer_add(e.out, "\\t", 2); break;
      case '\b': buffer_add(e.out, "\\b", 2); break;
      case '\f': buffer_add(e.out, "\\f", 2); break;
      default:
        if (c < 0x20) {
          char esc[8];
          std::snprintf(esc, sizeof esc, "\\u%04x", c);
          buffer_add(e.out, esc, 6);
        } else {
          buffer_add(e.out, static_cast<char>(c));
        }
    }
  }
  buffer_add(e.out, '"');
}

bool encode_value(encoder& e, int index, int depth);

// True when the table's keys are exactly the integers 1..n for some n > 0.
bool is_array(lua_State* L, int index, lua_Integer& n) {
  n = static_cast<lua_Integer>(lua_rawlen(L, index));
  if (n <= 0) return false;
  lua_Integer count = 0;
  lua_pushnil(L);
  while (lua_next(L, index) != 0) {
    lua_pop(L, 1);
    lua_Integer k = 0;
    if (!lua_isinteger(L, -1) || (k = lua_tointeger(L, -1)) < 1 || k > n) {
      lua_pop(L, 1);
      return false;
    }
    ++count;
  }
  return count == n;
}

bool encode_table(encoder& e, int index, int depth) {
  lua_State* L = e.L;
  lua_Integer n = 0;
  if (is_array(L, index, n)) {
    buffer_add(e.out, '[');
    for (lua_Integer i = 1; i <= n; ++i) {
      if (i > 1) buffer_add(e.out, ',');
      lua_rawgeti(L, index, i);
      bool ok = encode_value(e, lua_gettop(L), depth + 1);
      lua_pop(L, 1);
      if (!ok) return false;
    }
    buffer_add(e.out, ']');
    return true;
  }
  buffer_add(e.out, '{');
  bool first = true;
  lua_pushnil(L);
  while (lua_next(L, index) != 0) {
    int key = lua_gettop(L) - 1;
    if (!first) buffer_add(e.out, ',');
    first = false;
    bool ok = true;
    if (lua_type(L, key) == LUA_TSTRING) {
      encode_string(e, key);
    } else if (lua_type(L, key) == LUA_TNUMBER) {
      ok = encode_number(e, key, true);
    } else {
      ok = fail(e.error, "json.encode: cannot encode a table key of type %s",
                luaL_typename(L, key));
    }
    if (ok) {
      buffer_add(e.out, ':');
      ok = encode_value(e, key + 1, depth + 1);
    }
    if (!ok) {
      lua_pop(L, 2);
      return false;
    }
    lua_pop(L, 1);  // keep the key for lua_next
  }
  buffer_add(e.out, '}');
  return true;
}

bool encode_value(encoder& e, int index, int depth) {
  if (depth > k_lua_json_max_depth)
    return fail(e.error, "json.encode: nesting deeper than %d levels (a cycle?)",
                k_lua_json_max_depth);
  luaL_checkstack(e.L, 4, "json.encode");
  switch (lua_type(e.L, index)) {
    case LUA_TNIL: buffer_add(e.out, "null"); return true;
    case LUA_TBOOLEAN: buffer_add(e.out, lua_toboolean(e.L, index) ? "true" : "false"); return true;
    case LUA_TNUMBER: return encode_number(e, index, false);
    case LUA_TSTRING: encode_string(e, index); return true;
    case LUA_TTABLE: return encode_table(e, index, depth);
    default:
      return fail(e.error, "json.encode: cannot encode a value of type %s",
                  luaL_typename(e.L, index));
  }
}

// -- decoding --

struct decoder {
  lua_State* L = nullptr;
  const char* begin = nullptr;
  const char* p = nullptr;
  const char* end = nullptr;
  lua_byte_buffer scratch;
  char error[160] = {};
};

void skip_space(decoder& d) {
  while (d.p < d.end && (*d.p == ' ' || *d.p == '\t' || *d.p == '\n' || *d.p == '\r')) ++d.p;
}

bool unexpected(decoder& d) {
  if (d.p >= d.end) return fail(d.error, "json.decode: unexpected end of input");
  auto c = static_cast<unsigned char>(*d.p);
  if (c >= 0x20 && c < 0x7f)
    return fail(d.error, "json.decode: unexpected character '%c' at offset %zu", c,
                static_cast<std::size_t>(d.p - d.begin));
  return fail(d.error, "json.decode: unexpected byte 0x%02x at offset %zu", c,
              static_cast<std::size_t>(d.p - d.begin));
}

bool literal(decoder& d, const char* word) {
  std::size_t n = std::strlen(word);
  if (static_cast<std::size_t>(d.end - d.p) < n || std::memcmp(d.p, word, n) != 0)
    return unexpected(d);
  d.p += n;
  return true;
}

bool is_digit(decoder& d) { return d.p < d.end && *d.p >= '0' && *d.p <= '9'; }

bool parse_number(decoder& d) {
  const char* start = d.p;
  bool integral = true;
  if (d.p < d.end && *d.p == '-') ++d.p;
  if (!is_digit(d)) return unexpected(d);
  if (*d.p == '0') {
    ++d.p;
  } else {
    while (is_digit(d)) ++d.p;
  }
  if (d.p < d.end && *d.p == '.') {
    integral = false;
    ++d.p;
    if (!is_digit(d)) return unexpected(d);
    while (is_digit(d)) ++d.p;
  }
  if (d.p < d.end && (*d.p == 'e' || *d.p == 'E')) {
    integral = false;
    ++d.p;
    if (d.p < d.end && (*d.p == '+' || *d.p == '-')) ++d.p;
    if (!is_digit(d)) return unexpected(d);
    while (is_digit(d)) ++d.p;
  }
  if (integral) {
    // Accumulate negatively: the magnitude of the lowest integer is one more than the highest's.
    bool negative = *start == '-';
    lua_Integer v = 0;
    bool overflow = false;
    for (const char* q = start + (negative ? 1 : 0); q < d.p && !overflow; ++q) {
      lua_Integer digit = *q - '0';
      if (v < (LUA_MININTEGER + digit) / 10) overflow = true;
      else v = v * 10 - digit;
    }
    if (!overflow && (negative || v != LUA_MININTEGER)) {
      lua_pushinteger(d.L, negative ? v : -v);
      return true;
    }
  }
  double value = 0;
  auto [end, ec] = std::from_chars(start, d.p, value);
  if (ec == std::errc::result_out_of_range) {
    // from_chars leaves value untouched: huge magnitudes become infinities, tiny ones zero.
    bool tiny = false;
    for (const char* q = start; q < d.p; ++q)
      if (*q == 'e' || *q == 'E') tiny = q + 1 < d.p && q[1] == '-';
    value = tiny ? 0.0 : HUGE_VAL;
    if (*start == '-') value = -value;
  } else if (ec != std::errc() || end != d.p) {
    return fail(d.error, "json.decode: invalid number at offset %zu",
                static_cast<std::size_t>(start - d.begin));
  }
  lua_pushnumber(d.L, static_cast<lua_Number>(value));
  return true;
}

bool parse_hex4(decoder& d, unsigned& out) {
  out = 0;
  for (int i = 0; i < 4; ++i, ++d.p) {
    if (d.p >= d.end) return unexpected(d);
    char c = *d.p;
    unsigned v = c >= '0' && c <= '9'   ? static_cast<unsigned>(c - '0')
                 : c >= 'a' && c <= 'f' ? static_cast<unsigned>(c - 'a' + 10)
                 : c >= 'A' && c <= 'F' ? static_cast<unsigned>(c - 'A' + 10)
                                        : 16u;
    if (v == 16) return unexpected(d);
    out = out * 16 + v;
  }
  return true;
}

void add_utf8(lua_byte_buffer& b, unsigned cp) {
  char u[4];
  std::size_t n = 0;
  if (cp < 0x80) {
    u[n++] = static_cast<char>(cp);
  } else if (cp < 0x800) {
    u[n++] = static_cast<char>(0xc0 | (cp >> 6));
    u[n++] = static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    u[n++] = static_cast<char>(0xe0 | (cp >> 12));
    u[n++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    u[n++] = static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    u[n++] = static_cast<char>(0xf0 | (cp >> 18));
    u[n++] = static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    u[n++] = static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    u[n++] = static_cast<char>(0x80 | (cp & 0x3f));
  }
  buffer_add(b, u, n);
}

// After "\u": one code point, or a surrogate pair written as two escapes.
bool parse_unicode_escape(decoder& d) {
  unsigned cp = 0;
  if (!parse_hex4(d, cp)) return false;
  if (cp >= 0xd800 && cp <= 0xdbff && d.end - d.p >= 6 && d.p[0] == '\\' && d.p[1] == 'u') {
    const char* save = d.p;
    d.p += 2;
    unsigned low = 0;
    if (!parse_hex4(d, low)) return false;
    if (low >= 0xdc00 && low <= 0xdfff) {
      cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
    } else {
      d.p = save;  // the second escape stands on its own
    }
  }
  if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
  add_utf8(d.scratch, cp);
  return true;
}

// After the opening quote; pushes the string.
bool parse_string(decoder& d) {
  d.scratch.len = 0;
  for (;;) {
    if (d.p >= d.end) return unexpected(d);
    auto c = static_cast<unsigned char>(*d.p);
    if (c == '"') {
      ++d.p;
      lua_pushlstring(d.L, d.scratch.data, d.scratch.len);
      return true;
    }
    if (c < 0x20) return unexpected(d);
    if (c != '\\') {
      const char* run = d.p;
      while (d.p < d.end && *d.p != '"' && *d.p != '\\' &&
             static_cast<unsigned char>(*d.p) >= 0x20)
        ++d.p;
      buffer_add(d.scratch, run, static_cast<std::size_t>(d.p - run));
      continue;
    }
    ++d.p;
    if (d.p >= d.end) return unexpected(d);
    char esc = *d.p++;
    switch (esc) {
      case '"': buffer_add(d.scratch, '"'); break;
      case '\\': buffer_add(d.scratch, '\\'); break;
      case '/': buffer_add(d.scratch, '/'); break;
      case 'b': buffer_add(d.scratch, '\b'); break;
      case 'f': buffer_add(d.scratch, '\f'); break;
      case 'n': buffer_add(d.scratch, '\n'); break;
      case 'r': buffer_add(d.scratch, '\r'); break;
      case 't': buffer_add(d.scratch, '\t'); break;
      case 'u':
        if (!parse_unicode_escape(d)) return false;
        break;
      default: --d.p; return unexpected(d);
    }
  }
}

bool parse_value(decoder& d, int depth);

// After '['; pushes the table.
bool parse_array(decoder& d, int depth) {
  lua_newtable(d.L);
  int table = lua_gettop(d.L);
  skip_space(d);
  if (d.p < d.end && *d.p == ']') {
    ++d.p;
    return true;
  }
  for (lua_Integer i = 1;; ++i) {
    if (!parse_value(d, depth + 1)) return false;
    lua_rawseti(d.L, table, i);
    skip_space(d);
    if (d.p < d.end && *d.p == ',') {
      ++d.p;
      continue;
    }
    if (d.p < d.end && *d.p == ']') {
      ++d.p;
      return true;
    }
    return unexpected(d);
  }
}

// After '{'; pushes the table.
bool parse_object(decoder& d, int depth) {
  lua_newtable(d.L);
  int table = lua_gettop(d.L);
  skip_space(d);
  if (d.p < d.end && *d.p == '}') {
    ++d.p;
    return true;
  }
  for (;;) {
    skip_space(d);
    if (d.p >= d.end || *d.p != '"') return unexpected(d);
    ++d.p;
    if (!parse_string(d)) return false;
    skip_space(d);
    if (d.p >= d.end || *d.p != ':') return unexpected(d);
    ++d.p;
    if (!parse_value(d, depth + 1)) return false;
    lua_rawset(d.L, table);  // a null value leaves the key out
    skip_space(d);
    if (d.p < d.end && *d.p == ',') {
      ++d.p;
      continue;
    }
    if (d.p < d.end && *d.p == '}') {
      ++d.p;
      return true;
    }
    return unexpected(d);
  }
}

bool parse_value(decoder& d, int depth) {
  if (depth > k_lua_json_max_depth)
    return fail(d.error, "json.decode: nesting deeper than %d levels", k_lua_json_max_depth);
  luaL_checkstack(d.L, 6, "json.decode");
  skip_space(d);
  if (d.p >= d.end) return unexpected(d);
  switch (*d.p) {
    case '{': ++d.p; return parse_object(d, depth);
    case '[': ++d.p; return parse_array(d, depth);
    case '"': ++d.p; return parse_string(d);
    case 't': if (!literal(d, "true")) return false; lua_pushboolean(d.L, 1); return true;
    case 'f': if (!literal(d, "false")) return false; lua_pushboolean(d.L, 0); return true;
    case 'n': if (!literal(d, "null")) return false; lua_pushnil(d.L); return true;
    default: return parse_number(d);
  }
}

// -- the module's functions --

int json_encode(lua_State* L) {
  lua_settop(L, 1);
  if (push_json_encoded(L, 1)) return 1;
  lua_pushnil(L);
  lua_insert(L, -2);
  return 2;
}

int json_decode(lua_State* L) {
  std::size_t n = 0;
  const char* text = luaL_checklstring(L, 1, &n);
  lua_settop(L, 1);
  decoder d;
  d.L = L;
  d.begin = d.p = text;
  d.end = text + n;
  buffer_init(d.scratch, L, 64);
  bool ok = parse_value(d, 0);
  if (ok) {
    skip_space(d);
    if (d.p < d.end)
      ok = fail(d.error, "json.decode: unexpected character after the value at offset %zu",
                static_cast<std::size_t>(d.p - d.begin));
  }
  if (ok) return 1;  // the value, on top
  lua_settop(L, 1);
  lua_pushnil(L);
  lua_pushstring(L, d.error);
  return 2;
}

}  // namespace

bool push_json_encoded(lua_State* L, int index) {
  index = lua_absindex(L, index);
  luaL_checkstack(L, 4, "json.encode");
  encoder e;
  e.L = L;
  buffer_init(e.out, L, 128);
  int base = e.out.slot;
  if (encode_value(e, index, 0)) {
    lua_pushlstring(L, e.out.data, e.out.len);
    lua_remove(L, base);
    return true;
  }
  lua_settop(L, base - 1);
  lua_pushstring(L, e.error);
  return false;
}

int open_lua_json(lua_State* L) {
  static const luaL_Reg functions[] = {
      {"encode", json_encode}, {"decode", json_decode}, {nullptr, nullptr}};
  luaL_newlib(L, functions);
  return 1;
}

}  // namespace mainspring
