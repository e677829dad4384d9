// Fuzzes the dump reader (storage/dump_archive.h, storage/dump_json.h): what POST /v1/import
// takes from a client.
//
// Input: byte 0 picks the mode; the rest is
//  - mode even: a whole archive (tar.gz bytes), read by read_dump with small limits;
//  - mode odd: the text of one group file, read by decode_group_file (compressed archives hide
//    the JSON from the fuzzer's mutations; this reaches it directly).
// Properties:
//  - every failure is a status, never a throw or crash; memory stays within the limits;
//  - what reads back is valid (every job passes validate_job, every pool validate_run_pool,
//    every document validate_group_document) and round-trips: written again
//    (write_dump, encode_group_file) and read again, it gives the same group files.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/group_document.h"
#include "core/job.h"
#include "core/run_pool.h"
#include "storage/dump_archive.h"
#include "storage/dump_json.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using namespace mainspring;

// Small enough that a mutated size field cannot make one run take seconds or gigabytes.
constexpr dump_limits k_fuzz_limits{.max_entry_bytes = 1 << 20,
                                    .max_total_bytes = 4 << 20,
                                    .max_entries = 64,
                                    .max_decoded_bytes = 8 << 20,
                                    .max_token_bytes = 64 << 10};
const sys_ms k_now{std::chrono::milliseconds(1795400000000)};

std::vector<std::string> group_files(const std::vector<group_dump>& groups) {
  std::vector<std::string> files;
  for (const auto& g : groups) files.push_back(encode_group_file(g));
  return files;
}

void check_valid(const group_dump& group) {
  for (const auto& job : group.jobs) FUZZ_CHECK(validate_job(job).ok());
  for (const auto& pool : group.pools) FUZZ_CHECK(validate_run_pool(pool).ok());
  for (const auto& d : group.documents) FUZZ_CHECK(validate_group_document(d.kind, d.document).ok());
}

void fuzz_archive(std::string_view bytes) {
  auto groups = read_dump(bytes, k_fuzz_limits);
  if (!groups.ok()) return;
  for (const auto& g : *groups) check_valid(g);
  auto written = write_dump(*groups, k_now);
  FUZZ_CHECK(written.ok());
  auto again = read_dump(*written);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(group_files(*again) == group_files(*groups));
}

void fuzz_group_file(std::string_view text) {
  std::istringstream in{std::string(text)};
  decode_budget budget{.limit = k_fuzz_limits.max_decoded_bytes};
  auto group = decode_group_file(in, "YM55", &budget);
  if (!group.ok()) return;
  check_valid(*group);
  std::string written = encode_group_file(*group);
  std::istringstream in_again(written);
  decode_budget budget_again;
  auto again = decode_group_file(in_again, "YM55", &budget_again);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(encode_group_file(*again) == written);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) {
    fuzz_archive(rest);
  } else {
    fuzz_group_file(rest);
  }
  return 0;
}
