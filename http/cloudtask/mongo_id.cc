#include "http/cloudtask/mongo_id.h"

#include <algorithm>

#include <openssl/evp.h>

#include "core/hex.h"

namespace mainspring::http::cloudtask {

namespace {

constexpr std::size_t k_time_bytes = 4;    // an ObjectId's big-endian seconds
constexpr std::size_t k_unique_bytes = 8;  // its machine, process and counter bytes
static_assert(2 * (k_time_bytes + k_unique_bytes) == k_object_id_hex_digits);

// 4 bytes of `unix_ms` / 1000 (clamped into an ObjectId's unsigned 32 bits), then the first 8
// bytes of the SHA-256 of `what`.
std::string object_id(int64_t unix_ms, std::string_view what) {
  const uint32_t seconds = static_cast<uint32_t>(std::clamp<int64_t>(unix_ms / 1000, 0, UINT32_MAX));
  unsigned char bytes[EVP_MAX_MD_SIZE];
  for (std::size_t i = 0; i < k_time_bytes; ++i) bytes[i] = static_cast<unsigned char>(seconds >> (8 * (3 - i)));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(what.data(), what.size(), digest, &size, EVP_sha256(), nullptr);
  std::copy(digest, digest + k_unique_bytes, bytes + k_time_bytes);
  return lower_hex(bytes, k_time_bytes + k_unique_bytes);
}

}  // namespace

std::string job_object_id(const job_spec& spec) {
  return object_id(spec.created_ms, "job\n" + spec.group + "\n" + spec.id);
}

std::string log_object_id(const run_record& run) {
  return object_id(run.end_ms, "log\n" + run.group + "\n" + run.job_id + "\n" + std::to_string(run.run_id));
}

std::string location_object_id(const std::string& name, int64_t added_ms) {
  return object_id(added_ms, "location\n" + name);
}

}  // namespace mainspring::http::cloudtask
