// process_ledger: a small file of the process groups a shell runner has alive, so that the next
// runner to open it (the server started again after a kill -9 or a crash) ends the ones left.
//
// A shell run is its own process group, led by its shell (shell_spawn.h: pgid == the shell's
// pid). The runner kills the group when the run ends, when it is stopped and in its destructor;
// a process that dies without running any of that (SIGKILL, a crash) kills nothing, and its
// groups run on, next to the runs the restarted server fires again. The ledger remembers them:
// a fixed array of slots, one per process the runner may have alive, each a fixed 32-byte record
// {leader pid, its start time in clock ticks since boot (/proc/<pid>/stat field 22), a hash of
// the boot id, the run id}. A spawn fills a free slot with one pwrite, a reap clears it with
// one; the free slots are a stack, so both are O(1). Nothing is synced: a power loss or a reboot
// ends the processes as well, and after a process death the page cache still holds the writes.
//
// open() first reads what an earlier ledger left: every filled slot of this boot whose leader
// is still the same process (its pid alive with the same start time: a pid reused by another
// process since is never touched) has its group killed with SIGKILL, then the file starts
// afresh. SIGKILL rather than SIGTERM and a grace: the run is lost already (its output pipe's
// reader died with the server, so it could neither report nor print), the new server may fire
// its job again, and start-up must not wait on it; a script that needs cleaning up after a
// crash must bear SIGKILL anyway. A group whose leader (the shell) has exited since lives on in
// what the run left (`sleep 300 &`): it is killed when one of its processes, started no earlier
// than the leader, carries the run's id in its environment (MAINSPRING_RUN_ID, which every run
// gets): that tells it from a later group that took the same number. Known limits: a run's
// process that left its group (setsid, as a daemon does) is not the run's group's and is left
// alone, as the runner leaves it when a run ends; so is a leaderless group none of whose
// processes still has the id in the environment it started with; a process killed between a
// spawn and its add() leaves that group unrecorded; a ledger opened in another pid namespace (the server moved to a new container)
// does not see the old pids, and leaves them alone.
//
// The file is guarded by flock(LOCK_EX): a second ledger on the same path, in this process or
// another, is refused while the first is open, so a live runner's groups are never taken for
// leftovers. The lock goes with the process, SIGKILL included. A copy of the file is another file
// that no lock guards (a data dir copied, or restored from a backup, while its server runs): so the
// header names the process that keeps the ledger (pid and start time), and a file whose owner
// still runs has its groups left alone, as that process's live runs. Records are in the machine's
// byte order (the file is only meaningful on the machine, and in the boot, that wrote it).
//
// Example:
//   process_ledger::leftovers found;
//   auto ledger = process_ledger::open(data_dir + "/shell-processes", 256, &found);
//   if (!ledger.ok()) warn(ledger.status().message());     // run without one
//   // found.ended groups an earlier process left were killed
//   std::optional<process_ledger::slot> s = (*ledger)->add(shell.pid, run_id);  // spawned
//   ...
//   if (s) (*ledger)->remove(*s);                          // its group killed and reaped
//
// Not thread-safe: one thread (the shell runner's) uses a ledger.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace mainspring {

// More slots than this are not kept (32 MiB of file): the runs beyond them go unrecorded.
inline constexpr std::size_t k_max_ledger_slots = std::size_t{1} << 20;

class process_ledger {
 public:
  using slot = uint32_t;

  // What open() found in the file an earlier ledger left.
  struct leftovers {
    std::size_t ended = 0;       // groups killed: their leader was still the same process, or
                                 // (leaderless) a process of theirs carried the run's id
    std::size_t leaderless = 0;  // ... of them, groups whose leader had exited
    std::size_t refused = 0;     // ... that this process may not signal (another user's): left
    std::size_t gone = 0;        // groups that ended (leader exited, no process of the run left)
    std::size_t other_boot = 0;  // records of an earlier boot (their processes died with it)
    std::size_t invalid = 0;     // filled slots that failed their check (damage, a cut file)
    // Groups of a file whose owner still runs: a copy of a live ledger (a data dir copied while
    // its server ran); they are that process's runs, left alone.
    std::size_t owner_alive = 0;
  };

  // -- constructors --

  // Opens the ledger at `path` (created 0600 if missing) with `slots` slots (at least 1, at most
  // k_max_ledger_slots), ends the groups an earlier ledger left there (above) and counts them in
  // *found when given. A file of another slot count, cut short or holding garbage is read for
  // what validates, never trusted beyond. Fails (and kills nothing) when the file cannot be
  // opened, read or written, when another open ledger holds it, or when the boot id cannot be
  // read; the caller then runs without a ledger. `proc_root` is where procfs is (tests).
  static status_or<std::unique_ptr<process_ledger>> open(const std::string& path, std::size_t slots,
                                                          leftovers* found = nullptr,
                                                          const std::string& proc_root = "/proc");

  // Closes the file and leaves the slots as they are: what a crash would leave.
  ~process_ledger();
  process_ledger(const process_ledger&) = delete;
  process_ledger& operator=(const process_ledger&) = delete;

  // -- operations --

  // Records `leader`, just spawned as its own group's leader and not yet reaped, for run
  // `run_id`. nullopt when every slot is taken, the leader's start time cannot be read or the
  // write fails: the run then goes unrecorded.
  std::optional<slot> add(pid_t leader, uint64_t run_id);
  // Clears slot `s` (an add()'s, not removed since). Call it once the group is killed and its
  // leader reaped: until then a crash leaves it recorded, and the pid is not yet free for reuse.
  void remove(slot s);

  // -- observers --
  std::size_t capacity() const { return in_use_.size(); }
  std::size_t used() const { return in_use_.size() - free_.size(); }
  const std::string& path() const { return path_; }

 private:
  process_ledger(std::string path, int fd, std::size_t slots, uint64_t boot, std::string proc_root);

  // -- member variables --
  const std::string path_;
  const int fd_;
  const uint64_t boot_;  // this boot's id, hashed
  const std::string proc_root_;
  std::vector<slot> free_;        // free slots, a stack: the next add() takes the last
  std::vector<uint8_t> in_use_;   // one per slot: 1 between its add() and its remove()
};

}  // namespace mainspring
