// job_spec_checks: what every API's JSON decoding must guarantee about the job it produces,
// shared by the JSON fuzz targets.
//
// A dialect that hands the core a job_spec promises a job the core accepts and storage keeps
// exactly: validate_job() passes, and the storage codec writes it, reads it back and writes the
// same bytes again. Then a view of it renders as each answer shape without throwing.
//
//   if (spec.ok()) check_stored_spec(*spec);
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "actors/scheduler_api.h"
#include "core/job.h"
#include "storage/codec.h"
#include "tests/fuzz/fuzz_check.h"

namespace mainspring::fuzz {

// REQUIRES: validate_job(spec) is ok.
inline void check_codec_round_trip(const job_spec& spec) {
  std::string bytes = encode(spec);
  job_spec back;
  FUZZ_CHECK(decode(bytes, &back).ok());
  FUZZ_CHECK(encode(back) == bytes);
}

// A spec a dialect produced after its own validation: the core must accept it.
inline void check_stored_spec(const job_spec& spec) {
  FUZZ_CHECK(validate_job(spec).ok());
  check_codec_round_trip(spec);
}

// Renders `j` as the responders do (invalid UTF-8 replaced); nothing may throw.
inline void check_renders(const nlohmann::json& j) {
  try {
    (void)j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } catch (...) {
    FUZZ_CHECK(!"a rendered answer threw");
  }
}

}  // namespace mainspring::fuzz
