#include "storage/dump_archive.h"

#include "core/rfc3339.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <istream>
#include <memory>
#include <optional>
#include <streambuf>
#include <unordered_set>

namespace mainspring {

namespace {

// The manifest's name holds a '-', which no group name can: a group called "manifest" has its
// own "manifest.json" without a clash.
constexpr std::string_view k_manifest_name = "dump-manifest.json";
constexpr std::string_view k_group_suffix = ".json";

struct utc_fields {
  int year;
  unsigned month, day;
  long hours, minutes, seconds;
};

utc_fields utc_of(sys_ms now) {
  using namespace std::chrono;
  sys_days day = floor<days>(now);
  year_month_day ymd{day};
  hh_mm_ss<seconds> hms{floor<seconds>(now - day)};
  return {static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
          static_cast<unsigned>(ymd.day()), static_cast<long>(hms.hours().count()),
          static_cast<long>(hms.minutes().count()), static_cast<long>(hms.seconds().count())};
}

std::string file_name_of(std::string_view group) {
  return std::string(group) + std::string(k_group_suffix);
}

// -- writing --

struct write_free {
  void operator()(archive* a) const { archive_write_free(a); }
};

la_ssize_t append_to_string(archive*, void* client, const void* buffer, size_t length) {
  static_cast<std::string*>(client)->append(static_cast<const char*>(buffer), length);
  return static_cast<la_ssize_t>(length);
}

status archive_failure(archive* a, std::string_view what) {
  const char* why = archive_error_string(a);
  return status::internal("libarchive: " + std::string(what) + ": " +
                          (why ? why : "unknown error"));
}

status begin_file(archive* a, const std::string& name, std::size_t size, int64_t mtime_s) {
  std::unique_ptr<archive_entry, void (*)(archive_entry*)> entry(archive_entry_new(),
                                                                  archive_entry_free);
  if (!entry) return status::internal("libarchive: cannot allocate an entry");
  archive_entry_set_pathname(entry.get(), name.c_str());
  archive_entry_set_filetype(entry.get(), AE_IFREG);
  archive_entry_set_perm(entry.get(), 0644);
  archive_entry_set_size(entry.get(), static_cast<la_int64_t>(size));
  archive_entry_set_mtime(entry.get(), mtime_s, 0);
  if (archive_write_header(a, entry.get()) != ARCHIVE_OK) return archive_failure(a, name);
  return {};
}

status write_data(archive* a, std::string_view bytes) {
  while (!bytes.empty()) {
    la_ssize_t n = archive_write_data(a, bytes.data(), bytes.size());
    if (n <= 0) return archive_failure(a, "writing data");
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

// A group file is encoded twice, once to learn its size for the tar header and once to write
// it, so that it is never held whole: encoding costs less than holding 500 MB.
status add_group_file(archive* a, const group_dump& group, int64_t mtime_s,
                      std::size_t* total_bytes) {
  std::size_t size = 0;
  encode_group_file(group, [&size](std::string_view piece) { size += piece.size(); });
  *total_bytes += size;
  if (size > k_max_dump_entry_bytes || *total_bytes > k_max_dump_total_bytes)
    return status::resource_exhausted(
        "group " + group.group.name + ": the dump would pass the import limits (" +
        std::to_string(k_max_dump_entry_bytes) + " bytes per group, " +
        std::to_string(k_max_dump_total_bytes) + " in all)");
  if (status st = begin_file(a, file_name_of(group.group.name), size, mtime_s); !st.ok())
    return st;
  status written;
  encode_group_file(group, [&](std::string_view piece) {
    if (written.ok()) written = write_data(a, piece);
  });
  return written;
}

// Refuses what would make an archive that read_dump() cannot take back.
status check_writable(const std::vector<group_dump>& groups) {
  std::unordered_set<std::string> names;
  for (const group_dump& g : groups) {
    const std::string& name = g.group.name;
    if (auto st = validate_group_name(name); !st.ok()) return st;
    if (!names.insert(name).second)
      return status::invalid_argument("group_name: \"" + name + "\" is dumped twice");
    for (const job_spec& job : g.jobs)
      if (job.group != name)
        return status::invalid_argument("job " + job.id + " of group " + job.group +
                                        " is dumped with group " + name);
    for (const func_spec& func : g.funcs)
      if (func.group != name)
        return status::invalid_argument("func " + func.name + " of group " + func.group +
                                        " is dumped with group " + name);
    std::unordered_set<std::string> pools;
    for (const run_pool_spec& pool : g.pools)
      if (!pools.insert(pool.name).second)
        return status::invalid_argument("run pool " + pool.name + " of group " + name + " is dumped twice");
    std::unordered_set<std::string> documents;  // "kind/name": a kind holds no '/'
    for (const dumped_document& d : g.documents)
      if (!documents.insert(d.kind + "/" + d.document.name).second)
        return status::invalid_argument("document " + d.document.name + " of kind " + d.kind + " of group " + name +
                                        " is dumped twice");
  }
  if (groups.size() + 1 > k_max_dump_entries)
    return status::resource_exhausted("more than " + std::to_string(k_max_dump_entries - 1) +
                                      " groups in one dump");
  return {};
}

// -- reading --

struct read_free {
  void operator()(archive* a) const { archive_read_free(a); }
};

// Error messages may quote archive names and JSON; keep them printable ASCII for any response.
status refuse(std::string message) {
  for (char& c : message)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
  return status::invalid_argument(std::move(message));
}

std::string quoted_name(std::string_view name) {
  return "\"" + std::string(name.substr(0, 100)) + (name.size() > 100 ? "...\"" : "\"");
}

// Hands the current entry's bytes to the JSON parser as they are decompressed, counting them:
// the caps hold whatever the tar header claims, and no entry is ever held whole in memory. Nor
// is any one JSON token past max_token_bytes (json_token_guard).
class entry_streambuf : public std::streambuf {
 public:
  entry_streambuf(archive* a, const dump_limits& limits, std::size_t* total)
      : archive_(a),
        limits_(limits),
        total_(total),
        buffer_(new char[k_buffer_bytes]),
        tokens_(limits.max_token_bytes) {}

  // Why reading stopped before the entry's end ("" = it did not).
  const std::string& failure() const { return failure_; }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    if (ended_ || !failure_.empty()) return traits_type::eof();
    la_ssize_t n = archive_read_data(archive_, buffer_.get(), k_buffer_bytes);
    if (n < 0) {
      const char* why = archive_error_string(archive_);
      failure_ = std::string("corrupt data: ") + (why ? why : "unknown error");
      return traits_type::eof();
    }
    if (n == 0) {
      ended_ = true;
      return traits_type::eof();
    }
    entry_bytes_ += static_cast<std::size_t>(n);
    *total_ += static_cast<std::size_t>(n);
    if (entry_bytes_ > limits_.max_entry_bytes) {
      failure_ = "more than " + std::to_string(limits_.max_entry_bytes) +
                 " bytes decompressed, the limit for one entry";
      return traits_type::eof();
    }
    if (*total_ > limits_.max_total_bytes) {
      failure_ = "the archive decompresses to more than " +
                 std::to_string(limits_.max_total_bytes) + " bytes, the limit";
      return traits_type::eof();
    }
    tokens_.accept({buffer_.get(), static_cast<std::size_t>(n)});
    if (tokens_.tripped()) {
      failure_ = "a JSON string or number longer than " + std::to_string(limits_.max_token_bytes) +
                 " bytes";
      return traits_type::eof();
    }
    setg(buffer_.get(), buffer_.get(), buffer_.get() + n);
    return traits_type::to_int_type(*gptr());
  }

 private:
  static constexpr std::size_t k_buffer_bytes = 64 * 1024;

  archive* archive_;
  const dump_limits& limits_;
  std::size_t* total_;
  std::unique_ptr<char[]> buffer_;
  json_token_guard tokens_;
  std::size_t entry_bytes_ = 0;
  bool ended_ = false;
  std::string failure_;
};

// Why an entry is not a plain file, or nullptr.
const char* not_plain_file(archive_entry* entry) {
  if (archive_entry_hardlink(entry)) return "a hard link";
  if (archive_entry_symlink(entry)) return "a symbolic link";
  switch (archive_entry_filetype(entry)) {
    case AE_IFREG: return nullptr;
    case AE_IFDIR: return "a directory";
    case AE_IFLNK: return "a symbolic link";
    case AE_IFCHR:
    case AE_IFBLK: return "a device";
    case AE_IFIFO: return "a FIFO";
    case AE_IFSOCK: return "a socket";
    default: return "not a plain file";
  }
}

// The group an entry name stands for ("" for the manifest), or why the name is refused.
status_or<std::string> group_of_entry(std::string_view name) {
  if (name == k_manifest_name) return std::string();
  if (name.find('/') != std::string_view::npos || name.find('\\') != std::string_view::npos)
    return refuse("entry " + quoted_name(name) + ": paths are not allowed; a dump holds " +
                  std::string(k_manifest_name) + " and <group>.json files at its root");
  std::string_view stem = name;
  if (stem.ends_with(k_group_suffix)) stem.remove_suffix(k_group_suffix.size());
  if (stem.size() == name.size() || !is_valid_id(stem))
    return refuse("entry " + quoted_name(name) + ": not a dump file; expected " +
                  std::string(k_manifest_name) +
                  " or <group>.json with a group name matching [a-zA-Z0-9_]{1,22}");
  return std::string(stem);
}

// What read_dump has gathered so far.
struct dump_reader {
  dump_reader(archive* archive, const dump_limits& dump_limits) : a(archive), limits(dump_limits) {
    budget.limit = limits.max_decoded_bytes;
  }

  archive* a;
  const dump_limits& limits;
  std::size_t total_bytes = 0;
  decode_budget budget;
  std::optional<dump_manifest> manifest;
  std::unordered_set<std::string> group_files;
  std::vector<group_dump> groups;

  // Checks the entry's size claim, then decodes its bytes with `decode(std::istream&)`.
  template <class Decode>
  status decode_entry(archive_entry* entry, std::string_view name, Decode decode) {
    if (archive_entry_size_is_set(entry)) {
      auto size = static_cast<uint64_t>(std::max<la_int64_t>(archive_entry_size(entry), 0));
      if (size > limits.max_entry_bytes)
        return refuse(std::string(name) + ": " + std::to_string(size) + " bytes, more than " +
                      std::to_string(limits.max_entry_bytes) + ", the limit for one entry");
      if (total_bytes + size > limits.max_total_bytes)
        return refuse(std::string(name) + ": the archive decompresses to more than " +
                      std::to_string(limits.max_total_bytes) + " bytes, the limit");
    }
    entry_streambuf bytes(a, limits, &total_bytes);
    std::istream in(&bytes);
    status st = decode(in);
    if (!bytes.failure().empty()) return refuse(std::string(name) + ": " + bytes.failure());
    if (!st.ok()) return refuse(std::string(name) + ": " + st.message());
    return {};
  }

  status read_manifest(archive_entry* entry) {
    if (manifest) return refuse(std::string(k_manifest_name) + ": the archive holds it twice");
    return decode_entry(entry, k_manifest_name, [&](std::istream& in) -> status {
      auto m = decode_manifest(in, limits.max_entries, &budget);
      if (!m.ok()) return m.status();
      if (m->format != k_dump_format)
        return status::invalid_argument("format: expected \"" + std::string(k_dump_format) +
                                        "\", got \"" + m->format.substr(0, 64) + "\"");
      if (m->version > k_dump_version)
        return status::invalid_argument(
            "version " + std::to_string(m->version) + " was written by a newer Mainspring; " +
            "this one reads version " + std::to_string(k_dump_version));
      if (m->version < k_oldest_dump_version)
        return status::invalid_argument("version: expected " + std::to_string(k_oldest_dump_version) +
                                        " to " + std::to_string(k_dump_version) + ", got " +
                                        std::to_string(m->version));
      manifest = std::move(m).value();
      return {};
    });
  }

  status read_group(archive_entry* entry, const std::string& name, const std::string& group) {
    if (!group_files.insert(group).second)
      return refuse(name + ": the archive holds it twice");
    return decode_entry(entry, name, [&](std::istream& in) -> status {
      auto g = decode_group_file(in, group, &budget);
      if (!g.ok()) return g.status();
      groups.push_back(std::move(g).value());
      return {};
    });
  }

  status read_entries() {
    for (std::size_t count = 0;; ++count) {
      archive_entry* entry = nullptr;
      int r = archive_read_next_header(a, &entry);
      if (r == ARCHIVE_EOF) return {};
      if (r != ARCHIVE_OK) {
        const char* why = archive_error_string(a);
        return refuse("not a readable tar.gz archive (after " + std::to_string(count) +
                      " entries): " + (why ? why : "unknown error"));
      }
      if (count + 1 > limits.max_entries)
        return refuse("more than " + std::to_string(limits.max_entries) + " entries");
      const char* raw = archive_entry_pathname(entry);
      if (!raw) return refuse("entry " + std::to_string(count) + ": its name cannot be read");
      std::string name = raw;
      if (const char* kind = not_plain_file(entry))
        return refuse("entry " + quoted_name(name) + ": " + kind +
                      "; a dump holds plain files only");
      auto group = group_of_entry(name);
      if (!group.ok()) return group.status();
      status st = group->empty() ? read_manifest(entry) : read_group(entry, name, *group);
      if (!st.ok()) return st;
    }
  }

  // The manifest and the group files must agree: a group missing on either side means the
  // archive is incomplete or was assembled by hand wrongly.
  status check_manifest() const {
    if (!manifest)
      return refuse(std::string(k_manifest_name) + ": missing; this is not a Mainspring dump");
    std::unordered_set<std::string> listed;
    for (const std::string& g : manifest->groups) {
      if (!listed.insert(g).second)
        return refuse(std::string(k_manifest_name) + ": lists group \"" + g + "\" twice");
      if (!group_files.count(g))
        return refuse(std::string(k_manifest_name) + ": lists group \"" + g +
                      "\" but the archive has no " + file_name_of(g));
    }
    for (const group_dump& g : groups)
      if (!listed.count(g.group.name))
        return refuse(file_name_of(g.group.name) + ": not listed in " +
                      std::string(k_manifest_name));
    return {};
  }
};

}  // namespace

std::string dump_file_name(sys_ms now) {
  utc_fields t = utc_of(now);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u-%02ld%02ld%02ld-backup.tar.gz", t.year, t.month,
                t.day, t.hours, t.minutes, t.seconds);
  return text;
}

std::string rfc3339_utc(sys_ms now) { return format_rfc3339_utc(now, /*with_ms=*/false); }

status_or<std::string> write_dump(const std::vector<group_dump>& groups, sys_ms now) {
  if (status st = check_writable(groups); !st.ok()) return st;
  dump_manifest manifest{std::string(k_dump_format), k_dump_version, rfc3339_utc(now), {}};
  for (const group_dump& g : groups) manifest.groups.push_back(g.group.name);

  std::string out;
  std::unique_ptr<archive, write_free> a(archive_write_new());
  if (!a) return status::internal("libarchive: cannot allocate a writer");
  if (archive_write_add_filter_gzip(a.get()) != ARCHIVE_OK ||
      archive_write_set_format_ustar(a.get()) != ARCHIVE_OK ||
      archive_write_set_bytes_in_last_block(a.get(), 1) != ARCHIVE_OK ||
      archive_write_open(a.get(), &out, nullptr, append_to_string, nullptr) != ARCHIVE_OK)
    return archive_failure(a.get(), "setting up the writer");

  int64_t mtime_s = std::chrono::floor<std::chrono::seconds>(now).time_since_epoch().count();
  std::string text = encode_manifest(manifest);
  std::size_t total = text.size();
  if (status st = begin_file(a.get(), std::string(k_manifest_name), text.size(), mtime_s);
      !st.ok())
    return st;
  if (status st = write_data(a.get(), text); !st.ok()) return st;
  for (const group_dump& g : groups)
    if (status st = add_group_file(a.get(), g, mtime_s, &total); !st.ok()) return st;
  if (archive_write_close(a.get()) != ARCHIVE_OK) return archive_failure(a.get(), "closing");
  return out;
}

status_or<std::vector<group_dump>> read_dump(std::string_view tar_gz_bytes,
                                             const dump_limits& limits) {
  if (tar_gz_bytes.size() < 2 || static_cast<unsigned char>(tar_gz_bytes[0]) != 0x1f ||
      static_cast<unsigned char>(tar_gz_bytes[1]) != 0x8b)
    return refuse("not a gzip file; a dump is a .tar.gz archive");
  std::unique_ptr<archive, read_free> a(archive_read_new());
  if (!a) return status::internal("libarchive: cannot allocate a reader");
  // gzip and tar only: no other filter or format is ever bid on the input.
  if (archive_read_support_filter_gzip(a.get()) != ARCHIVE_OK ||
      archive_read_support_format_tar(a.get()) != ARCHIVE_OK)
    return archive_failure(a.get(), "setting up the reader");
  if (archive_read_open_memory(a.get(), tar_gz_bytes.data(), tar_gz_bytes.size()) != ARCHIVE_OK) {
    const char* why = archive_error_string(a.get());
    return refuse(std::string("not a readable tar.gz archive: ") + (why ? why : "unknown error"));
  }
  dump_reader reader(a.get(), limits);
  if (status st = reader.read_entries(); !st.ok()) return st;
  if (status st = reader.check_manifest(); !st.ok()) return st;
  return std::move(reader.groups);
}

}  // namespace mainspring
