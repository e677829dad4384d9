// Fuzzes the reading of a LevelDB log's tail before the store opens (storage/log_runway.h) with
// arbitrary log bytes: what a crash, a power loss or a damaged disk leaves in a log file.
//
// Properties:
//  - log_length_to_keep never crashes or reads past the log, and keeps at most all of it;
//  - what it keeps has nothing more to cut (the store cuts once at every open: a second open
//    must find the log as the first left it).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "storage/log_runway.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace mainspring;
  const std::string_view log(reinterpret_cast<const char*>(data), size);
  const uint64_t keep = log_length_to_keep(log);
  FUZZ_CHECK(keep <= size);
  const std::string_view kept = log.substr(0, keep);
  FUZZ_CHECK(log_length_to_keep(kept) == keep);
  return 0;
}
