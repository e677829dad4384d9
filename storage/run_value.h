// run_value: the compact stored value of a finished run (run record formats 3, 4, 5 and 6).
//
// A steady run history writes one run value per fire, and LevelDB's compactions copy, compress
// and check every byte of them several times over: at 100,000 runs a second the bytes of the run
// values set most of the store's CPU. The value therefore keeps only what the run's key does not
// already hold (the key "r/<group>/<job>/<slot>" names the job, storage/store_keys.h) and writes
// integers as varints relative to each other:
//
//   byte 0        format version (4, 5 for a run with a cause, 6 for a run with a report; 3
//                 before history became a ring of slots)
//   byte 1        state | trigger << 3 | has_tally << 6 | has_own_fields << 7
//   varint        run id                        (format 4 only: a slot key does not hold it)
//   varint        attempt                       (zigzag)
//   varint        plan_ms                       (zigzag)
//   varint        start_ms - plan_ms            (zigzag, two's-complement wrapping)
//   varint        end_ms - start_ms             (zigzag, wrapping; exact for end_ms == 0 too)
//   varint        code                          (zigzag)
//   3 x (varint length, bytes)   output_tail, error, node
//   when has_tally: the job's run_tally after this run (core/run_tally.h), 7 varints:
//                 successes, failures, skipped, retries, last_success_ms and last_error_ms each
//                 as 0 (never) or 1 + zigzag(end_ms - t), newest_started_id - run_id (0 if less)
//   when has_own_fields: (varint length, bytes) the run's own fields (run_record::own_fields,
//                 a core/job.h run_override) as storage/codec.h writes them
//   format 5 only: (varint length, bytes) what started the run (run_record::cause, a
//                 core/run_record.h run_cause) as storage/codec.h writes it
//   format 6 only: one byte, has_cause | has_report << 1, then when has_cause the cause as in
//                 format 5, then (varint length, bytes) what the run's command reported
//                 (run_record::reported, a JSON object's text)
//
// A no-op run that succeeded takes about 24 bytes, 31 with its tally (format 2: about 85). The
// wrapping differences round-trip every int64 exactly, so no time is ever refused. A value
// without a tally (written before the job knew its stored tally, or by a node for a run it
// reports late) is read the same way; the ring scan counts such runs itself.
//
// decode_run_value never throws and never crashes on hostile bytes: a truncated value, an
// overlong varint, an out-of-range enum, a length that overruns the value or trailing bytes
// give a non-ok status ("corrupt run_record value: ...").
//
// Example:
//   std::string bytes = encode_run_value(run, &tally); // run.group, job_id not written
//   run_record back;
//   if (status st = decode_run_value(bytes, &back); !st.ok()) return st;
//   back.group = group; back.job_id = job;             // from the key
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/run_record.h"
#include "core/run_tally.h"
#include "core/status.h"

namespace mainspring {

inline constexpr uint8_t k_run_value_format = 4;
// Format 4 and the run's cause (run_record::cause): written only for a run that has one, so that
// every other run's value stays byte for byte what format 4 writes.
inline constexpr uint8_t k_run_value_format_with_cause = 5;
// Format 4, then which of a cause and a report (run_record::reported) follow: written only for a
// run with a report, for the same reason.
inline constexpr uint8_t k_run_value_format_with_extras = 6;
// The format before run ids moved from the key into the value (read for the schema 1 migration).
inline constexpr uint8_t k_run_value_format_keyed = 3;

// True for the formats that hold their run id (4, 5 and 6): a ring slot's value.
inline bool is_slot_run_value(std::string_view bytes) {
  if (bytes.empty()) return false;
  const auto format = static_cast<uint8_t>(bytes[0]);
  return format == k_run_value_format || format == k_run_value_format_with_cause ||
         format == k_run_value_format_with_extras;
}

// Longest output_tail, error or node a run value may hold when read back: a guard against a
// flipped length asking for gigabytes (writers keep these far shorter).
inline constexpr std::size_t k_max_run_value_text_bytes = 64u << 20;

// Writes format 4 (5 when the run has a cause, 6 when it has a report), with the job's tally after this run when `tally`
// is not null and the run's own fields when it has some; appends nothing of run.group or
// run.job_id.
std::string encode_run_value(const run_record& run, const run_tally* tally = nullptr);

// Reads a format 3, 4, 5 or 6 value into *out, whose group and job_id (and for format 3 run_id) are
// left as they were. When `tally` is not null it is set to the value's tally, or reset when the
// value has none.
// REQUIRES: out != nullptr; bytes[0] is 3, 4, 5 or 6 (codec.cc dispatches on it).
status decode_run_value(std::string_view bytes, run_record* out, std::optional<run_tally>* tally = nullptr);

// As decode_run_value, without copying output_tail, error, node and the report (left as they
// were): what the ring scan at start reads of every stored run (storage/history_reader.h). The
// run's own fields and cause are read all the same (rare, and so that both reads take the same
// values).
status decode_run_value_without_texts(std::string_view bytes, run_record* out,
                                      std::optional<run_tally>* tally = nullptr);

// The run id of a format 4, 5 or 6 value, reading only its first bytes (the committer and the sweep
// compare the runs of a job's ring by id); false for any other value.
bool run_id_of_value(std::string_view bytes, uint64_t* run_id);

}  // namespace mainspring
