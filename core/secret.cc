#include "core/secret.h"

#include <pthread.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <mutex>
#include <stdexcept>

#include <openssl/rand.h>

namespace mainspring {
namespace {

// Each RAND_bytes call costs a getpid() system call (OpenSSL's fork check) and its DRBG's
// bookkeeping; a create asked for one secret each, which was 2.5% of a durable create's CPU. A
// thread draws k_random_pool_bytes at once and hands them out; no byte is handed out twice.
constexpr std::size_t k_random_pool_bytes = 1024;

struct random_pool {
  std::array<unsigned char, k_random_pool_bytes> bytes{};
  std::size_t used = k_random_pool_bytes;  // empty until first drawn
};

thread_local random_pool t_pool;

// A forked child starts with a copy of the forking thread's pool: it would repeat its parent's
// next secrets, so the child's copy is emptied.
void empty_pool_in_child() {
  t_pool.used = k_random_pool_bytes;
}

void take_random(unsigned char* out, std::size_t n) {
  static std::once_flag registered;
  std::call_once(registered, [] { ::pthread_atfork(nullptr, nullptr, empty_pool_in_child); });
  random_pool& pool = t_pool;
  while (n > 0) {
    if (pool.used == pool.bytes.size()) {
      if (RAND_bytes(pool.bytes.data(), static_cast<int>(pool.bytes.size())) != 1)
        throw std::runtime_error("RAND_bytes failed");
      pool.used = 0;
    }
    const std::size_t take = std::min(n, pool.bytes.size() - pool.used);
    std::memcpy(out, pool.bytes.data() + pool.used, take);
    std::memset(pool.bytes.data() + pool.used, 0, take);  // what was handed out is not kept
    pool.used += take;
    out += take;
    n -= take;
  }
}

}  // namespace

std::string random_base32_secret(std::size_t chars) {
  static constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  // One random byte per character, its low 5 bits (256 is a multiple of 32: no bias).
  std::string out(chars, 'A');
  // A secret an attacker could predict opens every func and job it guards: never fall back.
  for (std::size_t i = 0; i < chars;) {
    unsigned char block[64];
    const std::size_t n = std::min(chars - i, sizeof block);
    take_random(block, n);
    for (std::size_t j = 0; j < n; ++j) out[i + j] = k_alphabet[block[j] & 31];
    i += n;
  }
  return out;
}

}  // namespace mainspring
