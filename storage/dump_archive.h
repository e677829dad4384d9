// dump_archive: the tar.gz that `GET /v1/dump/all` and `GET /v1/{group}/dump` answer and
// `POST /v1/import` takes back. Pure data in and out: no actors, no HTTP, no LevelDB.
//
// The archive is a gzip'd tar (ustar headers) of plain files at its root, no directories:
//   dump-manifest.json  {"format": "mainspring-dump", "version": 2,
//                        "created": "<RFC 3339 UTC>", "groups": ["YM55", ...]}
//   <group>.json        one per group: {"group": {...}, "jobs": [...], "funcs": [...],
//                        "pools": [...], "documents": [...]}
// The manifest's name holds a '-', which no group name can, so a group called "manifest" does
// not clash with it. The manifest and the group files must agree exactly.
// The JSON of each file is described in dump_json.h. The download is named by dump_file_name()
// ("2026-11-23-134501-backup.tar.gz", as the native API's original names it).
//
// read_dump() parses and validates a whole archive before the caller applies anything, so an
// import is all or nothing. It returns either the groups or invalid_argument naming the entry
// and the place ("YM55.json: jobs[3].timeout_ms: expected an integer, got a string"); hostile
// input (not gzip, not tar, truncated, path traversal, links or devices, unexpected names,
// oversized or too many entries, decompression bombs, bad JSON, wrong types, invalid jobs,
// duplicates, a manifest that disagrees with the files) gives an error, never a crash or an
// exception. Sizes are enforced by counting the bytes decompressed, whatever the headers claim,
// and JSON is parsed as it is decompressed, so memory stays near what the decoded records hold
// (capped by dump_limits::max_decoded_bytes) plus a 64 KiB buffer and the longest JSON token
// (capped by max_token_bytes). Error messages are printable ASCII (other bytes become '?'),
// safe to put in any response.
//
// Example:
//   status_or<std::string> tgz = write_dump(groups, now_ms());
//   // reply: Content-Disposition: attachment; filename=<dump_file_name(now)>
//   status_or<std::vector<group_dump>> back = read_dump(body);
//   if (!back.ok()) return back.status();   // 400, nothing applied
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/time_types.h"
#include "storage/dump_json.h"

namespace mainspring {

// -- limits --
// One group file, decompressed. A job takes about 550 bytes of JSON, so a group of about two
// million jobs fits.
inline constexpr std::size_t k_max_dump_entry_bytes = std::size_t{1} << 30;
// All files of one archive, decompressed.
inline constexpr std::size_t k_max_dump_total_bytes = std::size_t{2} << 30;
// Entries of one archive (group files and the manifest).
inline constexpr std::size_t k_max_dump_entries = 100'001;
// What the decoded records may hold in memory (see decode_budget): about three million jobs.
inline constexpr std::size_t k_max_dump_decoded_bytes = std::size_t{2} << 30;

struct dump_limits {
  std::size_t max_entry_bytes = k_max_dump_entry_bytes;
  std::size_t max_total_bytes = k_max_dump_total_bytes;
  std::size_t max_entries = k_max_dump_entries;
  std::size_t max_decoded_bytes = k_max_dump_decoded_bytes;
  std::size_t max_token_bytes = k_max_json_token_bytes;  // one JSON string or number
};

// The archive of `groups`, in that order, stamped `now`.
// Fails with invalid_argument when a group name is invalid or repeated (it names a file), a job
// or func names another group than the one it is dumped with, or a group's pool name (or a
// document's kind and name) is repeated; with resource_exhausted when
// the archive would pass the default dump_limits (read_dump would refuse it).
status_or<std::string> write_dump(const std::vector<group_dump>& groups, sys_ms now);

// "YYYY-MM-DD-HHMMSS-backup.tar.gz" of `now` in UTC.
std::string dump_file_name(sys_ms now);

// "YYYY-MM-DDTHH:MM:SSZ" of `now` (RFC 3339, UTC, whole seconds).
std::string rfc3339_utc(sys_ms now);

// Parses and validates `tar_gz_bytes` completely; applies nothing. The groups come in archive
// order. Every failure is invalid_argument (internal only if libarchive cannot be set up).
status_or<std::vector<group_dump>> read_dump(std::string_view tar_gz_bytes,
                                             const dump_limits& limits = {});

}  // namespace mainspring
