// compact_job_spec: a job_spec as a job actor keeps it for months, in about a third of the memory.
//
// A job_spec holds nine std::strings and a std::map (408 bytes before any heap text); a million
// idle jobs pay that a million times for fields that are read once per run or per view. This form
// keeps the numbers and flags as plain members, with job_spec's names, and packs every string and
// the metadata into one allocation. Reading a string gives a view into it; unpack() rebuilds the
// job_spec for a view, an edit or the store.
//
// Example:
//   compact_job_spec c(spec);
//   c.done = true;                                  // numbers and flags: as in job_spec
//   std::string_view name = c.name();               // strings: read-only views
//   executor_target t = c.target();                 // the target: rebuilt on each call
//   store.put_job(c.unpack());
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "core/job.h"

namespace mainspring {

class compact_job_spec {
 public:
  // -- constructors --

  // Every string empty, every number as in a default job_spec.
  compact_job_spec() = default;
  explicit compact_job_spec(const job_spec& spec);

  compact_job_spec(const compact_job_spec& other);
  compact_job_spec& operator=(const compact_job_spec& other);
  compact_job_spec(compact_job_spec&&) noexcept = default;
  compact_job_spec& operator=(compact_job_spec&&) noexcept = default;

  // -- conversions --

  // The job_spec this was made from, with the members below as they are now.
  job_spec unpack() const;

  // -- strings (views that stay valid until this object is assigned to or destroyed) --

  std::string_view id() const { return text(k_id); }
  std::string_view group() const { return text(k_group); }
  std::string_view name() const { return text(k_name); }
  std::string_view schedule() const { return text(k_schedule); }
  std::string_view timezone() const { return text(k_timezone); }
  std::string_view memo() const { return text(k_memo); }
  std::string_view otp_secret() const { return text(k_otp_secret); }
  std::string_view parent_job() const { return text(k_parent_job); }
  std::string_view dialect_data() const { return text(k_dialect_data); }

  // -- the target --
  executor_kind kind() const { return static_cast<executor_kind>(kind_); }
  executor_target target() const;

  // -- controls (kept only when not default: most jobs ask nothing of them) --
  const job_controls& controls() const;

  // -- member variables: job_spec's numbers and flags, read and written directly --

  int64_t exec_time_s = 0;
  int64_t timeout_ms = k_default_timeout_ms;
  int64_t retry_delay_ms = 0;
  int64_t anchor_ms = 0;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  int64_t expires_at_ms = 0;
  int retries = 0;
  concurrency_policy concurrency = concurrency_policy::allow;
  misfire_policy misfire = misfire_policy::skip;
  bool paused = false;
  bool done = false;
  bool ephemeral = false;
  // job_spec::paused_at_s, clamped to 32 bits (until 2106); it fills the padding after the flags.
  uint32_t paused_at_s = 0;

 private:
  // The strings' order in the packed text; the target's strings follow (target_texts_ of them,
  // see compact_job_spec.cc), then the metadata's keys and values, alternating.
  enum field : uint32_t {
    k_id, k_group, k_name, k_schedule, k_timezone, k_memo, k_otp_secret, k_parent_job,
    k_dialect_data, k_fields
  };

  // The i-th string of the packed text (empty when there is none).
  std::string_view text(uint32_t i) const;
  uint32_t text_count() const;

  // Layout: uint32_t n, then n uint32_t end offsets, then the n strings back to back (offsets
  // count from the first string). Null when the spec was default-constructed.
  std::unique_ptr<char[]> packed_;
  std::unique_ptr<const job_controls> controls_;  // null = default controls
  uint8_t kind_ = static_cast<uint8_t>(executor_kind::shell);  // an executor_kind, in a byte
  uint16_t target_texts_ = 0;

 public:
  // job_spec::revision, saturated at 2^32 - 1 edits. Declared last, it fills the padding after
  // kind_ and target_texts_ (kind_ a byte for it): the spec stays 96 bytes, as before it had one.
  uint32_t revision = 0;
};

}  // namespace mainspring
