// process_usage: /proc/<pid>/stat parsing and sampling of a real process group.
#include "executors/process_usage.h"

#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

using namespace mainspring;

TEST_CASE("a stat line gives the state, the group, the CPU ticks with the children's, the start time and the resident pages") {
  // Fields: pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
  //         utime stime cutime cstime priority nice threads itrealvalue starttime vsize rss ...
  auto st = parse_process_stat("4242 (a (weird) name) S 1 4200 4200 0 -1 4194304 10 0 0 0 "
                               "30 12 5 3 20 0 1 0 1000 12345678 777 18446744073709551615 1 1 0 0\n");
  REQUIRE(st);
  CHECK(st->pgrp == 4200);
  CHECK(st->cpu_ticks == 30 + 12 + 5 + 3);
  CHECK(st->start_ticks == 1000);
  CHECK(st->rss_pages == 777);
  CHECK(st->state == 'S');
  CHECK_FALSE(process_ended(*st));
  auto zombie = parse_process_stat("4242 (sh) Z 1 4200 4200 0 -1 4194304 10 0 0 0 "
                                   "30 12 5 3 20 0 1 0 1000 0 0 18446744073709551615 1 1 0 0\n");
  REQUIRE(zombie);
  CHECK(process_ended(*zombie));
}

TEST_CASE("a malformed or cut stat line is refused") {
  CHECK_FALSE(parse_process_stat(""));
  CHECK_FALSE(parse_process_stat("4242 no parentheses S 1 2 3"));
  CHECK_FALSE(parse_process_stat("4242 (sh) S 1 4200 4200 0 -1 4194304 10 0 0 0 30 12"));
  CHECK_FALSE(parse_process_stat("4242 (sh) S 1 x 4200 0 -1 4194304 10 0 0 0 30 12 5 3 20 0 1 0 1000 1 777"));
}

TEST_CASE("sampling sums the processes of the asked groups only, from a procfs tree") {
  auto root = std::filesystem::temp_directory_path() / ("ms-proc-" + std::to_string(::getpid()));
  std::filesystem::remove_all(root);
  auto put = [&](const std::string& pid, const std::string& line) {
    std::filesystem::create_directories(root / pid);
    std::ofstream(root / pid / "stat") << line;
  };
  put("10", "10 (sh) S 1 10 10 0 -1 0 0 0 0 0 100 50 0 0 20 0 1 0 1 1 1000 0");
  put("11", "11 (python3) R 10 10 10 0 -1 0 0 0 0 0 200 0 0 0 20 0 1 0 1 1 3000 0");
  put("12", "12 (other) S 1 12 12 0 -1 0 0 0 0 0 999 0 0 0 20 0 1 0 1 1 9999 0");
  put("13", "garbage");
  std::filesystem::create_directories(root / "self");
  auto usage = sample_process_groups({10, 77}, root.string());
  std::filesystem::remove_all(root);
  REQUIRE(usage.size() == 1);
  const group_usage& u = usage.at(10);
  CHECK(u.processes == 2);
  CHECK(u.cpu_ticks == 350);
  CHECK(u.rss_bytes == 4000 * ::sysconf(_SC_PAGESIZE));
}

TEST_CASE("a live process group's memory and CPU time show in /proc") {
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::setpgid(0, 0);
    static char block[32 << 20];
    volatile char* pages = block;  // volatile: the writes must happen, to make the pages resident
    for (std::size_t i = 0; i < sizeof block; i += 4096) pages[i] = 1;
    auto end = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    volatile unsigned spin = 0;
    while (std::chrono::steady_clock::now() < end) spin = spin + 1;
    ::_exit(0);
  }
  ::setpgid(child, child);
  group_usage u;
  auto end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < end) {
    auto usage = sample_process_groups({child});
    if (auto it = usage.find(child); it != usage.end()) u = it->second;
    if (u.rss_bytes >= (32 << 20) && u.cpu_seconds() > 0.05) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  CHECK(u.processes == 1);
  CHECK(u.rss_bytes >= (32 << 20));
  CHECK(u.cpu_seconds() > 0.05);
}

TEST_CASE("a live process's stat is read by its pid, and a reaped one has none") {
  auto self = read_process_stat(::getpid());
  REQUIRE(self);
  CHECK(self->pgrp == ::getpgrp());
  CHECK(self->start_ticks == read_process_stat(::getpid())->start_ticks);  // fixed for its life
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) ::_exit(0);
  REQUIRE(::waitpid(child, nullptr, 0) == child);
  CHECK_FALSE(read_process_stat(child));
}
