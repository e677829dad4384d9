// process_ledger: slots filled and cleared, and what a reopened ledger does with what an earlier
// one left: a live group whose leader is the recorded process is killed, children included; a
// cleared slot, a pid whose start time differs, another boot's record and damaged or cut files
// are left alone.
#include "executors/process_ledger.h"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>

#include "tests/support/temp_dir.h"

using namespace mainspring;
using namespace std::chrono_literals;

namespace {

struct temp_dir : testing::temp_dir {
  temp_dir() : testing::temp_dir("ms_process_ledger_test") {}
  std::string file(const std::string& name) const { return root + "/" + name; }
};

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Gone or a zombie (a killed child of ours stays one until the group's destructor reaps it).
bool process_gone(pid_t pid) {
  std::string line = read_text("/proc/" + std::to_string(pid) + "/stat");
  auto paren = line.rfind(')');
  return paren == std::string::npos || paren + 2 >= line.size() || line[paren + 2] == 'Z';
}

bool eventually_gone(pid_t pid) {
  for (auto until = std::chrono::steady_clock::now() + 10s; std::chrono::steady_clock::now() < until;
       std::this_thread::sleep_for(10ms))
    if (process_gone(pid)) return true;
  return false;
}

// `sleep 300` leading a process group of its own, as a shell run's shell does, with a second
// `sleep 300` in the group as its child. Killed and reaped when the test ends, whatever happened.
struct sleeping_group {
  pid_t leader = -1;
  pid_t child = -1;

  explicit sleeping_group(const temp_dir& dir) {
    const std::string child_file = dir.file("child-" + std::to_string(++made_));
    leader = ::fork();
    REQUIRE(leader >= 0);
    if (leader == 0) {
      ::setpgid(0, 0);
      const std::string script = "sleep 300 & echo $! > " + child_file + "; exec sleep 300";
      ::execl("/bin/sh", "sh", "-c", script.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::setpgid(leader, leader);  // as well: whichever runs first, the group exists from here on
    for (auto until = std::chrono::steady_clock::now() + 20s; child <= 0 && std::chrono::steady_clock::now() < until;
         std::this_thread::sleep_for(10ms)) {
      std::istringstream in(read_text(child_file));
      in >> child;
    }
    REQUIRE(child > 0);
  }
  ~sleeping_group() {
    ::kill(-leader, SIGKILL);
    ::waitpid(leader, nullptr, 0);
  }
  sleeping_group(const sleeping_group&) = delete;
  sleeping_group& operator=(const sleeping_group&) = delete;

  bool alive() const { return !process_gone(leader) && !process_gone(child); }

  static inline int made_ = 0;
};

std::unique_ptr<process_ledger> open_ledger(const std::string& path, std::size_t slots,
                                            process_ledger::leftovers* found = nullptr,
                                            const std::string& proc_root = "/proc") {
  auto ledger = process_ledger::open(path, slots, found, proc_root);
  INFO(ledger.status().message());
  REQUIRE(ledger.ok());
  return std::move(ledger).value();
}

// A procfs of our own making: a boot id, and one stat line per process the test describes.
struct fake_proc {
  std::string root;
  explicit fake_proc(const temp_dir& dir) : root(dir.file("proc")) {
    std::filesystem::create_directories(root + "/sys/kernel/random");
    set_boot("1c0ffee0-0000-4000-8000-000000000001");
  }
  void set_boot(const std::string& id) const { std::ofstream(root + "/sys/kernel/random/boot_id") << id << "\n"; }
  void set_start(pid_t pid, uint64_t start_ticks) const {
    const std::string p = std::to_string(pid);
    std::filesystem::create_directories(root + "/" + p);
    std::ofstream(root + "/" + p + "/stat")
        << p << " (sleep) S 1 " << p << " " << p << " 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 " << start_ticks << " 0 0\n";
  }
};

void rewrite_at(const std::string& path, off_t at, const std::string& bytes) {
  int fd = ::open(path.c_str(), O_WRONLY);
  REQUIRE(fd >= 0);
  REQUIRE(::pwrite(fd, bytes.data(), bytes.size(), at) == static_cast<ssize_t>(bytes.size()));
  ::close(fd);
}

}  // namespace

TEST_CASE("a reopened ledger kills the live group of a filled slot, its children included") {
  temp_dir dir;
  const std::string path = dir.file("shell-processes");
  sleeping_group group(dir);
  process_ledger::leftovers first;
  auto ledger = open_ledger(path, 4, &first);
  CHECK(first.ended + first.gone + first.other_boot + first.invalid == 0);  // a new file
  CHECK(ledger->capacity() == 4);
  REQUIRE(ledger->add(group.leader, 7));
  CHECK(ledger->used() == 1);
  ledger.reset();  // closed without clearing: what a kill -9 leaves
  REQUIRE(group.alive());

  process_ledger::leftovers found;
  ledger = open_ledger(path, 4, &found);
  CHECK(found.ended == 1);
  CHECK(eventually_gone(group.leader));
  CHECK(eventually_gone(group.child));
  CHECK(ledger->used() == 0);

  // The file started afresh: a third open finds nothing left.
  ledger.reset();
  process_ledger::leftovers again;
  ledger = open_ledger(path, 4, &again);
  CHECK(again.ended + again.gone + again.invalid == 0);
}

TEST_CASE("a cleared slot leaves its process alone at the next open, and a freed slot is used again") {
  temp_dir dir;
  const std::string path = dir.file("shell-processes");
  sleeping_group group(dir);
  auto ledger = open_ledger(path, 1);
  auto slot = ledger->add(group.leader, 1);
  REQUIRE(slot);
  CHECK_FALSE(ledger->add(group.leader, 2));  // full: one slot
  ledger->remove(*slot);
  CHECK(ledger->used() == 0);
  auto again = ledger->add(group.leader, 3);
  REQUIRE(again);
  CHECK(*again == *slot);
  ledger->remove(*again);
  ledger->remove(*again);  // twice: no effect
  CHECK(ledger->used() == 0);
  ledger.reset();

  process_ledger::leftovers found;
  ledger = open_ledger(path, 1, &found);
  CHECK(found.ended == 0);
  CHECK(group.alive());
}

TEST_CASE("a leader whose start time differs is not the recorded process and is not killed, nor is another boot's") {
  temp_dir dir;
  const std::string path = dir.file("shell-processes");
  sleeping_group group(dir);
  fake_proc proc(dir);
  proc.set_start(group.leader, 12345);
  auto ledger = open_ledger(path, 2, nullptr, proc.root);
  REQUIRE(ledger->add(group.leader, 1));
  ledger.reset();
  process_ledger::leftovers found;

  SECTION("the pid now belongs to a process started later") {
    proc.set_start(group.leader, 12346);
    ledger = open_ledger(path, 2, &found, proc.root);
    CHECK(found.gone == 1);
  }
  SECTION("the pid is gone") {
    std::filesystem::remove_all(proc.root + "/" + std::to_string(group.leader));
    ledger = open_ledger(path, 2, &found, proc.root);
    CHECK(found.gone == 1);
  }
  SECTION("the record is of an earlier boot") {
    proc.set_boot("1c0ffee0-0000-4000-8000-000000000002");
    ledger = open_ledger(path, 2, &found, proc.root);
    CHECK(found.other_boot == 1);
  }
  CHECK(found.ended == 0);
  std::this_thread::sleep_for(100ms);  // a kill, had one been sent, would show by now
  CHECK(group.alive());

  // A record of the same start time and boot is of the recorded process: killed.
  ledger.reset();
  proc.set_boot("1c0ffee0-0000-4000-8000-000000000001");
  proc.set_start(group.leader, 12345);
  ledger = open_ledger(path, 2, nullptr, proc.root);
  REQUIRE(ledger->add(group.leader, 2));
  ledger.reset();
  process_ledger::leftovers matched;
  ledger = open_ledger(path, 2, &matched, proc.root);
  CHECK(matched.ended == 1);
  CHECK(eventually_gone(group.leader));
}

// A process group as a shell run leaves it when its shell exits: the leader, with `environment`
// (e.g. "MAINSPRING_RUN_ID=7", or none), starts `sleep 300` in the background and exits once
// told to (release()); the sleep stays in the group, carrying the same environment. Killed when
// the test ends, whatever happened.
struct leaderless_group {
  pid_t leader = -1;
  pid_t child = -1;
  std::string go_file;

  leaderless_group(const temp_dir& dir, const std::string& environment) {
    const std::string n = std::to_string(++made_);
    const std::string child_file = dir.file("leaderless-child-" + n);
    go_file = dir.file("leaderless-go-" + n);
    leader = ::fork();
    REQUIRE(leader >= 0);
    if (leader == 0) {
      ::setpgid(0, 0);
      const std::string script = "sleep 300 & echo $! > " + child_file + "; while [ ! -e " + go_file +
                                 " ]; do sleep 0.02; done";
      char* env[] = {const_cast<char*>("PATH=/usr/bin:/bin"), const_cast<char*>(environment.c_str()), nullptr};
      if (environment.empty()) env[1] = nullptr;
      ::execle("/bin/sh", "sh", "-c", script.c_str(), static_cast<char*>(nullptr), env);
      ::_exit(127);
    }
    ::setpgid(leader, leader);
    for (auto until = std::chrono::steady_clock::now() + 20s; child <= 0 && std::chrono::steady_clock::now() < until;
         std::this_thread::sleep_for(10ms)) {
      std::istringstream in(read_text(child_file));
      in >> child;
    }
    REQUIRE(child > 0);
  }
  ~leaderless_group() { ::kill(-leader, SIGKILL); }
  leaderless_group(const leaderless_group&) = delete;
  leaderless_group& operator=(const leaderless_group&) = delete;

  // Lets the leader exit and reaps it: the group lives on in its background sleep.
  void release() {
    std::ofstream(go_file) << "go";
    REQUIRE(::waitpid(leader, nullptr, 0) == leader);
    REQUIRE_FALSE(process_gone(child));
  }

  static inline int made_ = 0;
};

TEST_CASE("a group whose leader exited is killed when a process left in it carries the run's id, and only then") {
  temp_dir dir;
  const std::string path = dir.file("shell-processes");
  leaderless_group ours(dir, "MAINSPRING_RUN_ID=7");
  leaderless_group other_run(dir, "MAINSPRING_RUN_ID=77");  // a prefix of it is not the id
  leaderless_group no_id(dir, "");
  auto ledger = open_ledger(path, 4);
  REQUIRE(ledger->add(ours.leader, 7));
  REQUIRE(ledger->add(other_run.leader, 7));
  REQUIRE(ledger->add(no_id.leader, 7));
  ledger.reset();  // closed without clearing: what a kill -9 leaves
  ours.release();
  other_run.release();
  no_id.release();

  process_ledger::leftovers found;
  ledger = open_ledger(path, 4, &found);
  CHECK(found.ended == 1);
  CHECK(found.leaderless == 1);
  CHECK(found.gone == 2);
  CHECK(eventually_gone(ours.child));
  std::this_thread::sleep_for(100ms);  // a kill, had one been sent, would show by now
  CHECK_FALSE(process_gone(other_run.child));
  CHECK_FALSE(process_gone(no_id.child));
}

TEST_CASE("garbage, a cut file and a damaged record are read safely and nothing is killed for them") {
  temp_dir dir;
  const std::string path = dir.file("shell-processes");
  sleeping_group group(dir);
  process_ledger::leftovers found;

  SECTION("garbage") {
    std::mt19937 random(42);
    std::string bytes(10'000, '\0');
    for (char& c : bytes) c = static_cast<char>(random());
    std::ofstream(path, std::ios::binary) << bytes;
    auto ledger = open_ledger(path, 4, &found);
    CHECK(found.ended + found.gone + found.invalid == 0);  // no valid header: nothing is read
    // And the ledger works from there.
    REQUIRE(ledger->add(group.leader, 1));
    ledger.reset();
    ledger = open_ledger(path, 4, &found);
    CHECK(found.ended == 1);
    CHECK(eventually_gone(group.leader));
  }
  SECTION("a file cut inside its record") {
    open_ledger(path, 4)->add(group.leader, 1);
    std::filesystem::resize_file(path, 64 + 16);
    open_ledger(path, 4, &found);
    CHECK(found.ended + found.gone + found.invalid == 0);
    CHECK(group.alive());
  }
  SECTION("a file cut inside its header") {
    open_ledger(path, 4)->add(group.leader, 1);
    std::filesystem::resize_file(path, 20);
    open_ledger(path, 4, &found);
    CHECK(found.ended + found.gone + found.invalid == 0);
    CHECK(group.alive());
  }
  SECTION("a record with a changed byte") {
    open_ledger(path, 4)->add(group.leader, 1);
    rewrite_at(path, 64 + 24, "\x5a");  // in its run id
    open_ledger(path, 4, &found);
    CHECK(found.invalid == 1);
    CHECK(found.ended == 0);
    CHECK(group.alive());
  }
  SECTION("an empty file") {
    std::ofstream(path).flush();
    open_ledger(path, 4, &found);
    CHECK(found.ended + found.gone + found.invalid == 0);
  }
}

TEST_CASE("a ledger of another slot count is read whole, and the new one keeps its own count") {
  temp_dir dir;
  const std::string path = dir.file("shell-processes");
  sleeping_group first(dir), second(dir), third(dir);
  auto ledger = open_ledger(path, 8);
  auto a = ledger->add(first.leader, 1);
  auto b = ledger->add(second.leader, 2);
  auto c = ledger->add(third.leader, 3);
  REQUIRE((a && b && c));
  CHECK(*c == 2);  // the third slot: past the two the next ledger has
  ledger->remove(*a);
  ledger->remove(*b);
  ledger.reset();

  process_ledger::leftovers found;
  ledger = open_ledger(path, 2, &found);
  CHECK(found.ended == 1);
  CHECK(eventually_gone(third.leader));
  CHECK(first.alive());
  CHECK(second.alive());
  CHECK(ledger->capacity() == 2);
  CHECK(std::filesystem::file_size(path) == 64 + 2 * 32);  // a header, two slots
}

TEST_CASE("a copy of a ledger whose process still runs leaves its groups alone, and kills them once that process is gone") {
  temp_dir dir;
  const std::string path = dir.file("shell-processes");
  sleeping_group group(dir);
  // The owner: another process that opens the ledger, records the group and stays, as a live
  // server does while its data dir is copied.
  const std::string ready = dir.file("owner-ready");
  const pid_t owner = ::fork();
  REQUIRE(owner >= 0);
  if (owner == 0) {
    auto ledger = process_ledger::open(path, 4);
    if (!ledger.ok() || !(*ledger)->add(group.leader, 1)) ::_exit(1);
    std::ofstream(ready) << "1";
    ::pause();
    ::_exit(0);
  }
  for (auto until = std::chrono::steady_clock::now() + 20s;
       !std::filesystem::exists(ready) && std::chrono::steady_clock::now() < until;
       std::this_thread::sleep_for(10ms)) {
  }
  REQUIRE(std::filesystem::exists(ready));
  std::filesystem::copy_file(path, dir.file("copy-1"));
  std::filesystem::copy_file(path, dir.file("copy-2"));

  process_ledger::leftovers found;
  open_ledger(dir.file("copy-1"), 4, &found);
  CHECK(found.owner_alive == 1);
  CHECK(found.ended == 0);
  std::this_thread::sleep_for(100ms);  // a kill, had one been sent, would show by now
  CHECK(group.alive());

  // Its owner killed outright: the group is a leftover now, also while the owner is a zombie
  // that its parent has not reaped yet.
  ::kill(owner, SIGKILL);
  REQUIRE(eventually_gone(owner));
  process_ledger::leftovers after;
  open_ledger(dir.file("copy-2"), 4, &after);
  ::waitpid(owner, nullptr, 0);
  CHECK(after.owner_alive == 0);
  CHECK(after.ended == 1);
  CHECK(eventually_gone(group.leader));
}

TEST_CASE("a ledger of the first version (no owner in its header) is read, and its leftovers killed") {
  temp_dir dir;
  const std::string path = dir.file("shell-processes");
  sleeping_group group(dir);
  open_ledger(path, 2)->add(group.leader, 1);
  // Rewrite the file as version 1 left it: a 32-byte header (its check an FNV-1a of the bytes
  // before it), the same records after it.
  std::string file = read_text(path);
  std::string v1 = file.substr(0, 32);
  v1[8] = 1;                      // version
  std::memset(v1.data() + 24, 0, 8);  // reserved, check
  uint32_t check = 2166136261u;
  for (int i = 0; i < 28; ++i) check = (check ^ static_cast<unsigned char>(v1[i])) * 16777619u;
  std::memcpy(v1.data() + 28, &check, 4);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << v1 << file.substr(64);

  process_ledger::leftovers found;
  open_ledger(path, 2, &found);
  CHECK(found.ended == 1);
  CHECK(eventually_gone(group.leader));
}

TEST_CASE("a ledger held open is refused to a second opener, which kills nothing") {
  temp_dir dir;
  const std::string path = dir.file("shell-processes");
  sleeping_group group(dir);
  auto holder = open_ledger(path, 4);
  REQUIRE(holder->add(group.leader, 1));
  auto second = process_ledger::open(path, 4);
  REQUIRE_FALSE(second.ok());
  CHECK(second.status().code() == status_code::failed_precondition);
  CHECK_THAT(second.status().message(), Catch::Contains("in use by another running shell runner"));
  CHECK(group.alive());
}

TEST_CASE("a ledger that cannot be opened, or without a boot id, is an error and not a crash") {
  temp_dir dir;
  CHECK_FALSE(process_ledger::open(dir.file("no-such-dir/shell-processes"), 4).ok());
  std::filesystem::create_directories(dir.file("a-dir"));
  CHECK_FALSE(process_ledger::open(dir.file("a-dir"), 4).ok());
  std::filesystem::create_directories(dir.file("empty-proc"));
  auto no_boot = process_ledger::open(dir.file("shell-processes"), 4, nullptr, dir.file("empty-proc"));
  REQUIRE_FALSE(no_boot.ok());
  CHECK_THAT(no_boot.status().message(), Catch::Contains("boot id"));
}
