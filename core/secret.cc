#include "core/secret.h"

#include <stdexcept>
#include <vector>

#include <openssl/rand.h>

namespace mainspring {

std::string random_base32_secret(std::size_t chars) {
  static constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  // One random byte per character, its low 5 bits (256 is a multiple of 32: no bias).
  std::vector<unsigned char> bytes(chars);
  // A secret an attacker could predict opens every func and job it guards: never fall back.
  if (chars > 0 && RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
    throw std::runtime_error("RAND_bytes failed");
  std::string out(chars, 'A');
  for (std::size_t i = 0; i < chars; ++i) out[i] = k_alphabet[bytes[i] & 31];
  return out;
}

}  // namespace mainspring
