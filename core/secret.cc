#include "core/secret.h"

#include <random>

namespace mainspring {

std::string random_base32_secret(std::size_t chars) {
  static constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  thread_local std::random_device device;
  std::string out(chars, 'A');
  for (auto& c : out) c = k_alphabet[device() % 32];
  return out;
}

}  // namespace mainspring
