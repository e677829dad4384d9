#include "metrics/process_stats.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>

namespace mainspring {

namespace {

std::optional<std::string> read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Splits off the next space-separated token of `rest`.
std::string_view next_token(std::string_view& rest) {
  std::size_t begin = rest.find_first_not_of(' ');
  if (begin == std::string_view::npos) {
    rest = {};
    return {};
  }
  std::size_t end = rest.find(' ', begin);
  std::string_view token = rest.substr(begin, end == std::string_view::npos ? end : end - begin);
  rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
  return token;
}

bool to_u64(std::string_view text, uint64_t& out) {
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && ptr == text.data() + text.size();
}

// Open descriptors, not counting the one this listing itself holds.
std::optional<uint64_t> count_open_fds() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return std::nullopt;
  const int own_fd = dirfd(dir);
  uint64_t count = 0;
  while (const dirent* entry = readdir(dir)) {
    uint64_t fd = 0;
    if (!to_u64(entry->d_name, fd)) continue;  // "." and ".."
    if (static_cast<int>(fd) != own_fd) ++count;
  }
  closedir(dir);
  return count;
}

// The boot time never changes, so /proc/stat (a long file on many-CPU machines) is read once.
std::optional<uint64_t> boot_time_seconds() {
  static const std::optional<uint64_t> cached = []() -> std::optional<uint64_t> {
    auto text = read_file("/proc/stat");
    if (!text) return std::nullopt;
    auto btime = parse_boot_time(*text);
    if (!btime.ok()) return std::nullopt;
    return btime.value();
  }();
  return cached;
}

}  // namespace

status_or<proc_stat_fields> parse_proc_stat(std::string_view line) {
  const std::size_t close = line.rfind(')');
  if (close == std::string_view::npos) {
    return status::invalid_argument("proc stat: no ')' closing the command name");
  }
  // After ')' comes field 3 (state); we want fields 14, 15, 22, 23 and 24.
  std::string_view rest = line.substr(close + 1);
  proc_stat_fields out;
  for (int field = 3; field <= 24; ++field) {
    std::string_view token = next_token(rest);
    if (token.empty()) {
      return status::invalid_argument("proc stat: line ends before field " +
                                      std::to_string(field));
    }
    uint64_t* dest = nullptr;
    switch (field) {
      case 14: dest = &out.utime_ticks; break;
      case 15: dest = &out.stime_ticks; break;
      case 22: dest = &out.start_time_ticks; break;
      case 23: dest = &out.vsize_bytes; break;
      case 24: dest = &out.rss_pages; break;
      default: break;
    }
    if (dest != nullptr && !to_u64(token, *dest)) {
      return status::invalid_argument("proc stat: field " + std::to_string(field) +
                                      " is not a count: " + std::string(token));
    }
  }
  return out;
}

status_or<uint64_t> parse_boot_time(std::string_view proc_stat_text) {
  std::size_t pos = 0;
  while (pos < proc_stat_text.size()) {
    std::size_t eol = proc_stat_text.find('\n', pos);
    std::string_view line = proc_stat_text.substr(
        pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
    if (line.substr(0, 6) == "btime ") {
      std::string_view rest = line.substr(6);
      uint64_t seconds = 0;
      if (to_u64(next_token(rest), seconds)) return seconds;
      return status::invalid_argument("proc stat: btime is not a number");
    }
    if (eol == std::string_view::npos) break;
    pos = eol + 1;
  }
  return status::not_found("proc stat: no btime line");
}

status_or<process_stats> read_process_stats() {
  auto stat_text = read_file("/proc/self/stat");
  if (!stat_text) return status::internal("cannot read /proc/self/stat");
  auto fields = parse_proc_stat(*stat_text);
  if (!fields.ok()) return status::internal(fields.status().message());

  const long ticks_per_second = sysconf(_SC_CLK_TCK);
  const long page_bytes = sysconf(_SC_PAGESIZE);
  if (ticks_per_second <= 0 || page_bytes <= 0) return status::internal("sysconf failed");
  const double ticks = static_cast<double>(ticks_per_second);

  process_stats out;
  out.cpu_seconds = static_cast<double>(fields->utime_ticks + fields->stime_ticks) / ticks;
  out.resident_memory_bytes = fields->rss_pages * static_cast<uint64_t>(page_bytes);
  out.virtual_memory_bytes = fields->vsize_bytes;
  if (auto boot = boot_time_seconds()) {
    out.start_time_seconds =
        static_cast<double>(*boot) + static_cast<double>(fields->start_time_ticks) / ticks;
  }
  auto fds = count_open_fds();
  if (!fds) return status::internal("cannot list /proc/self/fd");
  out.open_fds = *fds;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    out.max_fds = limit.rlim_cur;
  }
  return out;
}

}  // namespace mainspring
