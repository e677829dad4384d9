#include "core/go_base64.h"

#include <openssl/evp.h>

#include <array>
#include <cstdint>

namespace mainspring {

namespace {

constexpr uint8_t k_invalid = 0xff;

constexpr std::array<uint8_t, 256> decode_map() {
  constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::array<uint8_t, 256> map{};
  for (auto& v : map) v = k_invalid;
  for (std::size_t i = 0; i < alphabet.size(); ++i) map[static_cast<unsigned char>(alphabet[i])] = static_cast<uint8_t>(i);
  return map;
}
constexpr std::array<uint8_t, 256> k_decode = decode_map();

bool is_newline(char c) { return c == '\r' || c == '\n'; }

status corrupt(std::size_t at) {
  return status::invalid_argument("illegal base64 data at input byte " + std::to_string(at));
}

// One quantum of up to four digits from text[si], appended to `out`; si moves past what was
// read. Go's decodeQuantum, step for step, so that errors name the bytes Go's do.
status decode_quantum(std::string_view text, std::size_t& si, std::string& out) {
  uint8_t digits[4] = {0, 0, 0, 0};
  int count = 4;
  for (int j = 0; j < 4; ++j) {
    if (si == text.size()) {
      if (j == 0) return {};
      return corrupt(si - static_cast<std::size_t>(j));  // padding is required
    }
    const char in = text[si++];
    const uint8_t digit = k_decode[static_cast<unsigned char>(in)];
    if (digit != k_invalid) {
      digits[j] = digit;
      continue;
    }
    if (is_newline(in)) {
      --j;
      continue;
    }
    if (in != '=') return corrupt(si - 1);
    // Padding: only after two or three digits, "==" after two.
    if (j < 2) return corrupt(si - 1);
    if (j == 2) {
      while (si < text.size() && is_newline(text[si])) ++si;
      if (si == text.size()) return corrupt(text.size());
      if (text[si] != '=') return corrupt(si - 1);
      ++si;
    }
    while (si < text.size() && is_newline(text[si])) ++si;
    if (si < text.size()) return corrupt(si);  // data after the padding
    count = j;
    break;
  }
  const uint32_t value = uint32_t{digits[0]} << 18 | uint32_t{digits[1]} << 12 | uint32_t{digits[2]} << 6 | digits[3];
  const char bytes[3] = {static_cast<char>(value >> 16), static_cast<char>(value >> 8), static_cast<char>(value)};
  out.append(bytes, static_cast<std::size_t>(count - 1));
  return {};
}

}  // namespace

status_or<std::string> go_base64_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size() / 4 * 3);
  std::size_t si = 0;
  while (si < text.size())
    if (status st = decode_quantum(text, si, out); !st.ok()) return st;
  return out;
}

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

}  // namespace mainspring
