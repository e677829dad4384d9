#include "metrics/process_stats.h"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <ctime>
#include <memory>

namespace {

using mainspring::parse_boot_time;
using mainspring::parse_proc_stat;
using mainspring::process_stats;
using mainspring::read_process_stats;

process_stats read() {
  auto st = read_process_stats();
  REQUIRE(st.ok());
  return st.value();
}

// A /proc/<pid>/stat line with fields 14, 15, 22, 23, 24 set to 1400, 1500, 2200, 2300, 2400.
std::string stat_line(const std::string& comm) {
  std::string line = "4242 (" + comm + ") S";
  for (int field = 4; field <= 52; ++field) {
    const bool wanted = field == 14 || field == 15 || (field >= 22 && field <= 24);
    line += " " + std::to_string(wanted ? field * 100 : 7);
  }
  return line + "\n";
}

}  // namespace

TEST_CASE("this process has resident memory, open descriptors and a start time") {
  process_stats s = read();
  CHECK(s.resident_memory_bytes > 0);
  CHECK(s.virtual_memory_bytes >= s.resident_memory_bytes);
  CHECK(s.open_fds >= 3);  // stdin, stdout, stderr at least
  CHECK(s.cpu_seconds >= 0);
  const double now = static_cast<double>(std::time(nullptr));
  CHECK(s.start_time_seconds <= now + 1);
  CHECK(s.start_time_seconds > now - 24 * 3600);
}

TEST_CASE("opening a file shows as one more open descriptor") {
  const uint64_t before = read().open_fds;
  int fd = ::open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  const uint64_t during = read().open_fds;
  ::close(fd);
  CHECK(during == before + 1);
  CHECK(read().open_fds == before);
}

TEST_CASE("touching 64 MiB raises the resident memory by about that much") {
  const uint64_t before = read().resident_memory_bytes;
  constexpr std::size_t k_bytes = 64 << 20;
  std::unique_ptr<char[]> block(new char[k_bytes]);
  std::memset(block.get(), 1, k_bytes);
  const uint64_t after = read().resident_memory_bytes;
  CHECK(after >= before + k_bytes / 2);
  CHECK(block[k_bytes - 1] == 1);  // keeps the memset
}

TEST_CASE("CPU time never goes down") {
  const double first = read().cpu_seconds;
  volatile uint64_t spin = 0;
  for (int i = 0; i < 1'000'000; ++i) spin = spin + static_cast<uint64_t>(i);
  CHECK(read().cpu_seconds >= first);
}

TEST_CASE("a stat line is read after the last parenthesis, whatever the command name holds") {
  for (const std::string comm : {"mainspring", "a b", "x) 1 2 3 (y", ")", "(("}) {
    INFO(comm);
    auto f = parse_proc_stat(stat_line(comm));
    REQUIRE(f.ok());
    CHECK(f->utime_ticks == 1400);
    CHECK(f->stime_ticks == 1500);
    CHECK(f->start_time_ticks == 2200);
    CHECK(f->vsize_bytes == 2300);
    CHECK(f->rss_pages == 2400);
  }
}

TEST_CASE("a malformed stat line is an error naming what is wrong") {
  auto no_paren = parse_proc_stat("4242 mainspring S 1 2 3");
  REQUIRE_FALSE(no_paren.ok());
  CHECK(no_paren.status().message().find("')'") != std::string::npos);

  auto short_line = parse_proc_stat("4242 (ms) S 1 2 3");
  REQUIRE_FALSE(short_line.ok());
  CHECK(short_line.status().message().find("field") != std::string::npos);

  std::string bad = stat_line("ms");
  bad.replace(bad.find(" 1400 "), 6, " x400 ");
  auto not_number = parse_proc_stat(bad);
  REQUIRE_FALSE(not_number.ok());
  CHECK(not_number.status().message().find("field 14") != std::string::npos);
}

TEST_CASE("the boot time is the btime line of /proc/stat") {
  auto t = parse_boot_time("cpu  1 2 3\ncpu0 1 2 3\nintr 5 6\nctxt 99\nbtime 1700000000\n");
  REQUIRE(t.ok());
  CHECK(t.value() == 1700000000u);
  CHECK(parse_boot_time("cpu 1 2 3\nbtime 42").value() == 42u);
  CHECK(parse_boot_time("cpu 1 2 3\n").status().code() == mainspring::status_code::not_found);
  CHECK_FALSE(parse_boot_time("btime soon\n").ok());
}
