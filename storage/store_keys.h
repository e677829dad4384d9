// store_keys: the LevelDB key layout of the state store (see storage/README.md).
//
// Keys are ASCII paths whose prefixes are the scans the store needs: restart reads "g/", "j/",
// "f/", "n/" and "k/". A group's records sit under "<kind>/<group>/" (jobs, runs, funcs, worker
// nodes) so that deleting the group is a few range deletes; API keys are not per group. A job's
// history is the range "r/<group>/<job>/", a ring of slots (8 lower-case hex digits, 0 up to the
// history cap): each finished run overwrites the slot of the job's oldest one, so a steady
// history writes one key per run and never a delete (storage/README.md). The value holds the
// run id; key order is slot order, not time order. Schema 1 keyed each run by its id (16 hex
// digits); open() migrates such a store, and a job's runs in the first seconds after open are
// kept that way too (state_store_impl.h: ring_scan). A name part is escaped ('%' -> "%25", '/' -> "%2F")
// so that no name can reach into another's range.
//
// Example:
//   run_slot_key("r/YM55/12/", 0x1f) == "r/YM55/12/0000001f"
//   job_runs_prefix("YM55", "12")    == "r/YM55/12/"
//   prefix_end("r/YM55/12/")         == "r/YM55/120"   // first key past the range
//   node_key("YM55", "worker_1")     == "n/YM55/worker_1"
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mainspring {

inline constexpr std::string_view k_schema_key = "m/schema";
// "m/<name>": the store's own small values (schema version, last-alive heartbeat).
std::string meta_key(std::string_view name);
inline constexpr std::string_view k_group_prefix = "g/";
inline constexpr std::string_view k_job_prefix = "j/";
inline constexpr std::string_view k_run_prefix = "r/";
inline constexpr std::string_view k_func_prefix = "f/";
inline constexpr std::string_view k_audit_prefix = "a/";
inline constexpr std::string_view k_node_prefix = "n/";
inline constexpr std::string_view k_api_key_prefix = "k/";
inline constexpr std::string_view k_waiting_prefix = "q/";
// x/<group>/<job>: a deleted job whose run history is still kept (records.h: deleted_job_record).
inline constexpr std::string_view k_deleted_job_prefix = "x/";
// i/<group>/<job>/<run id>: a run in flight here (a marker: deleted when the run is recorded), so
// that a start after a kill -9 or a crash records the runs it cut short (job_runs.h).
inline constexpr std::string_view k_in_flight_prefix = "i/";

// '%' -> "%25", '/' -> "%2F"; every other byte is kept.
std::string escape_key_part(std::string_view part);

// The inverse of escape_key_part ("%25" -> '%', "%2F" -> '/'); false when `part` is not one of
// its results (a '/', or a '%' not starting "%25" or "%2F").
bool unescape_key_part(std::string_view part, std::string* out);

// 16 lower-case hex digits, most significant first; and back (false unless exactly that shape).
std::string hex16(uint64_t v);
bool parse_hex16(std::string_view text, uint64_t* out);

std::string group_key(std::string_view group);                         // g/<group>
std::string job_key(std::string_view group, std::string_view job_id);  // j/<group>/<job>
std::string group_jobs_prefix(std::string_view group);                 // j/<group>/
// The key of slot `slot` in the ring of a job's runs prefix; append_run_slot appends the 8 digits.
std::string run_slot_key(std::string_view runs_prefix, uint32_t slot);
void append_run_slot(std::string& key, uint32_t slot);
std::string job_runs_prefix(std::string_view group, std::string_view job_id);  // r/<g>/<j>/
std::string group_runs_prefix(std::string_view group);                         // r/<g>/
std::string func_key(std::string_view group, std::string_view name);           // f/<g>/<name>
std::string group_funcs_prefix(std::string_view group);                        // f/<g>/
std::string audit_time_prefix(int64_t time_ms);    // a/<time 16 hex>/ ; negative -> 0
std::string node_key(std::string_view group, std::string_view node_id);  // n/<g>/<node>
std::string group_nodes_prefix(std::string_view group);                  // n/<g>/
std::string api_key_key(std::string_view key_id);                        // k/<key_id>
// q/<g>/<j>/<id 16 hex>: a run waiting in its job's queue (records.h: waiting_record).
std::string waiting_key(std::string_view group, std::string_view job_id, uint64_t id);
std::string job_waiting_prefix(std::string_view group, std::string_view job_id);  // q/<g>/<j>/
std::string group_waiting_prefix(std::string_view group);                         // q/<g>/
// i/<g>/<j>/<run id 16 hex>: a run in flight here (its value a run value, storage/run_value.h).
std::string in_flight_key(std::string_view group, std::string_view job_id, uint64_t run_id);
std::string group_in_flight_prefix(std::string_view group);                        // i/<g>/
// The group, job id (unescaped) and run id of an in_flight_key; false for any other shape.
bool split_in_flight_key(std::string_view key, std::string* group, std::string* job_id, uint64_t* run_id);
std::string deleted_job_key(std::string_view group, std::string_view job_id);      // x/<g>/<j>
std::string group_deleted_jobs_prefix(std::string_view group);                     // x/<g>/

// The first key after every key that starts with `prefix`.
// REQUIRES: prefix is non-empty and its last byte is not 0xff (all ours end in '/').
std::string prefix_end(std::string_view prefix);

// The job key of a job's runs prefix ("r/<g>/<j>/" -> "j/<g>/<j>"): whether its job still exists.
// REQUIRES: `runs_prefix` is shaped like job_runs_prefix()'s result.
std::string job_key_of_runs_prefix(std::string_view runs_prefix);
// The deleted job's key of a job's runs prefix ("r/<g>/<j>/" -> "x/<g>/<j>"): whether a deleted
// job's history is kept. REQUIRES: as job_key_of_runs_prefix.
std::string deleted_job_key_of_runs_prefix(std::string_view runs_prefix);

// For a run key, the job's runs prefix (everything up to the last '/') and the slot.
// False when `key` is not shaped like a run key.
bool split_run_key(std::string_view key, std::string_view* job_prefix, uint32_t* slot);
// The same for a run kept under its id ("r/<g>/<j>/<run id, 16 hex digits>"): schema 1's layout,
// and schema 2's for the runs a job finishes before the store knows its place in its ring (the
// first seconds after open, state_store_impl.h). False for a slot key.
bool split_legacy_run_key(std::string_view key, std::string_view* job_prefix, uint64_t* run_id);
// The job's runs prefix of either kind of run key; false for anything else.
bool split_any_run_key(std::string_view key, std::string_view* job_prefix);

// The group and job id (unescaped) of a job's runs prefix ("r/<g>/<j>/"): a run value of
// format 3 does not hold them (storage/run_value.h). False when `runs_prefix` is not that shape.
bool run_owner_of_runs_prefix(std::string_view runs_prefix, std::string* group, std::string* job_id);

// The sequence number at the end of an audit key; false when `key` is not one.
bool audit_seq_of(std::string_view key, uint64_t* seq);

}  // namespace mainspring
