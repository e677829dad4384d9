#include "executors/process_ledger.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <string_view>
#include <type_traits>
#include <unordered_map>

#include "executors/process_usage.h"
#include "executors/shell_spawn.h"  // k_run_id_env

namespace mainspring {
namespace {

// The file: a header, then one record per slot. The header 64 bytes and a record 32, so that no
// record straddles a page and a pwrite of one lands whole in the page cache.
struct ledger_header {
  char magic[8];
  uint32_t version;
  uint32_t record_bytes;
  uint64_t slots;
  // The process that keeps the ledger: a file whose owner still runs is a copy of a live ledger
  // (a data dir copied while its server ran), whose groups are that process's live runs.
  uint64_t owner_start_ticks;  // 0 = unknown
  uint64_t owner_boot;
  int32_t owner_pid;
  uint32_t reserved[4];
  uint32_t check;  // of the bytes before it
};

// Version 1's header (no owner), still read so that a start after an upgrade ends what the
// earlier build left.
struct ledger_header_v1 {
  char magic[8];
  uint32_t version;
  uint32_t record_bytes;
  uint64_t slots;
  uint32_t reserved;
  uint32_t check;
};

// A free slot is all zeros; a filled one has a pid and its check.
struct ledger_record {
  uint32_t check;  // of the bytes after it
  int32_t pid;     // the group's leader, and so its process group id
  uint64_t start_ticks;
  uint64_t boot;
  uint64_t run_id;
};

static_assert(sizeof(ledger_header) == 64 && std::is_trivially_copyable_v<ledger_header>);
static_assert(sizeof(ledger_header_v1) == 32 && std::is_trivially_copyable_v<ledger_header_v1>);
static_assert(sizeof(ledger_record) == 32 && std::is_trivially_copyable_v<ledger_record>);

constexpr char k_magic[8] = {'M', 'S', 'L', 'E', 'D', 'G', 'E', 'R'};
constexpr uint32_t k_version = 2;
constexpr off_t k_header_bytes = sizeof(ledger_header);
constexpr off_t k_record_bytes = sizeof(ledger_record);
// Records read per pread when an earlier file is read back.
constexpr std::size_t k_records_per_read = 256;
// How much of a process's environment is searched for its run id. The runner puts the run id
// first (shell_spawn.cc); a program that rebuilt its environment (bash, `env X=1 cmd`) may move
// it, but not this far in a sane environment.
constexpr std::size_t k_max_environment_bytes = std::size_t{1} << 20;

uint64_t fnv1a64(const void* data, std::size_t n) {
  uint64_t h = 14695981039346656037ull;
  for (std::size_t i = 0; i < n; ++i) h = (h ^ static_cast<const unsigned char*>(data)[i]) * 1099511628211ull;
  return h;
}

// Not a defence against anyone, a check against damage: a cut or garbage record fails it.
uint32_t fnv1a32(const void* data, std::size_t n) {
  uint32_t h = 2166136261u;
  for (std::size_t i = 0; i < n; ++i) h = (h ^ static_cast<const unsigned char*>(data)[i]) * 16777619u;
  return h;
}

template <class Header>
uint32_t header_check(const Header& h) {
  return fnv1a32(&h, offsetof(Header, check));
}
uint32_t record_check(const ledger_record& r) {
  return fnv1a32(reinterpret_cast<const char*>(&r) + sizeof r.check, sizeof r - sizeof r.check);
}

off_t offset_of(std::size_t slot) { return k_header_bytes + static_cast<off_t>(slot) * k_record_bytes; }

std::string failure(const std::string& path, const char* what, int err) {
  return "process ledger " + path + ": " + what + ": " + std::strerror(err);
}

bool write_at(int fd, const void* data, std::size_t n, off_t at) {
  for (std::size_t done = 0; done < n;) {
    ssize_t w = ::pwrite(fd, static_cast<const char*>(data) + done, n - done, at + static_cast<off_t>(done));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    done += static_cast<std::size_t>(w);
  }
  return true;
}

// Bytes read (fewer at the end of the file), or -1.
ssize_t read_at(int fd, void* data, std::size_t n, off_t at) {
  std::size_t done = 0;
  while (done < n) {
    ssize_t r = ::pread(fd, static_cast<char*>(data) + done, n - done, at + static_cast<off_t>(done));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return -1;
    if (r == 0) break;
    done += static_cast<std::size_t>(r);
  }
  return static_cast<ssize_t>(done);
}

// This boot's id, hashed: a record of another boot names processes that died with it.
status_or<uint64_t> boot_hash(const std::string& proc_root) {
  const std::string path = proc_root + "/sys/kernel/random/boot_id";
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return status::failed_precondition("process ledger: cannot read the boot id " + path + ": " + std::strerror(errno));
  char text[64];
  ssize_t n = read_at(fd, text, sizeof text, 0);
  ::close(fd);
  std::string_view id(text, n > 0 ? static_cast<std::size_t>(n) : 0);
  while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) id.remove_suffix(1);
  if (id.empty()) return status::failed_precondition("process ledger: the boot id " + path + " is empty");
  return fnv1a64(id.data(), id.size());
}

// Whether record `r` is a filled slot that passes its checks; counts it in `found` when it is not.
bool filled(const ledger_record& r, process_ledger::leftovers& found) {
  static constexpr ledger_record k_free{};
  if (std::memcmp(&r, &k_free, sizeof r) == 0) return false;
  if (r.check != record_check(r) || r.pid <= 1) {
    ++found.invalid;
    return false;
  }
  return true;
}

// One record an earlier ledger left: its group is killed when its leader is still the process
// that was recorded. Returns true when the leader has exited (or its pid is another process's
// now): end_leaderless_groups() then looks for the group's remaining processes.
bool end_leftover(const ledger_record& r, uint64_t boot, const std::string& proc_root,
                  process_ledger::leftovers& found) {
  if (!filled(r, found)) return false;
  if (r.boot != boot) {
    ++found.other_boot;
    return false;
  }
  // Never this very process, whatever a record says.
  if (r.pid == ::getpid()) {
    ++found.gone;
    return false;
  }
  std::optional<process_stat> now = read_process_stat(r.pid, proc_root);
  if (!now || now->start_ticks != r.start_ticks) return true;
  // The pid is still the recorded leader's, so its group id is still its group's. The leader too,
  // in case its command moved it into a group of its own.
  const bool group_killed = ::kill(-r.pid, SIGKILL) == 0;
  const bool leader_killed = ::kill(r.pid, SIGKILL) == 0;
  if (group_killed || leader_killed) ++found.ended;
  else if (errno == EPERM) ++found.refused;
  else ++found.gone;  // it exited since it was read
  return false;
}

// Whether process `pid`'s environment (as it was started) holds the entry `entry` exactly.
bool environment_has(pid_t pid, std::string_view entry, const std::string& proc_root) {
  const std::string path = proc_root + "/" + std::to_string(pid) + "/environ";
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;  // gone, or another user's
  std::string text;
  char chunk[16384];
  for (;;) {
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(chunk, static_cast<std::size_t>(n));
    if (text.size() >= k_max_environment_bytes) break;
  }
  ::close(fd);
  // Entries are NUL-terminated: the entry must start the text or follow a NUL, and end at one.
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t end = std::min(text.find('\0', at), text.size());
    if (std::string_view(text).substr(at, end - at) == entry) return true;
    at = end + 1;
  }
  return false;
}

// The records whose leader had exited (end_leftover said so). A group outlives its leader while
// other processes are in it: what the run left behind (`sleep 300 &`), which the runner kills
// when a run ends and a crash left running. Such a group is the run's when a process in it (its
// pgrp is the leader's pid, a number the kernel does not give another process while a group
// holds it), not yet ended, started no earlier than the leader, carries the run's id in the
// environment the run gave it (k_run_id_env); then the whole group is killed. A later group that
// took the number after the run's had ended is not the run's: its processes do not carry the id
// (no run of this ledger's runner has started yet). One pass over procfs for all of them.
void end_leaderless_groups(const std::vector<ledger_record>& leaderless, const std::string& proc_root,
                           process_ledger::leftovers& found) {
  if (leaderless.empty()) return;
  std::unordered_map<pid_t, const ledger_record*> by_group;
  for (const ledger_record& r : leaderless) by_group.emplace(r.pid, &r);
  std::unordered_map<pid_t, bool> killed;  // group -> whether the kill was allowed
  for_each_process(proc_root, [&](pid_t pid, const process_stat& st) {
    auto it = by_group.find(st.pgrp);
    if (it == by_group.end() || killed.count(st.pgrp) || pid == ::getpid() || process_ended(st) ||
        st.start_ticks < it->second->start_ticks)
      return;
    const std::string entry = std::string(k_run_id_env) + "=" + std::to_string(it->second->run_id);
    if (!environment_has(pid, entry, proc_root)) return;
    if (::kill(-st.pgrp, SIGKILL) == 0) killed[st.pgrp] = true;
    else if (errno == EPERM) killed[st.pgrp] = false;  // else it ended meanwhile: gone
  });
  for (const ledger_record& r : leaderless) {
    auto it = killed.find(r.pid);
    if (it == killed.end()) ++found.gone;
    else if (it->second) ++found.ended, ++found.leaderless;
    else ++found.refused;
  }
}

// Whether the process that wrote header `h` still runs (and is not this one): then the file is a
// copy of its live ledger (the flock keeps a second opener off the ledger itself), and its
// groups are its live runs, not leftovers.
bool owner_alive(const ledger_header& h, uint64_t boot, const std::string& proc_root) {
  if (h.owner_pid <= 1 || h.owner_pid == ::getpid() || h.owner_start_ticks == 0 || h.owner_boot != boot)
    return false;
  // A zombie has ended: a server killed outright stays one until its parent reaps it, and its
  // restart may well come first (a supervisor, a test, that waits later).
  std::optional<process_stat> now = read_process_stat(h.owner_pid, proc_root);
  return now && now->start_ticks == h.owner_start_ticks && !process_ended(*now);
}

// Reads the file an earlier ledger left (whatever its slot count or version) and ends its
// leftovers. A header that fails its checks makes the whole file garbage; records past the end
// are not there.
status end_leftovers(int fd, const std::string& path, uint64_t boot, const std::string& proc_root,
                     process_ledger::leftovers& found) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return status::unavailable(failure(path, "fstat", errno));
  ledger_header h{};
  static_assert(sizeof(ledger_header_v1) <= sizeof(ledger_header));
  if (st.st_size < static_cast<off_t>(sizeof(ledger_header_v1))) return {};
  const ssize_t got = read_at(fd, &h, sizeof h, 0);
  if (got < static_cast<ssize_t>(sizeof(ledger_header_v1))) return status::unavailable(failure(path, "read", errno));
  if (std::memcmp(h.magic, k_magic, sizeof k_magic) != 0 || h.record_bytes != k_record_bytes) return {};
  off_t header_bytes = 0;
  bool live_owner = false;
  if (h.version == 1) {
    ledger_header_v1 v1{};
    std::memcpy(&v1, &h, sizeof v1);
    if (v1.check != header_check(v1)) return {};
    header_bytes = sizeof v1;
  } else if (h.version == k_version && got == static_cast<ssize_t>(sizeof h) && h.check == header_check(h)) {
    header_bytes = sizeof h;
    live_owner = owner_alive(h, boot, proc_root);
  } else {
    return {};
  }
  const uint64_t in_file = static_cast<uint64_t>((st.st_size - header_bytes) / k_record_bytes);
  const uint64_t records = std::min(h.slots, in_file);
  std::vector<ledger_record> batch(k_records_per_read);
  std::vector<ledger_record> leaderless;
  for (uint64_t first = 0; first < records; first += k_records_per_read) {
    const std::size_t want = static_cast<std::size_t>(std::min<uint64_t>(k_records_per_read, records - first));
    ssize_t n = read_at(fd, batch.data(), want * sizeof(ledger_record),
                        header_bytes + static_cast<off_t>(first) * k_record_bytes);
    if (n < 0) return status::unavailable(failure(path, "read", errno));
    for (std::size_t i = 0; i < static_cast<std::size_t>(n) / sizeof(ledger_record); ++i) {
      if (live_owner) {
        if (filled(batch[i], found)) ++found.owner_alive;
      } else if (end_leftover(batch[i], boot, proc_root, found)) {
        leaderless.push_back(batch[i]);
      }
    }
  }
  end_leaderless_groups(leaderless, proc_root, found);
  return {};
}

// Empties the file to a header naming this process as its owner and `slots` free records. The
// space is reserved up front where the file system can, so that filling a slot later never needs
// a new block.
status start_afresh(int fd, const std::string& path, std::size_t slots, uint64_t boot, const std::string& proc_root) {
  const off_t size = offset_of(slots);
  if (::ftruncate(fd, 0) != 0 || ::ftruncate(fd, size) != 0) return status::unavailable(failure(path, "ftruncate", errno));
  (void)::posix_fallocate(fd, 0, size);  // best effort: a file system without it writes into holes
  ledger_header h{};
  std::memcpy(h.magic, k_magic, sizeof k_magic);
  h.version = k_version;
  h.record_bytes = k_record_bytes;
  h.slots = slots;
  h.owner_pid = ::getpid();
  // Unknown (0) when procfs does not say: a copy of this file is then read as a leftover's.
  if (std::optional<process_stat> self = read_process_stat(::getpid(), proc_root)) h.owner_start_ticks = self->start_ticks;
  h.owner_boot = boot;
  h.check = header_check(h);
  if (!write_at(fd, &h, sizeof h, 0)) return status::unavailable(failure(path, "write", errno));
  return {};
}

}  // namespace

status_or<std::unique_ptr<process_ledger>> process_ledger::open(const std::string& path, std::size_t slots,
                                                                leftovers* found, const std::string& proc_root) {
  slots = std::clamp<std::size_t>(slots, 1, k_max_ledger_slots);
  status_or<uint64_t> boot = boot_hash(proc_root);
  if (!boot.ok()) return boot.status();
  // O_NOFOLLOW: the file is truncated below, so a symlink planted in its place must not lead there.
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return status::unavailable(failure(path, "open", errno));
  auto fail = [fd](status st) {
    ::close(fd);
    return st;
  };
  struct stat st {};
  if (::fstat(fd, &st) != 0) return fail(status::unavailable(failure(path, "fstat", errno)));
  if (!S_ISREG(st.st_mode)) return fail(status::failed_precondition("process ledger " + path + ": not a regular file"));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK)
      return fail(status::failed_precondition("process ledger " + path +
                                              ": in use by another running shell runner (another server on "
                                              "the same data dir?); its process groups are left alone"));
    return fail(status::unavailable(failure(path, "flock", errno)));
  }
  leftovers seen;
  if (status s = end_leftovers(fd, path, *boot, proc_root, seen); !s.ok()) return fail(s);
  if (found) *found = seen;
  if (status s = start_afresh(fd, path, slots, *boot, proc_root); !s.ok()) return fail(s);
  return std::unique_ptr<process_ledger>(new process_ledger(path, fd, slots, *boot, proc_root));
}

process_ledger::process_ledger(std::string path, int fd, std::size_t slots, uint64_t boot, std::string proc_root)
    : path_(std::move(path)), fd_(fd), boot_(boot), proc_root_(std::move(proc_root)), in_use_(slots, 0) {
  free_.reserve(slots);
  for (std::size_t s = slots; s-- > 0;) free_.push_back(static_cast<slot>(s));  // slot 0 first
}

process_ledger::~process_ledger() { ::close(fd_); }

std::optional<process_ledger::slot> process_ledger::add(pid_t leader, uint64_t run_id) {
  if (free_.empty() || leader <= 1) return std::nullopt;
  std::optional<process_stat> st = read_process_stat(leader, proc_root_);
  if (!st) return std::nullopt;
  ledger_record r{};
  r.pid = leader;
  r.start_ticks = st->start_ticks;
  r.boot = boot_;
  r.run_id = run_id;
  r.check = record_check(r);
  const slot s = free_.back();
  if (!write_at(fd_, &r, sizeof r, offset_of(s))) return std::nullopt;
  free_.pop_back();
  in_use_[s] = 1;
  return s;
}

void process_ledger::remove(slot s) {
  if (s >= in_use_.size() || !in_use_[s]) return;
  static constexpr ledger_record k_free{};
  // A failed write leaves a record of a reaped leader, which the next open finds gone.
  (void)write_at(fd_, &k_free, sizeof k_free, offset_of(s));
  in_use_[s] = 0;
  free_.push_back(s);
}

}  // namespace mainspring
