#include "core/totp.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace mainspring {

status_or<std::string> base32_decode(std::string_view text) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    int value;
    if (c >= 'A' && c <= 'Z') value = c - 'A';
    else if (c >= 'a' && c <= 'z') value = c - 'a';
    else if (c >= '2' && c <= '7') value = c - '2' + 26;
    else if (c == '=' || c == ' ') continue;
    else return status::invalid_argument("secret: not base32");
    buffer = (buffer << 5) | static_cast<uint32_t>(value);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  return out;
}

std::string base32_encode(std::string_view bytes) {
  static constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push_back(k_alphabet[(buffer >> bits) & 31]);
    }
  }
  if (bits > 0) out.push_back(k_alphabet[(buffer << (5 - bits)) & 31]);
  return out;
}

std::string hotp(std::string_view key, uint64_t counter, int digits) {
  unsigned char message[8];
  for (int i = 7; i >= 0; --i) {
    message[i] = static_cast<unsigned char>(counter & 0xff);
    counter >>= 8;
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  // A failed HMAC gives no code at all, which matches nothing (verify_totp compares lengths).
  if (HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), message, sizeof message, mac, &mac_len) == nullptr ||
      mac_len < 20)
    return {};
  int offset = mac[mac_len - 1] & 0x0f;
  uint32_t binary = (static_cast<uint32_t>(mac[offset] & 0x7f) << 24) |
                    (static_cast<uint32_t>(mac[offset + 1]) << 16) |
                    (static_cast<uint32_t>(mac[offset + 2]) << 8) | mac[offset + 3];
  uint32_t modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  std::string code = std::to_string(binary % modulus);
  return std::string(static_cast<std::size_t>(digits) - code.size(), '0') + code;
}

std::string totp_now(std::string_view base32_secret, int64_t unix_s) {
  auto key = base32_decode(base32_secret);
  if (!key.ok() || key->empty() || unix_s < 0) return {};
  return hotp(*key, static_cast<uint64_t>(unix_s / k_totp_step_s));
}

bool verify_totp(std::string_view base32_secret, std::string_view code, int64_t unix_s) {
  return totp_step_of(base32_secret, code, unix_s).has_value();
}

std::optional<int64_t> totp_step_of(std::string_view base32_secret, std::string_view code, int64_t unix_s) {
  auto key = base32_decode(base32_secret);
  if (!key.ok() || key->empty() || code.size() != k_totp_digits || unix_s < 0) return std::nullopt;
  std::optional<int64_t> match;  // every step is compared, matching or not: no early exit
  int64_t step = unix_s / k_totp_step_s;
  for (int64_t s = step - k_totp_skew_steps; s <= step + k_totp_skew_steps; ++s) {
    if (s < 0) continue;
    std::string expected = hotp(*key, static_cast<uint64_t>(s));
    if (expected.size() != code.size()) continue;  // no code (a failed HMAC) matches nothing
    unsigned diff = 0;
    for (std::size_t i = 0; i < expected.size(); ++i)
      diff |= static_cast<unsigned>(expected[i] ^ code[i]);
    if (diff == 0) match = s;
  }
  return match;
}

}  // namespace mainspring
