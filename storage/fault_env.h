// fault_env: a LevelDB Env for tests that fails writes or syncs on demand and simulates a power
// loss, in the manner of LevelDB's own fault-injection test.
//
// It wraps a real Env (the default one) and tracks, for every file written through it, how many
// bytes were appended and how many of those a successful Sync made durable. power_loss() then
// does to the directory what losing power would: every file is cut back to its synced length, and
// files created since the last directory sync (LevelDB syncs the directory when it syncs a
// MANIFEST) disappear. A failed Sync loses the bytes it should have made durable once the file is
// closed (as Linux drops the dirty pages after an fsync error), so a write answered with an error
// is not found after a reopen.
//
// Example:
//   fault_env env;                                   // over leveldb::Env::Default()
//   store_options o;  o.env = &env;
//   auto store = state_store::open(dir, o).value();
//   env.fail_syncs(true);   // commits now answer unavailable
//   env.fail_syncs(false);  // and succeed again (the store reopens its DB)
//   store.reset();          // close...
//   env.power_loss();       // ...and lose everything not synced
//   uint64_t n = env.syncs();
#pragma once

#include <leveldb/env.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>

namespace mainspring {

class fault_env : public leveldb::EnvWrapper {
 public:
  // -- constructors --
  explicit fault_env(leveldb::Env* base = leveldb::Env::Default());

  // -- faults (thread-safe; take effect on the next call) --

  // Appends and flushes answer an IO error ("injected write failure") and write nothing.
  void fail_writes(bool on) { fail_writes_ = on; }
  // Syncs answer an IO error; what they should have made durable is lost when the file closes.
  void fail_syncs(bool on) { fail_syncs_ = on; }

  // Cuts every tracked file back to its synced length and removes the files created since the
  // last directory sync. REQUIRES: no DB is open on this Env (close the store first).
  void power_loss();

  // -- counts --

  // Successful syncs of any file.
  uint64_t syncs() const { return syncs_.load(); }
  // Bytes appended to files and not yet covered by a successful sync, over every open file.
  uint64_t unsynced_bytes() const;

  // -- leveldb::Env --
  leveldb::Status NewWritableFile(const std::string& name, leveldb::WritableFile** out) override;
  leveldb::Status NewAppendableFile(const std::string& name, leveldb::WritableFile** out) override;
  leveldb::Status RemoveFile(const std::string& name) override;
  leveldb::Status RenameFile(const std::string& from, const std::string& to) override;

 private:
  friend class fault_file;

  struct file_state {
    uint64_t size = 0;    // bytes in the file as written
    uint64_t synced = 0;  // bytes a successful sync made durable
    bool lose_unsynced_on_close = false;
  };

  // -- called by fault_file --
  leveldb::Status on_append(const std::string& name, std::size_t bytes);
  leveldb::Status on_sync(const std::string& name, bool ok);
  void on_close(const std::string& name);
  void sync_dir_of(const std::string& name);

  // -- member variables --
  std::atomic<bool> fail_writes_{false};
  std::atomic<bool> fail_syncs_{false};
  std::atomic<uint64_t> syncs_{0};
  mutable std::mutex mu_;
  std::map<std::string, file_state> files_;  // by path
  std::set<std::string> created_since_dir_sync_;
};

}  // namespace mainspring
