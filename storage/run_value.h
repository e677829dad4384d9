// run_value: the compact stored value of a finished run (run record format 3).
//
// A steady run history writes one run value per fire and deletes one per trim, and LevelDB's
// compactions copy, compress and check every byte of them several times over: at 100,000 runs
// a second the bytes of the run values set most of the store's CPU. Format 3 therefore keeps
// only what the run's key does not already hold (the key "r/<group>/<job>/<run id>" is its
// identity, storage/store_keys.h) and writes integers as varints relative to each other:
//
//   byte 0        format version (3)
//   byte 1        state | trigger << 3          (the two high bits are 0)
//   varint        attempt                       (zigzag)
//   varint        plan_ms                       (zigzag)
//   varint        start_ms - plan_ms            (zigzag, two's-complement wrapping)
//   varint        end_ms - start_ms             (zigzag, wrapping; exact for end_ms == 0 too)
//   varint        code                          (zigzag)
//   3 x (varint length, bytes)   output_tail, error, node
//
// A no-op run that succeeded takes about 15 bytes (format 2: about 85). The wrapping
// differences round-trip every int64 exactly, so no time is ever refused.
//
// decode_run_value never throws and never crashes on hostile bytes: a truncated value, an
// overlong varint, an out-of-range enum, a length that overruns the value or trailing bytes
// give a non-ok status ("corrupt run_record value: ...").
//
// Example:
//   std::string bytes = encode_run_value(run);        // run.group, job_id, run_id not written
//   run_record back;
//   if (status st = decode_run_value(bytes, &back); !st.ok()) return st;
//   back.group = group; back.job_id = job; back.run_id = id;  // from the key
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/run_record.h"
#include "core/status.h"

namespace mainspring {

inline constexpr uint8_t k_run_value_format = 3;

// Longest output_tail, error or node a run value may hold when read back: a guard against a
// flipped length asking for gigabytes (writers keep these far shorter).
inline constexpr std::size_t k_max_run_value_text_bytes = 64u << 20;

// Appends nothing of run.group, run.job_id or run.run_id.
std::string encode_run_value(const run_record& run);

// Reads a format 3 value into *out, whose group, job_id and run_id are left as they were.
// REQUIRES: out != nullptr; bytes[0] == k_run_value_format (codec.cc dispatches on it).
status decode_run_value(std::string_view bytes, run_record* out);

}  // namespace mainspring
