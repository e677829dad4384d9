// codec: the bytes the state store keeps for each record (cereal binary, versioned).
//
// Every value starts with one format-version byte, then the record's fields in a fixed order
// written through a cereal BinaryOutputArchive (fixed-width little-endian integers as the
// machine has them, strings as a 32-bit length and the bytes). A field is added by bumping the
// record's version and teaching decode the old one; a value written by a newer Mainspring is
// refused with a status rather than misread.
//
// decode never throws and never crashes on hostile bytes: a truncated or corrupt value, an
// out-of-range enum, a length that overruns the value, or trailing bytes all give a non-ok
// status (code internal, "corrupt job_spec value: ...").
//
// Example:
//   std::string bytes = encode(job);
//   job_spec back;
//   if (status st = decode(bytes, &back); !st.ok()) return st;
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/group_document.h"
#include "core/job.h"
#include "core/node.h"
#include "core/run_pool.h"
#include "core/run_record.h"
#include "core/status.h"
#include "storage/records.h"
#include "storage/run_value.h"

namespace mainspring {

// The format version each encode() writes today.
inline constexpr uint8_t k_group_format = 1;
// Job format 2: the typed executor target (format 1: the native request_url and exec_command,
// read through core/native_target.h), then parent_job, ephemeral, expires_at_ms, dialect_data.
// 3: REMOTE@ env and allocated; 4: controls, HTTP follow/matches; 5: controls.retry_aborted;
// 6: an HTTP target's expected statuses after the first; 7: a shell target's stdin input;
// 8: a shell target's output flags (stderr_apart, progress_lines, annotate_lines, json_lines) and
// input_format; 9: revision (older values read as 0, never edited: a job's entry version in its
// Cloudtask table then starts at 1 as it did before, and grows from there); 10: paused_at_s
// (older values read as 0: paused at an unknown time); 11: controls.pool (older values: none)
inline constexpr uint8_t k_job_format = 11;
// Run formats 3 and 4 are storage/run_value.h's compact value, without the group and job (its
// key holds them; format 3's key also held the run id): format 1 and 2 values still read, with
// the identity they carry.
inline constexpr uint8_t k_run_format = 4;  // 2 added the node; 4 the run id back (ring slots)
static_assert(k_run_format == k_run_value_format);
inline constexpr uint8_t k_func_format = 1;
inline constexpr uint8_t k_audit_format = 2;  // 2: client_ip
inline constexpr uint8_t k_node_format = 2;  // 2 added tags
inline constexpr uint8_t k_api_key_format = 2;  // 2 added title, privileges, last_used_ms
// 2, 3: its own fields in override layout 2, 3; 4: its cause; 5: its own fields in layout 4;
// 6: its cause in cause format 2; 7: the node it waits for
inline constexpr uint8_t k_waiting_format = 7;
// A run's own fields, inside a run value that has them (storage/run_value.h).
// 2: an HTTP target's further expected statuses; 3: a shell target's stdin input; 4: its
// output flags
inline constexpr uint8_t k_override_format = 4;
inline constexpr uint8_t k_deleted_job_format = 1;  // its job in the job format of its day
// A run's cause, inside a run value of format 5 or 6 (and a waiting record); 2 added after_data
// and after_params.
inline constexpr uint8_t k_cause_format = 2;
// A run pool (core/run_pool.h), and a group's list of them (one value per group: a meta value,
// see actors/scheduler_runtime: put_run_pool).
inline constexpr uint8_t k_run_pool_format = 1;
inline constexpr uint8_t k_run_pool_list_format = 1;
// A group's documents of one kind (core/group_document.h): one meta value per group and kind,
// naming both, so that a start can read them all in one scan (actors/group_documents.h).
inline constexpr uint8_t k_group_documents_format = 1;

struct group_documents_value {
  std::string group;
  std::string kind;
  std::vector<group_document> documents;
};

std::string encode(const group_spec& group);
std::string encode(const job_spec& job);
std::string encode(const run_record& run);
std::string encode(const func_spec& func);
std::string encode(const audit_entry& entry);
std::string encode(const node_spec& node);
std::string encode(const api_key_record& key);
std::string encode(const waiting_record& run);
std::string encode(const run_override& own);
std::string encode(const deleted_job_record& gone);
std::string encode(const run_cause& cause);
std::string encode(const run_pool_spec& pool);
std::string encode_run_pools(const std::vector<run_pool_spec>& pools);
std::string encode(const group_documents_value& documents);

// Decodes `bytes` into *out. On error *out is left in an unspecified but valid state. A run
// value of format 4 leaves out->group and job_id empty (format 3 also run_id 0): the caller
// takes them from the run's key (storage/store_keys.h).
// REQUIRES: out != nullptr.
status decode(std::string_view bytes, group_spec* out);
status decode(std::string_view bytes, job_spec* out);
status decode(std::string_view bytes, run_record* out);
status decode(std::string_view bytes, func_spec* out);
status decode(std::string_view bytes, audit_entry* out);
status decode(std::string_view bytes, node_spec* out);
status decode(std::string_view bytes, api_key_record* out);
status decode(std::string_view bytes, waiting_record* out);
status decode(std::string_view bytes, run_override* out);
status decode(std::string_view bytes, deleted_job_record* out);
status decode(std::string_view bytes, run_cause* out);
status decode(std::string_view bytes, run_pool_spec* out);
status decode_run_pools(std::string_view bytes, std::vector<run_pool_spec>* out);
status decode(std::string_view bytes, group_documents_value* out);

}  // namespace mainspring
