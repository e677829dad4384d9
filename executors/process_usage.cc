#include "executors/process_usage.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace mainspring {

namespace {

// A stat line is a few hundred bytes; the command name is at most 64 (TASK_COMM_LEN 16 today).
constexpr std::size_t k_max_stat_line_bytes = 4096;

// Fields after the command name, counted from 0 at field 3 (state), as proc(5) numbers them.
constexpr int k_field_pgrp = 5 - 3;
constexpr int k_field_utime = 14 - 3;
constexpr int k_field_cstime = 17 - 3;  // utime, stime, cutime, cstime are 14..17
constexpr int k_field_starttime = 22 - 3;
constexpr int k_field_rss = 24 - 3;

long ticks_per_second() {
  static const long ticks = [] {
    long t = sysconf(_SC_CLK_TCK);
    return t > 0 ? t : 100;
  }();
  return ticks;
}

int64_t page_bytes() {
  static const int64_t bytes = [] {
    long b = sysconf(_SC_PAGESIZE);
    return b > 0 ? static_cast<int64_t>(b) : int64_t{4096};
  }();
  return bytes;
}

template <typename T>
bool parse_number(std::string_view text, T& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

bool is_pid_name(const char* name) {
  if (*name == '\0') return false;
  for (; *name; ++name)
    if (!std::isdigit(static_cast<unsigned char>(*name))) return false;
  return true;
}

// The file's contents (up to k_max_stat_line_bytes), or "" when it is gone.
std::string read_small_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  std::string text(k_max_stat_line_bytes, '\0');
  ssize_t n = ::read(fd, text.data(), text.size());
  ::close(fd);
  text.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return text;
}

}  // namespace

std::optional<process_stat> parse_process_stat(std::string_view line) {
  auto close = line.rfind(')');
  if (close == std::string_view::npos || line.find('(') > close) return std::nullopt;
  std::string_view rest = line.substr(close + 1);
  process_stat st;
  int field = -1;
  while (!rest.empty() && field < k_field_rss) {
    rest.remove_prefix(std::min(rest.find_first_not_of(' '), rest.size()));
    if (rest.empty()) break;
    auto end = std::min(rest.find_first_of(" \n"), rest.size());
    std::string_view value = rest.substr(0, end);
    rest.remove_prefix(end);
    ++field;
    if (field == 0) {
      st.state = value.empty() ? 0 : value.front();
    } else if (field == k_field_pgrp) {
      if (!parse_number(value, st.pgrp)) return std::nullopt;
    } else if (field >= k_field_utime && field <= k_field_cstime) {
      uint64_t ticks = 0;
      if (!parse_number(value, ticks)) return std::nullopt;
      st.cpu_ticks += ticks;
    } else if (field == k_field_starttime) {
      if (!parse_number(value, st.start_ticks)) return std::nullopt;
    } else if (field == k_field_rss) {
      if (!parse_number(value, st.rss_pages)) return std::nullopt;
    }
  }
  if (field < k_field_rss) return std::nullopt;
  return st;
}

std::optional<process_stat> read_process_stat(pid_t pid, const std::string& proc_root) {
  return parse_process_stat(read_small_file(proc_root + "/" + std::to_string(pid) + "/stat"));
}

double group_usage::cpu_seconds() const { return static_cast<double>(cpu_ticks) / static_cast<double>(ticks_per_second()); }

void for_each_process(const std::string& proc_root, const std::function<void(pid_t, const process_stat&)>& visit) {
  DIR* dir = ::opendir(proc_root.c_str());
  if (dir == nullptr) return;
  while (dirent* entry = ::readdir(dir)) {
    pid_t pid = 0;
    if (!is_pid_name(entry->d_name) || !parse_number(std::string_view(entry->d_name), pid)) continue;
    if (auto st = parse_process_stat(read_small_file(proc_root + "/" + entry->d_name + "/stat"))) visit(pid, *st);
  }
  ::closedir(dir);
}

std::unordered_map<pid_t, group_usage> sample_process_groups(const std::vector<pid_t>& groups,
                                                             const std::string& proc_root) {
  std::unordered_map<pid_t, group_usage> usage;
  if (groups.empty()) return usage;
  for_each_process(proc_root, [&](pid_t, const process_stat& st) {
    if (std::find(groups.begin(), groups.end(), st.pgrp) == groups.end()) return;
    group_usage& u = usage[st.pgrp];
    u.cpu_ticks += st.cpu_ticks;
    u.rss_bytes += std::max<int64_t>(0, st.rss_pages) * page_bytes();
    ++u.processes;
  });
  return usage;
}

}  // namespace mainspring
