// dump_json: the readable JSON inside a dump archive (see dump_archive.h for the archive).
//
// A dump holds one file per group, `<group>.json`, and `dump-manifest.json`. This unit writes
// and reads those files; it knows nothing of tar or gzip. Reading is a streaming (SAX) parse that
// builds the records directly, so memory follows what is kept, not the JSON text: unknown
// fields are skipped without being stored, and a budget caps what the kept records may hold.
// Reading also validates completely: each job through validate_job(), each pool through
// validate_run_pool(), each record against the group its file is named after, job ids, func names
// and pool names unique within the file, func names as group names ([a-zA-Z0-9_]{1,22}), at most
// k_max_run_pools_per_group pools, each document through validate_group_document(), document
// names unique within their kind, at most k_max_group_documents of a kind, the *_ms instants
// between 0 and the year 9999.
//
// Group file (one record per line, fields in this order; instants are unix ms, except exec_time,
// unix seconds as in the native API):
//   {
//     "group": {"name": "YM55", "secret": "BASE32...", "created_ms": 1700000000000},
//     "jobs": [
//       {"id": "1234", "group_name": "YM55", "name": "Hello", "interval_pattern": "@every 5s",
//        "timezone": "", "exec_time": 0,
//        "executor": "http", "url": "http://...", "method": "GET", "headers": {}, "body": "",
//        "expect_code": 0, "expect_body": "", "signed_query": true,
//        (and "expect_codes": "200,206" when more than one status is expected),
//        "timeout_ms": 60000, "retries": 0, "retry_delay_ms": 0, "concurrency": "allow",
//        "misfire": "skip", "memo": "", "metadata": {}, "parent_job": "", "ephemeral": false,
//        "expires_at_ms": 0, "dialect_data": "", "paused": false, "done": false,
//        "anchor_ms": 0, "otp_token": "BASE32...", "created_ms": 0, "updated_ms": 0}
//     ],
//     "funcs": [
//       {"group_name": "YM55", "name": "Hello", "lua_body": "...", "use_otp": false,
//        "disable_group_otp": false, "memo": "", "secret": "BASE32...", "created_ms": 0}
//     ],
//     "pools": [
//       {"name": "nightly", "enabled": true, "max_running": 1, "hook_url": "", "hook_format": "",
//        "cpu_limit_percent": 0, "cpu_sustain_s": 0, "memory_limit_bytes": 0,
//        "memory_sustain_s": 0, "dialect_data": "", "created_ms": 0, "updated_ms": 0}
//     ],
//     "documents": [
//       {"kind": "cronicle.plugin", "name": "backup", "json_text": "{\"id\":\"backup\",...}",
//        "created_ms": 0, "updated_ms": 0}
//     ]
//   }
// A job's controls follow its own fields (max_running, queue, ..., retry_aborted), and "pool" (its
// run pool, core/run_pool.h) only when it names one. "pools" holds the group's run pools as
// stored; a pool record has no group field (the file names its group). "pools" came after
// version 2 without a new version: a reader that does not know it ignores it as any unknown field
// (a Mainspring before it imports such an archive without its pools), and an archive without it
// (written before) reads with group_dump::pools_dumped false. In a file with "pools", a job naming a
// pool not among them is refused by an import (registry_actor.cc: check_pools_named); in one
// written before, a job may name any pool, and one its group lacks limits nothing.
// The target's fields follow `executor`: http as above; shell: command, shell, cwd, env (an
// object of strings); lua: command (the source); remote: nodes ("a,b"), command, env, allocated
// (placed by the group's allocation table); noop: none.
// Version 1 jobs have request_url and exec_command instead (core/native_target.h); a job with
// neither `executor` nor those reads as a shell job without a command, which validation refuses.
// Headers are an object, so a header sent twice by an HTTP target keeps its last value.
// Names follow the native API where it has one (`interval_pattern`, `exec_time` in unix
// seconds, `otp_token` for the job's TOTP secret); durations are exact integer milliseconds
// (`timeout_ms`, `retry_delay_ms`) where the native API speaks seconds. Reading: unknown fields
// are ignored (a newer Mainspring may add some); a known field of the wrong JSON type, an unknown
// enum value or a duplicate key is an error; a missing job or func field takes the record's
// default, as does a missing pool field, but `group` and every job's `id` are required.
//
// Manifest: {"format": "mainspring-dump", "version": 2, "created": "<RFC 3339 UTC>",
//            "groups": ["YM55", ...]}
//
// Example:
//   std::string text = encode_group_file(dump);
//   std::istringstream in(text);
//   decode_budget budget;
//   status_or<group_dump> back = decode_group_file(in, "YM55", &budget);
//   // !back.ok(): "jobs[3].timeout_ms: expected an integer, got a string"
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "core/group_document.h"
#include "core/job.h"
#include "core/run_pool.h"
#include "core/status.h"
#include "storage/records.h"

namespace mainspring {

// One of a group's documents with its kind (the store keeps a kind's documents together).
struct dumped_document {
  std::string kind;
  group_document document;

  bool operator==(const dumped_document&) const = default;
};

// One group with everything a dump keeps of it.
struct group_dump {
  group_spec group;
  std::vector<job_spec> jobs;
  std::vector<func_spec> funcs;
  std::vector<run_pool_spec> pools;  // the group's run pools, by name
  // False when the file had no "pools" (written before pools were dumped): its pools are not
  // known, rather than none (an import then leaves the group's pools as they are). The writer
  // leaves "pools" out then, so that such a group round-trips as it was read.
  bool pools_dumped = true;
  std::vector<dumped_document> documents;  // the group's documents, by kind, then name
  // As pools_dumped, for "documents": false leaves an imported group's documents as they are.
  bool documents_dumped = true;
};

inline constexpr std::string_view k_dump_format = "mainspring-dump";
// Version 2 writes each job's target typed (`executor` and its fields); version 1 archives, whose
// jobs carry the native request_url and exec_command, are still read.
inline constexpr int64_t k_dump_version = 2;
inline constexpr int64_t k_oldest_dump_version = 1;

struct dump_manifest {
  std::string format;               // k_dump_format
  int64_t version = 0;              // k_dump_version
  std::string created;              // RFC 3339 UTC; informational
  std::vector<std::string> groups;  // one name per group file
};

// What decoded records may hold in memory, summed over the files of one archive (an estimate:
// each record's struct size plus its string bytes). Decoding fails once it would pass `limit`.
struct decode_budget {
  std::size_t used = 0;
  std::size_t limit = std::size_t{2} << 30;
};

// Watches JSON text go by and stops it at the first string or number longer than `max_bytes`.
// The parser holds a whole token in memory before handing it over, so without this a small
// compressed file could make it hold a gigabyte. The longest legitimate token is an
// exec_command or lua_body of k_max_command_bytes, escaped (up to 6 bytes a byte).
// REQUIRES: the text is fed in order, all of it.
class json_token_guard {
 public:
  explicit json_token_guard(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  // How many bytes of `block` (the text's next bytes) may be parsed: all of them unless a
  // token passes the limit there, after which nothing more may.
  std::size_t accept(std::string_view block);
  bool tripped() const { return tripped_; }

 private:
  enum class state : uint8_t { between, in_string, after_backslash, in_number };

  std::size_t max_bytes_;
  state state_ = state::between;
  std::size_t token_bytes_ = 0;
  bool tripped_ = false;
};

inline constexpr std::size_t k_max_json_token_bytes = 2 * 1024 * 1024;

// The text of `<group>.json` and `dump-manifest.json`. Strings that are not valid UTF-8 (JSON text
// cannot carry them) have their bad bytes replaced by U+FFFD; everything else round-trips exactly.
std::string encode_group_file(const group_dump& group);
// The same text handed to `sink` in pieces of about 64 KiB, so that a group of a million jobs
// need not be held as one string.
void encode_group_file(const group_dump& group,
                       const std::function<void(std::string_view)>& sink);
std::string encode_manifest(const dump_manifest& manifest);

// Parses and validates the group file that was named `<file_group>.json`. The message of an
// error names the place ("jobs[3].timeout_ms: ...", "funcs[0].name: ...", "pools[2].max_running:
// ...", "documents[1].name: ...", "group.name: ...").
// REQUIRES: budget != nullptr; file_group is a valid group name.
status_or<group_dump> decode_group_file(std::istream& text, std::string_view file_group,
                                        decode_budget* budget);

// Parses dump-manifest.json: JSON types and group names are checked, format and version are not
// (the caller decides what it accepts). At most `max_groups` names.
// REQUIRES: budget != nullptr.
status_or<dump_manifest> decode_manifest(std::istream& text, std::size_t max_groups,
                                         decode_budget* budget);

}  // namespace mainspring
