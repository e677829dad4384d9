// log_runway: LevelDB's write-ahead log written over zeros laid down ahead of it, so that a synced
// write costs one data flush instead of a data flush plus an ext4 journal commit.
//
// LevelDB appends its log (NNNNNN.log) and, for a durable write, fdatasync()s it. Each append grows
// the file, and a file whose size changed makes fdatasync commit the file system's journal too
// (on ext4 a second round trip to the disk, through the jbd2 thread). On the 2-core test VM that
// doubled a sync: 250 us and ~190 us of CPU over all threads for an append, 125 us and ~95 us for
// an overwrite of blocks already written (a C loop of 16 KB writes, each synced). A durable
// create's group commit syncs once per round, ~1,400 times a second at 64 clients (issue 17).
//
// So log files are written by log_runway_file: before a sync it makes sure at least half of
// k_log_runway_bytes of zeros lie written beyond the end of the log (an extension is one pwrite,
// flushed by that sync, the only syncs that still commit the journal), writes records over them
// with pwrite, and cuts the zeros off when the file is closed. A log that is never synced (run
// history alone) gets no runway and grows as LevelDB's own file would.
//
// The zeros change what a crash leaves. LevelDB reads a log with its length cut inside the last
// record (kill -9 during a write) as the end of the log, and reports anything else it cannot read
// as corruption (the store opens with paranoid_checks). After a crash a runway log ends in
// zeros, possibly after a torn record, and after a power loss its unsynced pages may be any mix
// of old zeros and new data. trim_log_tails() therefore cuts every log in a store back to the
// end of its last whole record when what follows is unwritten space (a zero header, or a record
// whose unreadable part ends in zeros); the store calls it, holding LevelDB's lock, before
// every open. What is cut was never synced: a sync covers everything written before it, and
// everything before an unwritten page was written before it. A log damaged any other way is
// left as it is, for LevelDB to report.
//
// Example:
//   log_runway_env env(background_env());
//   leveldb::Options o;  o.env = &env;   // logs over zeros; every other file as `base` writes it
//   if (auto st = trim_log_tails(dir); !st.ok()) ...;   // before leveldb::DB::Open(o, dir, ...)
#pragma once

#include <leveldb/env.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace mainspring {

// Zeros kept written ahead of a log's end. An extension's sync writes them and commits the
// journal (the file grew): on the test VM 256 KiB made that sync ~1.7 ms at worst, 1 MiB ~9 ms.
inline constexpr uint64_t k_log_runway_bytes = 256 * 1024;

// A LevelDB Env that writes log files (NNNNNN.log) as runway files and passes every other call
// to `base`. Thread-safe as `base` is. `base` must outlive it.
class log_runway_env : public leveldb::EnvWrapper {
 public:
  explicit log_runway_env(leveldb::Env* base) : leveldb::EnvWrapper(base) {}

  leveldb::Status NewWritableFile(const std::string& name, leveldb::WritableFile** out) override;
};

// True when `name` (a path or a file name) names a LevelDB log file: digits, then ".log".
bool is_leveldb_log_name(const std::string& name);

// Cuts the unwritten tail (see above) off every LevelDB log file in `dir`. Hold the store's LOCK
// (no LevelDB may have `dir` open). A log without such a tail is not touched.
status trim_log_tails(const std::string& dir);

// What trim_log_tails() does to one log file: the length it cut it to, or its length when it
// left it alone.
status_or<uint64_t> trim_log_tail(const std::string& path);

// The length trim_log_tail() keeps of a log whose bytes are `log`: the end of its last whole
// record when what follows was never written, else all of it. Cutting there leaves nothing more
// to cut: log_length_to_keep(log.substr(0, n)) == n for the n it answers.
uint64_t log_length_to_keep(std::string_view log);

}  // namespace mainspring
