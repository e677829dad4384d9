#include "core/go_json_scan.h"

#include <cstdio>
#include <utility>
#include <vector>

#include "core/utf8.h"

namespace mainspring {

namespace {

bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
bool is_hex(unsigned char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// Go's scanner (encoding/json/scanner.go), one state per step function; the literal states
// remember which literal and how far into it they are.
enum class state {
  begin_value, begin_value_or_empty, begin_string_or_empty, begin_string, end_value, end_top,
  in_string, in_string_esc, in_string_esc_u,  // the \u digits left in `hex_left`
  neg, one, zero, dot, dot0, e, e_sign, e0, literal,
};
enum class parse_state { object_key, object_value, array_value };

// A step's outcome: go on, the top-level value ended (Go's scanEnd), or an error.
enum class step_result { more, end, error };

class scanner {
 public:
  // Feeds one byte; on error, error() holds Go's text.
  step_result step(unsigned char c) {
    switch (state_) {
      case state::begin_value_or_empty:
        if (is_space(c)) return step_result::more;
        if (c == ']') return end_value(c);
        return begin_value(c);
      case state::begin_value: return begin_value(c);
      case state::begin_string_or_empty:
        if (is_space(c)) return step_result::more;
        if (c == '}') {
          stack_.back() = parse_state::object_value;
          return end_value(c);
        }
        return begin_string(c);
      case state::begin_string: return begin_string(c);
      case state::end_value: return end_value(c);
      case state::end_top:
        if (is_space(c)) return step_result::end;
        return fail(c, "after top-level value");
      case state::in_string:
        if (c == '"') return to(state::end_value);
        if (c == '\\') return to(state::in_string_esc);
        if (c < 0x20) return fail(c, "in string literal");
        return step_result::more;
      case state::in_string_esc:
        switch (c) {
          case 'b': case 'f': case 'n': case 'r': case 't': case '\\': case '/': case '"': return to(state::in_string);
          case 'u': hex_left_ = 4; return to(state::in_string_esc_u);
          default: return fail(c, "in string escape code");
        }
      case state::in_string_esc_u:
        if (!is_hex(c)) return fail(c, "in \\u hexadecimal character escape");
        return to(--hex_left_ == 0 ? state::in_string : state::in_string_esc_u);
      case state::neg:
        if (c == '0') return to(state::zero);
        if (c >= '1' && c <= '9') return to(state::one);
        return fail(c, "in numeric literal");
      case state::one:
        if (is_digit(c)) return step_result::more;
        return zero(c);
      case state::zero: return zero(c);
      case state::dot:
        if (is_digit(c)) return to(state::dot0);
        return fail(c, "after decimal point in numeric literal");
      case state::dot0:
        if (is_digit(c)) return step_result::more;
        if (c == 'e' || c == 'E') return to(state::e);
        return end_value(c);
      case state::e:
        if (c == '+' || c == '-') return to(state::e_sign);
        return e_sign(c);
      case state::e_sign: return e_sign(c);
      case state::e0:
        if (is_digit(c)) return step_result::more;
        return end_value(c);
      case state::literal: {
        const char expected = literal_[literal_at_];
        if (c != static_cast<unsigned char>(expected))
          return fail(c, std::string("in literal ") + literal_ + " (expecting " + go_json_quote_char(expected) + ")");
        return ++literal_at_ == std::string_view(literal_).size() ? to(state::end_value) : step_result::more;
      }
    }
    return step_result::more;
  }

  // Go's Decoder at the end of its input: a value that ends there is whole.
  bool ends_at_eof() { return step(' ') == step_result::end; }
  // True once a top-level object or array has closed (Go then stops without reading further).
  bool closed_top() const { return closed_top_; }
  const std::string& error() const { return error_; }

 private:
  step_result to(state next) {
    state_ = next;
    return step_result::more;
  }
  step_result fail(unsigned char c, const std::string& where) {
    error_ = "invalid character " + go_json_quote_char(c) + " " + where;
    return step_result::error;
  }
  step_result push(unsigned char c, parse_state p, state next) {
    stack_.push_back(p);
    if (stack_.size() > k_go_json_max_depth) return fail(c, "exceeded max depth");
    return to(next);
  }
  step_result start_literal(const char* word) {
    literal_ = word;
    literal_at_ = 1;
    return to(state::literal);
  }
  step_result begin_value(unsigned char c) {
    if (is_space(c)) return step_result::more;
    switch (c) {
      case '{': return push(c, parse_state::object_key, state::begin_string_or_empty);
      case '[': return push(c, parse_state::array_value, state::begin_value_or_empty);
      case '"': return to(state::in_string);
      case '-': return to(state::neg);
      case '0': return to(state::zero);
      case 't': return start_literal("true");
      case 'f': return start_literal("false");
      case 'n': return start_literal("null");
      default:
        if (c >= '1' && c <= '9') return to(state::one);
        return fail(c, "looking for beginning of value");
    }
  }
  step_result begin_string(unsigned char c) {
    if (is_space(c)) return step_result::more;
    if (c == '"') return to(state::in_string);
    return fail(c, "looking for beginning of object key string");
  }
  step_result zero(unsigned char c) {
    if (c == '.') return to(state::dot);
    if (c == 'e' || c == 'E') return to(state::e);
    return end_value(c);
  }
  step_result e_sign(unsigned char c) {
    if (is_digit(c)) return to(state::e0);
    return fail(c, "in exponent of numeric literal");
  }
  step_result end_value(unsigned char c) {
    if (stack_.empty()) {
      state_ = state::end_top;
      return step(c);
    }
    if (is_space(c)) return to(state::end_value);
    switch (stack_.back()) {
      case parse_state::object_key:
        if (c == ':') {
          stack_.back() = parse_state::object_value;
          return to(state::begin_value);
        }
        return fail(c, "after object key");
      case parse_state::object_value:
        if (c == ',') {
          stack_.back() = parse_state::object_key;
          return to(state::begin_string);
        }
        if (c == '}') return pop();
        return fail(c, "after object key:value pair");
      case parse_state::array_value:
        if (c == ',') return to(state::begin_value);
        if (c == ']') return pop();
        return fail(c, "after array element");
    }
    return step_result::more;
  }
  step_result pop() {
    stack_.pop_back();
    closed_top_ = stack_.empty();
    return to(stack_.empty() ? state::end_top : state::end_value);
  }

  state state_ = state::begin_value;
  std::vector<parse_state> stack_;
  int hex_left_ = 0;
  const char* literal_ = "";
  std::size_t literal_at_ = 0;
  bool closed_top_ = false;
  std::string error_;
};

}  // namespace

std::string go_json_quote_char(unsigned char c) {
  if (c == '\'') return R"('\'')";
  if (c == '"') return R"('"')";
  // strconv.Quote of the rune c: printable runes as they are (U+0080..U+00FF in UTF-8), the
  // others escaped.
  std::string inner;
  switch (c) {
    case '\a': inner = "\\a"; break;
    case '\b': inner = "\\b"; break;
    case '\f': inner = "\\f"; break;
    case '\n': inner = "\\n"; break;
    case '\r': inner = "\\r"; break;
    case '\t': inner = "\\t"; break;
    case '\v': inner = "\\v"; break;
    case '\\': inner = "\\\\"; break;
    default: {
      char buf[8];
      if (c < 0x20 || c == 0x7f) {
        std::snprintf(buf, sizeof buf, "\\x%02x", c);
        inner = buf;
      } else if (c < 0x80) {
        inner = std::string(1, static_cast<char>(c));
      } else if (c <= 0xa0 || c == 0xad) {
        // C1 controls, the no-break space and the soft hyphen are not printable to Go's
        // strconv.IsPrint: \u0080 ... \u00a0, \u00ad.
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        inner = buf;
      } else {
        inner = {static_cast<char>(0xc0 | (c >> 6)), static_cast<char>(0x80 | (c & 0x3f))};
      }
    }
  }
  return "'" + inner + "'";
}

std::string go_json_replace_invalid(std::string_view value) {
  // The code unit of a \u escape at `at` (six characters), or -1 when there is none.
  auto escape_at = [value](std::size_t at) -> long {
    if (at + 6 > value.size() || value[at] != '\\' || value[at + 1] != 'u') return -1;
    long unit = 0;
    for (std::size_t k = at + 2; k < at + 6; ++k) {
      const auto c = static_cast<unsigned char>(value[k]);
      if (!is_hex(c)) return -1;
      unit = unit * 16 + (is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    return unit;
  };
  std::string out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size();) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (c == '\\') {
      const long unit = escape_at(i);
      if (unit >= 0xd800 && unit <= 0xdfff) {
        const long low = unit <= 0xdbff ? escape_at(i + 6) : -1;
        if (low >= 0xdc00 && low <= 0xdfff) {
          out.append(value.substr(i, 12));
          i += 12;
        } else {
          out += "\\ufffd";
          i += 6;
        }
        continue;
      }
      out.append(value.substr(i, 2));  // any other escape, whole (its character may be a backslash)
      i += 2;
      continue;
    }
    if (c >= 0x80) {
      const std::size_t n = utf8_sequence(value, i);
      if (n == 0) {
        out += "\xef\xbf\xbd";
        ++i;
      } else {
        out.append(value.substr(i, n));
        i += n;
      }
      continue;
    }
    out += static_cast<char>(c);
    ++i;
  }
  return out;
}

status_or<std::size_t> go_json_first_value(std::string_view body) {
  scanner scan;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const auto c = static_cast<unsigned char>(body[i]);
    switch (scan.step(c)) {
      case step_result::error: return status::invalid_argument(scan.error());
      // The character that ended a number, string or literal is read and not part of it.
      case step_result::end: return i;
      case step_result::more:
        if (scan.closed_top()) return i + 1;
        break;
    }
  }
  if (scan.ends_at_eof()) return body.size();
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return status::invalid_argument("EOF");
  return status::invalid_argument("unexpected EOF");
}

namespace {

// The ASCII upper-case letter Go's foldName makes of the rune at `key[i]`, advancing `i` past it;
// 0 for a rune that folds to no ASCII character (or a byte that starts no UTF-8 sequence).
char folded_ascii(std::string_view key, std::size_t& i) {
  const auto c = static_cast<unsigned char>(key[i]);
  if (c < 0x80) {
    ++i;
    return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : static_cast<char>(c);
  }
  // The only non-ASCII runes r with ToUpper(ToLower(r)) in ASCII, each two or three bytes.
  static constexpr std::pair<std::string_view, char> k_ascii_folds[] = {
      {"\xE2\x84\xAA", 'K'},  // U+212A KELVIN SIGN
      {"\xC5\xBF", 'S'},       // U+017F LATIN SMALL LETTER LONG S
      {"\xC4\xB0", 'I'},       // U+0130 LATIN CAPITAL LETTER I WITH DOT ABOVE
      {"\xC4\xB1", 'I'},       // U+0131 LATIN SMALL LETTER DOTLESS I
  };
  for (const auto& [bytes, folded] : k_ascii_folds)
    if (key.substr(i).starts_with(bytes)) {
      i += bytes.size();
      return folded;
    }
  return 0;
}

}  // namespace

bool go_json_key_folds_to(std::string_view key, std::string_view field) {
  std::size_t i = 0;
  for (char want : field) {
    if (i >= key.size()) return false;
    const char upper = want >= 'a' && want <= 'z' ? static_cast<char>(want - 'a' + 'A') : want;
    if (folded_ascii(key, i) != upper || upper == 0) return false;
  }
  return i == key.size();
}

}  // namespace mainspring
