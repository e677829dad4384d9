// LevelDB logs written over zeros: the zeros are there while a log is open and gone once it is
// closed; what a crash leaves (zeros, a torn record, unwritten pages) is cut back to the last
// whole record so LevelDB opens the store with every synced write; other damage is left for
// LevelDB to report.
#include "storage/log_runway.h"

#include <leveldb/db.h>
#include <leveldb/write_batch.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>

#include "tests/support/temp_dir.h"

using namespace mainspring;
namespace fs = std::filesystem;

namespace {

struct temp_dir : testing::temp_dir {
  temp_dir() : testing::temp_dir("ms_log_runway_test") {}
};

leveldb::Options options(leveldb::Env* env) {
  leveldb::Options o;
  o.create_if_missing = true;
  o.paranoid_checks = true;  // as the store opens it: damage is an error, not a silent drop
  o.env = env;
  return o;
}

std::unique_ptr<leveldb::DB> open_db(const std::string& dir, leveldb::Env* env) {
  leveldb::DB* raw = nullptr;
  leveldb::Status s = leveldb::DB::Open(options(env), dir, &raw);
  INFO(s.ToString());
  REQUIRE(s.ok());
  return std::unique_ptr<leveldb::DB>(raw);
}

void put_synced(leveldb::DB* db, const std::string& key, const std::string& value) {
  leveldb::WriteOptions wo;
  wo.sync = true;
  REQUIRE(db->Put(wo, key, value).ok());
}

std::optional<std::string> get(leveldb::DB* db, const std::string& key) {
  std::string value;
  if (!db->Get(leveldb::ReadOptions{}, key, &value).ok()) return std::nullopt;
  return value;
}

std::string the_log(const std::string& dir) {
  std::string found;
  for (const auto& e : fs::directory_iterator(dir))
    if (is_leveldb_log_name(e.path().string())) {
      REQUIRE(found.empty());  // one log in these small stores
      found = e.path().string();
    }
  REQUIRE(!found.empty());
  return found;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// What a kill -9 of the writing process leaves: its files as they are in the page cache now.
// The DB stays open (as it would until the process dies).
std::string crash_image(const std::string& dir, const std::string& to) {
  fs::create_directories(to);
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename() != "LOCK") fs::copy_file(e.path(), to + "/" + e.path().filename().string());
  return to;
}

// A store with `n` synced values ("k0".."k<n-1>", each `bytes` long) and, in a copy taken while
// it is open, its log.
struct written_store {
  temp_dir dir;
  log_runway_env env{leveldb::Env::Default()};
  std::unique_ptr<leveldb::DB> db;
  std::string image;

  written_store(int n, std::size_t bytes) {
    db = open_db(dir.path + "/db", &env);
    for (int k = 0; k < n; ++k) put_synced(db.get(), "k" + std::to_string(k), std::string(bytes, static_cast<char>('a' + k % 26)));
    image = crash_image(dir.path + "/db", dir.path + "/image");
  }
};

}  // namespace

TEST_CASE("log names are LevelDB's numbered .log files only") {
  CHECK(is_leveldb_log_name("000123.log"));
  CHECK(is_leveldb_log_name("/data/dir/000005.log"));
  CHECK_FALSE(is_leveldb_log_name("LOG"));
  CHECK_FALSE(is_leveldb_log_name("LOG.old"));
  CHECK_FALSE(is_leveldb_log_name("/data/.log"));
  CHECK_FALSE(is_leveldb_log_name("x1.log"));
  CHECK_FALSE(is_leveldb_log_name("000005.ldb"));
  CHECK_FALSE(is_leveldb_log_name("MANIFEST-000002"));
}

TEST_CASE("an open log has zeros ahead of its records, and a closed one ends at its last record") {
  written_store s(5, 100);
  const std::string log = the_log(s.dir.path + "/db");
  const auto open_size = fs::file_size(log);
  // Five records of ~110 bytes, and the runway.
  CHECK(open_size >= k_log_runway_bytes);
  const std::string bytes = read_file(log);
  const auto last_nonzero = bytes.find_last_not_of('\0');
  REQUIRE(last_nonzero != std::string::npos);
  CHECK(last_nonzero < 1000);

  s.db.reset();
  CHECK(fs::file_size(log) == last_nonzero + 1);
  // And LevelDB reads it back whole.
  auto db = open_db(s.dir.path + "/db", &s.env);
  CHECK(get(db.get(), "k4") == std::string(100, 'e'));
}

TEST_CASE("a crash image's zero tail is cut and every synced write is read back") {
  written_store s(5, 100);
  const std::string log = the_log(s.image);
  const auto with_zeros = fs::file_size(log);
  auto cut = trim_log_tail(log);
  REQUIRE(cut.ok());
  CHECK(*cut < with_zeros);
  CHECK(fs::file_size(log) == *cut);
  CHECK(read_file(log).back() != '\0');
  auto db = open_db(s.image, leveldb::Env::Default());
  for (int k = 0; k < 5; ++k) CHECK(get(db.get(), "k" + std::to_string(k)).has_value());
}

TEST_CASE("a record torn by a crash is cut with the zeros after it, and the records before it stay") {
  // The last value spans blocks: its record is written in several pieces.
  written_store s(4, 100);
  put_synced(s.db.get(), "big", std::string(70'000, 'z'));
  crash_image(s.dir.path + "/db", s.dir.path + "/torn");
  const std::string log = the_log(s.dir.path + "/torn");
  std::string bytes = read_file(log);
  const auto end = bytes.find_last_not_of('\0') + 1;
  // The write stopped 10,000 bytes short of the record's end: zeros from there on.
  std::fill(bytes.begin() + static_cast<std::ptrdiff_t>(end - 10'000), bytes.end(), '\0');
  write_file(log, bytes);

  SECTION("LevelDB alone reports it as damage") {
    leveldb::DB* raw = nullptr;
    leveldb::Status st = leveldb::DB::Open(options(leveldb::Env::Default()), s.dir.path + "/torn", &raw);
    delete raw;
    CHECK(st.IsCorruption());
  }
  SECTION("trimmed first, the store opens without the torn write") {
    REQUIRE(trim_log_tails(s.dir.path + "/torn").ok());
    CHECK(fs::file_size(log) < end - 10'000);
    auto db = open_db(s.dir.path + "/torn", leveldb::Env::Default());
    for (int k = 0; k < 4; ++k) CHECK(get(db.get(), "k" + std::to_string(k)).has_value());
    CHECK_FALSE(get(db.get(), "big").has_value());
  }
}

TEST_CASE("after a page of zeros (not written before a power loss) the rest of the log is cut") {
  written_store s(2, 100);
  // Later writes, unsynced when the power went: their first page never reached the disk, a
  // later one did.
  for (int k = 0; k < 100; ++k) REQUIRE(s.db->Put(leveldb::WriteOptions{}, "late" + std::to_string(k), std::string(200, 'x')).ok());
  crash_image(s.dir.path + "/db", s.dir.path + "/power");
  const std::string log = the_log(s.dir.path + "/power");
  std::string bytes = read_file(log);
  REQUIRE(bytes.find_last_not_of('\0') > 3 * 4096);
  std::fill(bytes.begin() + 4096, bytes.begin() + 2 * 4096, '\0');
  write_file(log, bytes);

  REQUIRE(trim_log_tails(s.dir.path + "/power").ok());
  CHECK(fs::file_size(log) < 4096 + 4096);
  auto db = open_db(s.dir.path + "/power", leveldb::Env::Default());
  CHECK(get(db.get(), "k0").has_value());
  CHECK(get(db.get(), "k1").has_value());
  CHECK_FALSE(get(db.get(), "late99").has_value());
}

TEST_CASE("damage that no crash leaves is not cut: LevelDB still reports it") {
  written_store s(20, 100);
  s.db.reset();  // a closed log: no zeros
  const std::string log = the_log(s.dir.path + "/db");
  std::string bytes = read_file(log);
  bytes[300] = static_cast<char>(bytes[300] ^ 0x5a);  // inside an early record, with records after it
  write_file(log, bytes);

  auto kept = trim_log_tail(log);
  REQUIRE(kept.ok());
  CHECK(*kept == bytes.size());
  CHECK(read_file(log) == bytes);
  leveldb::DB* raw = nullptr;
  leveldb::Status st = leveldb::DB::Open(options(leveldb::Env::Default()), s.dir.path + "/db", &raw);
  delete raw;
  CHECK(st.IsCorruption());
}

TEST_CASE("a log of nothing but zeros is cut to nothing, and an intact log is not touched") {
  temp_dir dir;
  write_file(dir.path + "/000007.log", std::string(5000, '\0'));
  auto cut = trim_log_tail(dir.path + "/000007.log");
  REQUIRE(cut.ok());
  CHECK(*cut == 0);
  CHECK(fs::file_size(dir.path + "/000007.log") == 0);

  written_store s(3, 50);
  s.db.reset();
  const std::string log = the_log(s.dir.path + "/db");
  const std::string before = read_file(log);
  auto kept = trim_log_tail(log);
  REQUIRE(kept.ok());
  CHECK(*kept == before.size());
  CHECK(read_file(log) == before);
}

TEST_CASE("the runway grows with the log: a log longer than one runway still reads back whole") {
  written_store s(0, 0);
  for (int k = 0; k < 40; ++k) put_synced(s.db.get(), "k" + std::to_string(k), std::string(20'000, 'q'));
  const std::string log = the_log(s.dir.path + "/db");
  CHECK(fs::file_size(log) > 40 * 20'000);
  crash_image(s.dir.path + "/db", s.dir.path + "/grown");
  REQUIRE(trim_log_tails(s.dir.path + "/grown").ok());
  auto db = open_db(s.dir.path + "/grown", leveldb::Env::Default());
  for (int k = 0; k < 40; ++k) CHECK(get(db.get(), "k" + std::to_string(k)) == std::string(20'000, 'q'));
}

TEST_CASE("a log that is never synced has no zeros ahead of it") {
  temp_dir dir;
  log_runway_env env(leveldb::Env::Default());
  auto db = open_db(dir.path + "/db", &env);
  for (int k = 0; k < 50; ++k) REQUIRE(db->Put(leveldb::WriteOptions{}, "run" + std::to_string(k), std::string(150, 'r')).ok());
  const std::string bytes = read_file(the_log(dir.path + "/db"));
  REQUIRE(!bytes.empty());
  CHECK(bytes.back() != '\0');
  CHECK(bytes.size() < k_log_runway_bytes);
  put_synced(db.get(), "change", "c");
  CHECK(fs::file_size(the_log(dir.path + "/db")) >= bytes.size() + k_log_runway_bytes / 2);
}
