#include "storage/log_runway.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <vector>

#include <boost/crc.hpp>

namespace mainspring {
namespace {

// LevelDB's buffer before a write() (util/env_posix.cc: kWritableFileBufferSize).
constexpr std::size_t k_write_buffer_bytes = 64 * 1024;

// LevelDB's log format (db/log_format.h): 32 KiB blocks of records, each a 7-byte header (masked
// CRC32C of type and payload, little-endian; payload length, little-endian; type) and payload.
// Fewer than 7 bytes left in a block are zeros (a trailer).
constexpr uint64_t k_block_bytes = 32 * 1024;
constexpr uint64_t k_header_bytes = 7;
constexpr uint8_t k_last_record_type = 4;  // full, first, middle, last
constexpr uint32_t k_crc_mask_delta = 0xa282ead8u;

// The unit a page cache writes back whole: a page never written shows as zeros from its start.
constexpr uint64_t k_page_bytes = 4096;

leveldb::Status io_error(const std::string& context, int err) {
  return leveldb::Status::IOError(context, std::strerror(err));
}

// Writes all of [data, data + size) at `offset`, retrying partial writes.
leveldb::Status write_at(int fd, const std::string& name, const char* data, std::size_t size, uint64_t offset) {
  while (size > 0) {
    ssize_t n = ::pwrite(fd, data, size, static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error(name, errno);
    }
    data += n;
    size -= static_cast<std::size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
  return leveldb::Status::OK();
}

// A log file written over zeros laid down ahead of its end (see the header). Not thread-safe,
// as LevelDB's own WritableFile: LevelDB writes a log from one thread at a time.
class log_runway_file final : public leveldb::WritableFile {
 public:
  log_runway_file(std::string name, int fd) : name_(std::move(name)), fd_(fd) { buffer_.reserve(k_write_buffer_bytes); }
  ~log_runway_file() override {
    if (fd_ >= 0) Close();
  }

  leveldb::Status Append(const leveldb::Slice& data) override {
    const char* p = data.data();
    std::size_t left = data.size();
    const std::size_t fits = std::min(left, k_write_buffer_bytes - buffer_.size());
    buffer_.append(p, fits);
    p += fits;
    left -= fits;
    if (left == 0) return leveldb::Status::OK();
    if (auto s = flush_buffer(); !s.ok()) return s;
    if (left < k_write_buffer_bytes) {
      buffer_.append(p, left);
      return leveldb::Status::OK();
    }
    return write_through(p, left);
  }

  leveldb::Status Flush() override { return flush_buffer(); }

  // Lays more zeros ahead first when the runway is short: only a log that is synced gets a
  // runway (the run history alone, never synced, is written as LevelDB would).
  leveldb::Status Sync() override {
    if (auto s = flush_buffer(); !s.ok()) return s;
    if (runway_end_ < written_ + k_log_runway_bytes / 2) extend_runway();
    if (::fdatasync(fd_) != 0) return io_error(name_, errno);
    return leveldb::Status::OK();
  }

  // Cuts the runway off: a log LevelDB closed ends at its last record.
  leveldb::Status Close() override {
    leveldb::Status s = flush_buffer();
    if (s.ok() && extended_ && ::ftruncate(fd_, static_cast<off_t>(written_)) != 0)
      s = io_error(name_, errno);
    if (::close(fd_) != 0 && s.ok()) s = io_error(name_, errno);
    fd_ = -1;
    return s;
  }

 private:
  leveldb::Status flush_buffer() {
    leveldb::Status s = write_through(buffer_.data(), buffer_.size());
    buffer_.clear();
    return s;
  }

  // Writes at the end of the log: over the runway while there is one, else growing the file.
  leveldb::Status write_through(const char* data, std::size_t size) {
    if (size == 0) return leveldb::Status::OK();
    if (auto s = write_at(fd_, name_, data, size, written_); !s.ok()) return s;
    written_ += size;
    return leveldb::Status::OK();
  }

  // Zeros from the runway's end to k_log_runway_bytes past the log's. Only a speed-up: when the
  // disk refuses them the log goes on growing with its writes, as LevelDB's own file would.
  void extend_runway() {
    const uint64_t from = std::max(runway_end_, written_);
    const uint64_t to = written_ + k_log_runway_bytes;
    if (zeros_.empty()) zeros_.assign(k_log_runway_bytes, '\0');
    extended_ = true;  // even a failed extension may have written some zeros
    if (write_at(fd_, name_, zeros_.data(), to - from, from).ok()) runway_end_ = to;
  }

  std::string name_;
  int fd_;
  std::string buffer_;
  std::string zeros_;
  uint64_t written_ = 0;     // the log's length: everything LevelDB appended
  uint64_t runway_end_ = 0;  // the file's length while the runway is there
  bool extended_ = false;    // zeros were written past the log: Close() cuts them off
};

uint32_t crc32c(const char* data, std::size_t size, uint8_t type) {
  boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true> crc;
  crc.process_byte(type);
  crc.process_bytes(data, size);
  return crc.checksum();
}

uint32_t unmask(uint32_t masked) {
  const uint32_t rot = masked - k_crc_mask_delta;
  return (rot >> 17) | (rot << 15);
}

uint32_t fixed32(const char* p) {
  const auto* b = reinterpret_cast<const unsigned char*>(p);
  return uint32_t{b[0]} | uint32_t{b[1]} << 8 | uint32_t{b[2]} << 16 | uint32_t{b[3]} << 24;
}

// The payload length a record's header gives (bytes 4 and 5, little-endian).
uint64_t payload_length(const char* header) {
  return uint64_t{static_cast<unsigned char>(header[4])} | uint64_t{static_cast<unsigned char>(header[5])} << 8;
}

bool all_zero(std::string_view bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](char c) { return c == '\0'; });
}

// The end of the last record readable from the start of `log`.
uint64_t end_of_records(std::string_view log) {
  uint64_t pos = 0;
  for (;;) {
    const uint64_t left_in_block = k_block_bytes - pos % k_block_bytes;
    if (left_in_block < k_header_bytes) {  // a trailer
      if (pos + left_in_block >= log.size()) return pos;
      pos += left_in_block;
      continue;
    }
    if (pos + k_header_bytes > log.size()) return pos;
    const char* header = log.data() + pos;
    const uint64_t length = payload_length(header);
    const auto type = static_cast<uint8_t>(header[6]);
    if (type == 0 || type > k_last_record_type || k_header_bytes + length > left_in_block ||
        pos + k_header_bytes + length > log.size())
      return pos;
    if (unmask(fixed32(header)) != crc32c(header + k_header_bytes, length, type)) return pos;
    pos += k_header_bytes + length;
  }
}

// Whether what follows the last readable record (at `end`) was never written: its header is
// zeros (LevelDB's writer never writes a zero header), or the record there is cut short by zeros
// that run to its end or fill a page. Anything else is damage, left for LevelDB to report.
bool unwritten_after(std::string_view log, uint64_t end) {
  if (end >= log.size()) return false;
  const std::string_view rest = log.substr(end);
  if (all_zero(rest.substr(0, k_header_bytes))) return true;
  if (rest.size() < k_header_bytes) return true;  // a header cut by the end of the file
  const uint64_t length = payload_length(rest.data());
  const std::string_view record = rest.substr(0, std::min<uint64_t>(rest.size(), k_header_bytes + length));
  if (record.size() < k_header_bytes + length) return true;  // cut by the end of the file
  if (record.back() == '\0') return true;
  // A whole page of zeros inside the record.
  for (uint64_t page = (end + k_page_bytes - 1) / k_page_bytes * k_page_bytes; page + k_page_bytes <= end + record.size();
       page += k_page_bytes)
    if (all_zero(log.substr(page, k_page_bytes))) return true;
  return false;
}

}  // namespace

leveldb::Status log_runway_env::NewWritableFile(const std::string& name, leveldb::WritableFile** out) {
  if (!is_leveldb_log_name(name)) return target()->NewWritableFile(name, out);
  *out = nullptr;
  int fd = ::open(name.c_str(), O_TRUNC | O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return io_error(name, errno);
  *out = new log_runway_file(name, fd);
  return leveldb::Status::OK();
}

bool is_leveldb_log_name(const std::string& name) {
  const std::string base = std::filesystem::path(name).filename().string();
  constexpr std::string_view suffix = ".log";
  if (base.size() <= suffix.size() || base.compare(base.size() - suffix.size(), suffix.size(), suffix) != 0)
    return false;
  return std::all_of(base.begin(), base.end() - suffix.size(), [](char c) { return c >= '0' && c <= '9'; });
}

uint64_t log_length_to_keep(std::string_view log) {
  const uint64_t end = end_of_records(log);
  return unwritten_after(log, end) ? end : log.size();
}

status_or<uint64_t> trim_log_tail(const std::string& path) {
  std::string log;
  if (auto read = leveldb::ReadFileToString(leveldb::Env::Default(), path, &log); !read.ok())
    return status::unavailable("cannot read " + path + ": " + read.ToString());
  const uint64_t end = log_length_to_keep(log);
  if (end == log.size()) return end;
  // Synced at once: the open that follows replays this log into a table and then deletes it,
  // and a crash in between should find the log as LevelDB last read it.
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  const bool cut = fd >= 0 && ::ftruncate(fd, static_cast<off_t>(end)) == 0 && ::fsync(fd) == 0;
  const int err = errno;
  if (fd >= 0) ::close(fd);
  if (!cut) return status::unavailable("cannot cut the unwritten tail of " + path + ": " + std::strerror(err));
  return end;
}

status trim_log_tails(const std::string& dir) {
  std::error_code ec;
  std::vector<std::string> logs;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
    if (is_leveldb_log_name(entry.path().string())) logs.push_back(entry.path().string());
  if (ec) return status::unavailable("cannot list " + dir + ": " + ec.message());
  for (const auto& log : logs)
    if (auto cut = trim_log_tail(log); !cut.ok()) return cut.status();
  return {};
}

}  // namespace mainspring
