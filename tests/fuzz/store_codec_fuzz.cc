// Fuzzes the storage codec's decoders (storage/codec.h) with arbitrary stored bytes: what a
// corrupt disk, a torn write or a value from another version would hand them.
//
// Input: byte 0 picks the record type (group, job and deleted job, run, func, audit entry, node,
// API key); the rest is the stored value. Properties:
//  - decode answers a status, never throws, crashes or reads past the value;
//  - a value that decodes (in any format version it accepts) writes in today's format, and
//    that reads back to a record that writes the same bytes: nothing decoded is lost on the
//    next write;
//  - a run value read with its job's tally (storage/run_value.h) writes back to the same bytes
//    (one with the run's own fields: to bytes that then stay the same),
//    the ring scan's read without texts agrees with it, and the restart's history_reader takes
//    any run value without harm.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/codec.h"
#include "storage/history_reader.h"
#include "storage/run_value.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using namespace mainspring;

template <class Record>
void check_decoder(std::string_view bytes) {
  Record record;
  if (!decode(bytes, &record).ok()) return;
  std::string written = encode(record);
  Record back;
  FUZZ_CHECK(decode(written, &back).ok());
  FUZZ_CHECK(encode(back) == written);
}

void check_run_value_with_tally(std::string_view bytes) {
  history_reader reader;
  reader.add(bytes);
  reader.finish();
  if (!is_slot_run_value(bytes)) return;
  run_record run, light;
  std::optional<run_tally> tally, light_tally;
  const bool read = decode_run_value(bytes, &run, &tally).ok();
  // The ring scan's read (no texts) takes exactly the values decode takes, and reads the same.
  FUZZ_CHECK(decode_run_value_without_texts(bytes, &light, &light_tally).ok() == read);
  if (!read) return;
  FUZZ_CHECK(light.run_id == run.run_id && light.end_ms == run.end_ms && light.state == run.state);
  FUZZ_CHECK(light_tally == tally);
  FUZZ_CHECK((light.own_fields == nullptr) == (run.own_fields == nullptr));
  FUZZ_CHECK((light.cause == nullptr) == (run.cause == nullptr));
  const std::string written = encode_run_value(run, tally ? &*tally : nullptr);
  // A run's own fields are written as the codec writes them, which is canonical once read (a
  // map read from bytes in another order writes back sorted): the bytes then stay the same.
  if (run.own_fields == nullptr && run.cause == nullptr) FUZZ_CHECK(written == bytes);
  run_record back;
  std::optional<run_tally> back_tally;
  FUZZ_CHECK(decode_run_value(written, &back, &back_tally).ok());
  FUZZ_CHECK(back_tally == tally);
  FUZZ_CHECK(encode_run_value(back, back_tally ? &*back_tally : nullptr) == written);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 7) {
    case 0: check_decoder<group_spec>(bytes); break;
    case 1:
      check_decoder<job_spec>(bytes);
      check_decoder<deleted_job_record>(bytes);  // a job value inside a record of its own
      break;
    case 2:
      check_decoder<run_record>(bytes);
      check_run_value_with_tally(bytes);
      break;
    case 3: check_decoder<func_spec>(bytes); break;
    case 4: check_decoder<audit_entry>(bytes); break;
    case 5: check_decoder<node_spec>(bytes); break;
    default: check_decoder<api_key_record>(bytes); break;
  }
  return 0;
}
