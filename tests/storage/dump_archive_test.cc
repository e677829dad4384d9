// Tests for storage/dump_archive.h: exact round trips, the archive's layout, and refusal of
// corrupt and hostile archives (crafted here with libarchive).
#include "storage/dump_archive.h"

#include <archive.h>
#include <archive_entry.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "storage/codec.h"

using namespace mainspring;
using nlohmann::json;

namespace {

// -- records --

// Every byte a shell command may hold survives (a NUL it may not: validate_target refuses it).
const std::string k_command_with_controls = std::string("echo \x01 \"quoted\" \\ tab\t line\n", 28);

job_spec full_job(const std::string& group, const std::string& id) {
  job_spec j;
  j.id = id;
  j.group = group;
  j.name = "Hello " + id;
  j.schedule = "*/5 * * * * *";
  j.timezone = "Europe/Berlin";
  j.exec_time_s = 1'900'000'000;
  // Sorted by name: a dump keeps env and headers as JSON objects.
  j.target = shell_target{k_command_with_controls, "/bin/bash", {{"EMPTY", ""}, {"TEAM", "ops"}}, "/tmp",
                          std::string("stdin \0\xff\n", 9), true, true, true, true, "cronicle"};
  j.parent_job = "parent.job-1";
  j.ephemeral = true;
  j.expires_at_ms = 1'950'000'000'000;
  j.dialect_data = R"({"owner":"ops \"q\""})";
  j.timeout_ms = 1'500;
  j.retries = 3;
  j.retry_delay_ms = 2'500;
  j.concurrency = concurrency_policy::forbid;
  j.misfire = misfire_policy::all;
  j.memo = "日本語 — ünïcödé 🚀";
  j.metadata = {{"team", "ops"}, {"ключ", "значение"}, {"", "empty key"}};
  j.paused = true;
  j.paused_at_s = 1'700'000'200;
  j.done = true;
  j.anchor_ms = 1'700'000'000'123;
  j.otp_secret = "JBSWY3DPEHPK3PXP";
  j.created_ms = 1'600'000'000'001;
  j.updated_ms = 1'600'000'000'002;
  j.revision = 7;  // edited seven times: Cloudtask's entry version 8 survives a dump and import
  return j;
}

job_spec plain_job(const std::string& group, const std::string& id) {
  job_spec j;
  j.id = id;
  j.group = group;
  j.name = "n";
  j.schedule = "@once";
  j.target = noop_target{};
  return j;
}

func_spec full_func(const std::string& group, const std::string& name) {
  func_spec f;
  f.group = group;
  f.name = name;
  f.lua_body = "function " + name + "()\n  print(\"hi ✓\")\nend";
  f.use_otp = true;
  f.disable_group_otp = true;
  f.memo = "memo ü";
  f.secret = "GEZDGNBVGY3TQOJQ";
  f.created_ms = 42;
  return f;
}

group_dump make_group(const std::string& name) {
  group_dump g;
  g.group.name = name;
  g.group.secret = "MFRGGZDFMZTWQ2LK";
  g.group.created_ms = 1'650'000'000'000;
  return g;
}

std::vector<group_dump> sample_groups() {
  group_dump a = make_group("YM55");
  a.jobs = {full_job("YM55", "1107521665400573952"), full_job("YM55", "job_2"),
            plain_job("YM55", "3"), full_job("YM55", "http.job-4"), full_job("YM55", "lua_5"),
            full_job("YM55", "remote_6")};
  a.jobs[3].target = http_target{"POST", "http://127.0.0.1:9999?test=yao&x=\"q\"",
                                 {{"Content-Type", "application/json"}, {"X-Trace", "t"}},
                                 R"({"a":1})", {201, 202}, "ok", true, "^ok", "", true};
  a.jobs[4].target = lua_target{"function lua_5() end"};
  a.jobs[5].target = remote_target{{"n1", "n2"}, "uptime"};
  a.funcs = {full_func("YM55", "Hello"), full_func("YM55", "HelloWorld")};
  a.jobs[2].controls.pool = "nightly";  // a plain job: the field test counts job_2's fields
  a.pools = {run_pool_spec{.name = "nightly", .enabled = false, .max_running = 2, .hook_url = "http://127.0.0.1:9/h",
                           .hook_format = "cronicle", .cpu_limit_percent = 50, .cpu_sustain_s = 3,
                           .memory_limit_bytes = 1 << 20, .memory_sustain_s = 4,
                           .dialect_data = R"({"title":"Nightly ✓"})", .created_ms = 11, .updated_ms = 12},
             run_pool_spec{.name = "general"}};
  a.documents = {dumped_document{"cronicle.plugin", {"backup", R"({"id":"backup","title":"Back ✓"})", 21, 22}}};
  group_dump b = make_group("other_group");
  b.jobs = {plain_job("other_group", "1")};
  group_dump empty = make_group("empty");
  return {a, b, empty};
}

// Equal as the store would keep them: the codec writes every field.
void require_same(const std::vector<group_dump>& a, const std::vector<group_dump>& b) {
  REQUIRE(a.size() == b.size());
  for (std::size_t g = 0; g < a.size(); ++g) {
    CHECK(encode(a[g].group) == encode(b[g].group));
    REQUIRE(a[g].jobs.size() == b[g].jobs.size());
    for (std::size_t i = 0; i < a[g].jobs.size(); ++i) CHECK(encode(a[g].jobs[i]) == encode(b[g].jobs[i]));
    REQUIRE(a[g].funcs.size() == b[g].funcs.size());
    for (std::size_t i = 0; i < a[g].funcs.size(); ++i)
      CHECK(encode(a[g].funcs[i]) == encode(b[g].funcs[i]));
    CHECK(a[g].pools == b[g].pools);
    CHECK(a[g].pools_dumped == b[g].pools_dumped);
    CHECK(a[g].documents == b[g].documents);
    CHECK(a[g].documents_dumped == b[g].documents_dumped);
  }
}

sys_ms at_utc(int y, unsigned mo, unsigned d, int h, int mi, int s, int ms = 0) {
  using namespace std::chrono;
  return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi} + seconds{s} +
         milliseconds{ms};
}

// -- crafting archives --

struct raw_entry {
  raw_entry(std::string entry_name, std::string entry_body, unsigned entry_type = AE_IFREG,
            std::string link_target = {}, bool is_hardlink = false)
      : name(std::move(entry_name)),
        body(std::move(entry_body)),
        type(entry_type),
        link(std::move(link_target)),
        hardlink(is_hardlink) {}

  std::string name;
  std::string body;
  unsigned type;
  std::string link;  // symlink target, or hard link target when `hardlink`
  bool hardlink;
};

la_ssize_t append(archive*, void* out, const void* buffer, size_t n) {
  static_cast<std::string*>(out)->append(static_cast<const char*>(buffer), n);
  return static_cast<la_ssize_t>(n);
}

struct writer {
  explicit writer(bool gzip, bool raw_format = false) : a(archive_write_new(), archive_write_free) {
    if (gzip) {
      archive_write_add_filter_gzip(a.get());
      archive_write_set_filter_option(a.get(), "gzip", "compression-level", "1");
    }
    if (raw_format) archive_write_set_format_raw(a.get());
    else archive_write_set_format_ustar(a.get());
    archive_write_set_bytes_in_last_block(a.get(), 1);
    REQUIRE(archive_write_open(a.get(), &out, nullptr, append, nullptr) == ARCHIVE_OK);
  }

  void header(const raw_entry& e, int64_t size) {
    std::unique_ptr<archive_entry, void (*)(archive_entry*)> entry(archive_entry_new(),
                                                                    archive_entry_free);
    archive_entry_set_pathname(entry.get(), e.name.c_str());
    archive_entry_set_filetype(entry.get(), e.type);
    archive_entry_set_perm(entry.get(), 0644);
    if (e.type == AE_IFREG && !e.hardlink) archive_entry_set_size(entry.get(), size);
    if (e.type == AE_IFLNK) archive_entry_set_symlink(entry.get(), e.link.c_str());
    if (e.hardlink) archive_entry_set_hardlink(entry.get(), e.link.c_str());
    REQUIRE(archive_write_header(a.get(), entry.get()) == ARCHIVE_OK);
  }

  void data(const char* p, std::size_t n) {
    REQUIRE(archive_write_data(a.get(), p, n) == static_cast<la_ssize_t>(n));
  }

  std::string finish() {
    REQUIRE(archive_write_close(a.get()) == ARCHIVE_OK);
    return std::move(out);
  }

  std::unique_ptr<archive, int (*)(archive*)> a;
  std::string out;
};

std::string make_archive(const std::vector<raw_entry>& entries, bool gzip = true) {
  writer w(gzip);
  for (const raw_entry& e : entries) {
    w.header(e, static_cast<int64_t>(e.body.size()));
    if (e.type == AE_IFREG && !e.hardlink) w.data(e.body.data(), e.body.size());
  }
  return w.finish();
}

std::string gzip_bytes(const std::string& bytes) {
  writer w(true, true);
  w.header({"data", bytes}, static_cast<int64_t>(bytes.size()));
  w.data(bytes.data(), bytes.size());
  return w.finish();
}

std::string manifest_of(const std::vector<std::string>& groups) {
  return json{{"format", "mainspring-dump"}, {"version", 1}, {"created", "2026-01-01T00:00:00Z"},
              {"groups", groups}}
      .dump();
}

const std::string k_job_json =
    R"({"id":"1","group_name":"YM55","name":"n","interval_pattern":"@every 5s",)"
    R"("request_url":"NOOP@"})";

// A one-group archive whose group file is `group_text`.
std::string group_archive(const std::string& group_text, const std::string& group = "YM55") {
  return make_archive({{"dump-manifest.json", manifest_of({group})}, {group + ".json", group_text}});
}

std::string with_jobs(const std::string& jobs) {
  return R"({"group":{"name":"YM55","secret":"S","created_ms":1},"jobs":[)" + jobs +
         R"(],"funcs":[]})";
}

// The error read_dump gives, or "" when it accepts.
std::string refusal(const std::string& archive_bytes, const dump_limits& limits = {}) {
  auto r = read_dump(archive_bytes, limits);
  if (r.ok()) return "";
  CHECK(r.status().code() == status_code::invalid_argument);
  return r.status().message();
}

std::vector<std::string> entry_names(const std::string& tgz) {
  std::unique_ptr<archive, int (*)(archive*)> a(archive_read_new(), archive_read_free);
  archive_read_support_filter_gzip(a.get());
  archive_read_support_format_tar(a.get());
  REQUIRE(archive_read_open_memory(a.get(), tgz.data(), tgz.size()) == ARCHIVE_OK);
  std::vector<std::string> names;
  archive_entry* e = nullptr;
  while (archive_read_next_header(a.get(), &e) == ARCHIVE_OK) {
    CHECK(archive_entry_filetype(e) == AE_IFREG);
    CHECK((archive_entry_perm(e) & 0777) == 0644);
    names.push_back(archive_entry_pathname(e));
  }
  return names;
}

std::string entry_text(const std::string& tgz, const std::string& name) {
  std::unique_ptr<archive, int (*)(archive*)> a(archive_read_new(), archive_read_free);
  archive_read_support_filter_gzip(a.get());
  archive_read_support_format_tar(a.get());
  REQUIRE(archive_read_open_memory(a.get(), tgz.data(), tgz.size()) == ARCHIVE_OK);
  archive_entry* e = nullptr;
  while (archive_read_next_header(a.get(), &e) == ARCHIVE_OK) {
    if (name != archive_entry_pathname(e)) continue;
    std::string text(static_cast<std::size_t>(archive_entry_size(e)), '\0');
    REQUIRE(archive_read_data(a.get(), text.data(), text.size()) ==
            static_cast<la_ssize_t>(text.size()));
    return text;
  }
  FAIL("no entry " << name);
  return "";
}

}  // namespace

// -- round trips and layout --

TEST_CASE("a dump of several groups reads back exactly, every field of every record") {
  auto groups = sample_groups();
  auto tgz = write_dump(groups, at_utc(2026, 11, 23, 13, 45, 1));
  REQUIRE(tgz.ok());
  auto back = read_dump(*tgz);
  REQUIRE(back.ok());
  require_same(groups, *back);
  CHECK(back->at(2).jobs.empty());
  CHECK(back->at(2).funcs.empty());
  CHECK(back->at(0).pools.size() == 2);
  CHECK(back->at(0).documents.size() == 1);
  CHECK(back->at(0).jobs[2].controls.pool == "nightly");
  // NUL and escapes survive, and input that is no text
  CHECK(std::get<shell_target>(back->at(0).jobs[0].target).command == k_command_with_controls);
  CHECK(std::get<shell_target>(back->at(0).jobs[0].target).input == std::string("stdin \0\xff\n", 9));
}

TEST_CASE("a shell job's input is written in base64, and bad base64 is refused") {
  group_dump g = make_group("YM55");
  g.jobs = {full_job("YM55", "1")};
  auto tgz = write_dump({g}, sys_ms{}).value();
  json job = json::parse(entry_text(tgz, "YM55.json"))["jobs"][0];
  CHECK(job["stdin_base64"] == "c3RkaW4gAP8K");
  std::string bad = R"({"id":"1","group_name":"YM55","name":"n","interval_pattern":"@every 5s","executor":"shell","command":"cat","stdin_base64":"c3!="})";
  CHECK(refusal(group_archive(with_jobs(bad))).find("YM55.json: jobs[0]") == 0);
  CHECK(refusal(group_archive(with_jobs(bad))).find("illegal base64 data at input byte 2") != std::string::npos);
}

TEST_CASE("a version 1 archive (request_url and exec_command) reads into typed targets") {
  std::string jobs =
      R"({"id":"1","group_name":"YM55","name":"n","interval_pattern":"@every 5s","request_url":"HTTP@http://127.0.0.1:1/x","exec_command":""},)"
      R"({"id":"2","group_name":"YM55","name":"n","interval_pattern":"@every 5s","request_url":"","exec_command":"echo hi"},)"
      R"({"id":"3","group_name":"YM55","name":"n","interval_pattern":"@every 5s","request_url":"LUA@","exec_command":"function n() end"},)"
      R"({"id":"4","group_name":"YM55","name":"n","interval_pattern":"@every 5s","request_url":"NOOP@"})";
  auto back = read_dump(group_archive(with_jobs(jobs)));
  REQUIRE(back.ok());
  const auto& read = back->at(0).jobs;
  REQUIRE(read.size() == 4);
  CHECK(read[0].target == executor_target{http_target{.url = "http://127.0.0.1:1/x", .signed_query = true}});
  CHECK(read[1].target == executor_target{shell_target{.command = "echo hi"}});
  CHECK(read[2].target == executor_target{lua_target{"function n() end"}});
  CHECK(kind_of(read[3].target) == executor_kind::noop);
  std::string bad = R"({"id":"1","group_name":"YM55","name":"n","interval_pattern":"@every 5s","request_url":"FTP@x"})";
  CHECK(refusal(group_archive(with_jobs(bad))).find("YM55.json: jobs[0].request_url: unknown executor prefix") == 0);
}

TEST_CASE("a version 2 job names its executor and the target's fields") {
  group_dump g = make_group("YM55");
  g.jobs = {full_job("YM55", "1")};
  g.jobs[0].target = http_target{"PUT", "http://127.0.0.1:1/x", {{"A", "1"}}, "{}", {202}, "done", false, "", "", false};
  auto tgz = write_dump({g}, sys_ms{}).value();
  json job = json::parse(entry_text(tgz, "YM55.json"))["jobs"][0];
  CHECK(job["executor"] == "http");
  CHECK(job["method"] == "PUT");
  CHECK(job["url"] == "http://127.0.0.1:1/x");
  CHECK(job["headers"] == json{{"A", "1"}});
  CHECK(job["expect_code"] == 202);
  CHECK_FALSE(job.contains("request_url"));
  std::string unknown = R"({"id":"1","group_name":"YM55","name":"n","interval_pattern":"@every 5s","executor":"ftp"})";
  CHECK(refusal(group_archive(with_jobs(unknown))).find("YM55.json: jobs[0].executor: expected http, shell") == 0);
  std::string dup = R"({"id":"1","group_name":"YM55","name":"n","interval_pattern":"@every 5s","executor":"shell","command":"a","command":"b"})";
  CHECK(refusal(group_archive(with_jobs(dup))).find("duplicate key") != std::string::npos);
}

TEST_CASE("a dump holds the manifest and one plain file per group at its root") {
  auto tgz = write_dump(sample_groups(), at_utc(2026, 11, 23, 13, 45, 1)).value();
  CHECK(static_cast<unsigned char>(tgz[0]) == 0x1f);
  CHECK(static_cast<unsigned char>(tgz[1]) == 0x8b);
  CHECK(entry_names(tgz) ==
        std::vector<std::string>{"dump-manifest.json", "YM55.json", "other_group.json",
                                 "empty.json"});
  json manifest = json::parse(entry_text(tgz, "dump-manifest.json"));
  CHECK(manifest["format"] == "mainspring-dump");
  CHECK(manifest["version"] == 2);
  CHECK(manifest["created"] == "2026-11-23T13:45:01Z");
  CHECK(manifest["groups"] == json{"YM55", "other_group", "empty"});
}

TEST_CASE("a group file is readable JSON with the documented field names") {
  auto tgz = write_dump(sample_groups(), at_utc(2026, 1, 2, 3, 4, 5)).value();
  std::string text = entry_text(tgz, "YM55.json");
  // One job per line.
  CHECK(text.find("\n    {\"id\": \"job_2\", \"group_name\": \"YM55\", ") != std::string::npos);
  CHECK(text.find("日本語") != std::string::npos);                   // UTF-8 kept as is
  json file = json::parse(text);
  CHECK(file["group"] == json{{"name", "YM55"}, {"secret", "MFRGGZDFMZTWQ2LK"},
                              {"created_ms", 1'650'000'000'000}});
  const json& job = file["jobs"][1];
  CHECK(job["id"] == "job_2");
  CHECK(job["group_name"] == "YM55");
  CHECK(job["interval_pattern"] == "*/5 * * * * *");
  CHECK(job["exec_time"] == 1'900'000'000);
  CHECK(job["timeout_ms"] == 1'500);
  CHECK(job["retry_delay_ms"] == 2'500);
  CHECK(job["concurrency"] == "forbid");
  CHECK(job["misfire"] == "all");
  CHECK(job["metadata"]["team"] == "ops");
  CHECK(job["paused"] == true);
  CHECK(job["paused_at_s"] == 1'700'000'200);
  CHECK(job["done"] == true);
  CHECK(job["anchor_ms"] == 1'700'000'000'123);
  CHECK(job["otp_token"] == "JBSWY3DPEHPK3PXP");
  CHECK(job["executor"] == "shell");
  CHECK(job["shell"] == "/bin/bash");
  CHECK(job["cwd"] == "/tmp");
  CHECK(job["env"] == json{{"EMPTY", ""}, {"TEAM", "ops"}});
  CHECK(job["parent_job"] == "parent.job-1");
  CHECK(job["ephemeral"] == true);
  CHECK(job["expires_at_ms"] == 1'950'000'000'000);
  CHECK(job["stderr_apart"] == true);
  CHECK(job["progress_lines"] == true);
  CHECK(job["annotate_lines"] == true);
  CHECK(job["json_lines"] == true);
  CHECK(job["input_format"] == "cronicle");
  CHECK(job["revision"] == 7);
  // 21 plain fields (paused_at_s and revision among them), the shell target's 11 (executor, command, shell, cwd, env, stdin_base64,
  // stderr_apart, progress_lines, annotate_lines, json_lines, input_format), parent_job,
  // ephemeral, expires_at_ms, dialect_data, and the 13 controls.
  CHECK(job["max_running"] == 0);
  CHECK(job["queue"] == false);
  CHECK(job["on_failure"] == "");
  CHECK(job["log_max_bytes"] == 0);
  CHECK(job["retry_aborted"] == true);
  CHECK(job.size() == 49);

  const json& func = file["funcs"][0];
  CHECK(func["name"] == "Hello");
  CHECK(func["use_otp"] == true);
  CHECK(func.size() == 8);

  // The group's run pools after its funcs, one per line.
  CHECK(text.find("\n    {\"name\": \"general\", \"enabled\": true, ") != std::string::npos);
  const json& pool = file["pools"][0];
  CHECK(pool["name"] == "nightly");
  CHECK(pool["enabled"] == false);
  CHECK(pool["max_running"] == 2);
  CHECK(pool["dialect_data"] == R"({"title":"Nightly ✓"})");
  CHECK(pool.size() == 12);
  CHECK(json::parse(entry_text(tgz, "empty.json"))["pools"] == json::array());
}

TEST_CASE("an empty dump and a group named manifest round-trip") {
  auto none = write_dump({}, at_utc(2026, 1, 1, 0, 0, 0)).value();
  auto back = read_dump(none);
  REQUIRE(back.ok());
  CHECK(back->empty());

  group_dump m = make_group("manifest");
  m.jobs = {plain_job("manifest", "7")};
  auto tgz = write_dump({m}, at_utc(2026, 1, 1, 0, 0, 0)).value();
  auto again = read_dump(tgz);
  REQUIRE(again.ok());
  require_same({m}, *again);
}

TEST_CASE("the dump file name is the UTC time in the original's pattern") {
  CHECK(dump_file_name(at_utc(2026, 11, 23, 13, 45, 1, 999)) == "2026-11-23-134501-backup.tar.gz");
  CHECK(dump_file_name(sys_ms{}) == "1970-01-01-000000-backup.tar.gz");
  CHECK(dump_file_name(at_utc(2024, 2, 29, 23, 59, 59)) == "2024-02-29-235959-backup.tar.gz");
  CHECK(rfc3339_utc(at_utc(2026, 11, 23, 13, 45, 1, 500)) == "2026-11-23T13:45:01Z");
}

TEST_CASE("write_dump refuses what it could not read back") {
  auto now = at_utc(2026, 1, 1, 0, 0, 0);
  CHECK(write_dump({make_group("../etc")}, now).status().code() == status_code::invalid_argument);
  CHECK(write_dump({make_group("a"), make_group("a")}, now).status().code() ==
        status_code::invalid_argument);
  group_dump g = make_group("a");
  g.jobs = {plain_job("b", "1")};
  CHECK(write_dump({g}, now).status().code() == status_code::invalid_argument);
  group_dump p = make_group("a");
  p.pools = {run_pool_spec{.name = "x"}, run_pool_spec{.name = "x", .max_running = 1}};
  CHECK(write_dump({p}, now).status().message() == "run pool x of group a is dumped twice");
  group_dump d = make_group("a");
  d.documents = {dumped_document{"k", {"x", "{}", 0, 0}}, dumped_document{"k", {"x", "[]", 0, 0}}};
  CHECK(write_dump({d}, now).status().message() == "document x of kind k of group a is dumped twice");
  d.documents[1].kind = "j";  // the same name in another kind
  CHECK(write_dump({d}, now).ok());
}

TEST_CASE("an archive written before pools were dumped reads, its groups' pools unknown") {
  auto back = read_dump(group_archive(with_jobs(k_job_json)));
  REQUIRE(back.ok());
  CHECK_FALSE(back->at(0).pools_dumped);
  CHECK(back->at(0).pools.empty());
  std::string pools = with_jobs(k_job_json);
  pools.insert(pools.size() - 1, R"(,"pools":[{"name":"a","max_running":1}])");
  auto with = read_dump(group_archive(pools));
  REQUIRE(with.ok());
  CHECK(with->at(0).pools_dumped);
  CHECK(with->at(0).pools == std::vector<run_pool_spec>{{.name = "a", .max_running = 1}});
}

TEST_CASE("a bad pool is refused with its file and place named") {
  std::string bad = with_jobs("");
  bad.insert(bad.size() - 1, R"(,"pools":[{"name":"a"},{"name":"b","max_running":-2}])");
  CHECK(refusal(group_archive(bad)).starts_with("YM55.json: pools[1].max_running: "));
  std::string twice = with_jobs("");
  twice.insert(twice.size() - 1, R"(,"pools":[{"name":"a"},{"name":"a"}])");
  CHECK(refusal(group_archive(twice)) == "YM55.json: pools[1].name: duplicate pool \"a\" (also pools[0])");
}

// The memo `memo` comes back as, through a dump.
std::string memo_after_dump(const std::string& memo) {
  group_dump g = make_group("a");
  g.jobs = {plain_job("a", "1")};
  g.jobs[0].memo = memo;
  auto back = read_dump(write_dump({g}, sys_ms{}).value());
  REQUIRE(back.ok());
  return back->at(0).jobs[0].memo;
}

TEST_CASE("text that is not UTF-8 is dumped with replacement characters") {
  const std::string fffd = "\xEF\xBF\xBD";
  CHECK(memo_after_dump("bad \xff byte") == "bad " + fffd + " byte");
  CHECK(memo_after_dump("\xC0\x80") == fffd + fffd);                  // overlong NUL
  CHECK(memo_after_dump("\xED\xA0\x80") == fffd + fffd + fffd);       // a surrogate
  CHECK(memo_after_dump("\xF4\x90\x80\x80") == fffd + fffd + fffd + fffd);  // past U+10FFFF
  CHECK(memo_after_dump("end \xE2\x82") == "end " + fffd + fffd);     // cut short
  for (std::string valid : {std::string("\0\x01\x1f\x7f", 4), std::string("\xC2\x80\xDF\xBF"),
                            std::string("\xE0\xA0\x80\xEF\xBF\xBF\xED\x9F\xBF"),
                            std::string("\xF0\x90\x80\x80\xF4\x8F\xBF\xBF"), std::string("🚀 \"\\/")})
    CHECK(memo_after_dump(valid) == valid);
  std::mt19937 rng(7);
  for (int i = 0; i < 300; ++i) {  // any bytes make valid JSON
    std::string bytes(rng() % 40, '\0');
    for (char& c : bytes) c = static_cast<char>(rng() % 3 == 0 ? rng() % 128 : 128 + rng() % 128);
    memo_after_dump(bytes);
  }
}

TEST_CASE("unknown fields anywhere are ignored, whatever they hold") {
  std::string extra = R"("future":{"a":[1,2.5,{"b":null}],"c":"d"},"more":[[[]]],)";
  std::string job = k_job_json;
  job.insert(1, extra);
  std::string text = R"({)" + extra + R"("group":{)" + extra +
                     R"("name":"YM55","secret":"S","created_ms":1},"jobs":[)" + job +
                     R"(],"funcs":[{)" + extra + R"("group_name":"YM55","name":"f","lua_body":"x=1"}]})";
  std::string manifest = manifest_of({"YM55"});
  manifest.insert(1, extra);
  auto back = read_dump(make_archive({{"dump-manifest.json", manifest}, {"YM55.json", text}}));
  REQUIRE(back.ok());
  REQUIRE(back->at(0).jobs.size() == 1);
  CHECK(back->at(0).jobs[0].schedule == "@every 5s");
  CHECK(back->at(0).jobs[0].timeout_ms == k_default_timeout_ms);  // missing: the default
  CHECK(back->at(0).funcs.at(0).name == "f");
}

// -- refusals: the container --

TEST_CASE("bytes that are not a gzip'd tar are refused") {
  CHECK(refusal("").find("not a gzip file") != std::string::npos);
  CHECK(refusal("hello").find("not a gzip file") != std::string::npos);
  auto plain_tar = make_archive({{"dump-manifest.json", manifest_of({})}}, /*gzip=*/false);
  CHECK(refusal(plain_tar).find("not a gzip file") != std::string::npos);
  CHECK(refusal(gzip_bytes("just some text, no tar here")).find("not a readable tar.gz") !=
        std::string::npos);
  CHECK(refusal(gzip_bytes("")) != "");
}

TEST_CASE("every truncation of a valid archive is refused") {
  auto tgz = write_dump(sample_groups(), sys_ms{}).value();
  REQUIRE(read_dump(tgz).ok());
  for (std::size_t n = 0; n < tgz.size(); n += 7) {
    INFO("prefix of " << n << " bytes");
    CHECK(refusal(tgz.substr(0, n)) != "");
  }
}

TEST_CASE("entries with paths, odd names or of other kinds than plain files are refused") {
  std::string manifest = manifest_of({"YM55"});
  for (std::string name : {"../x.json", "/etc/passwd", "a/../../b", "/YM55.json", "./YM55.json",
                           "dir/YM55.json", "..\\x.json"}) {
    INFO(name);
    CHECK(refusal(make_archive({{"dump-manifest.json", manifest}, {name, "{}"}}))
              .find("paths are not allowed") != std::string::npos);
  }
  for (std::string name : {"YM55.txt", "bad-name.json", ".json", "manifest.JSON",
                           "a_name_far_longer_than_22.json", "YM55.json.gz"}) {
    INFO(name);
    CHECK(refusal(make_archive({{"dump-manifest.json", manifest}, {name, "{}"}}))
              .find("not a dump file") != std::string::npos);
  }
  raw_entry symlink{"YM55.json", "", AE_IFLNK, "/etc/passwd"};
  CHECK(refusal(make_archive({{"dump-manifest.json", manifest}, symlink}))
            .find("YM55.json\": a symbolic link") != std::string::npos);
  raw_entry hardlink{"YM55.json", "", AE_IFREG, "dump-manifest.json", true};
  CHECK(refusal(make_archive({{"dump-manifest.json", manifest}, hardlink}))
            .find("a hard link") != std::string::npos);
  CHECK(refusal(make_archive({{"YM55.json", "", AE_IFDIR}})).find("a directory") !=
        std::string::npos);
  CHECK(refusal(make_archive({{"YM55.json", "", AE_IFCHR}})).find("a device") != std::string::npos);
  CHECK(refusal(make_archive({{"YM55.json", "", AE_IFIFO}})).find("a FIFO") != std::string::npos);
}

TEST_CASE("an entry or an archive past its size limit, or too many entries, is refused") {
  auto tgz = write_dump(sample_groups(), sys_ms{}).value();
  dump_limits small;
  small.max_entry_bytes = 1000;
  CHECK(refusal(tgz, small).find("YM55.json: ") == 0);
  CHECK(refusal(tgz, small).find("the limit for one entry") != std::string::npos);

  std::size_t all_bytes = 0;
  for (const std::string& name : entry_names(tgz)) all_bytes += entry_text(tgz, name).size();
  dump_limits total;
  total.max_total_bytes = all_bytes;
  CHECK(read_dump(tgz, total).ok());
  total.max_total_bytes = all_bytes - 1;
  CHECK(refusal(tgz, total) == "empty.json: the archive decompresses to more than " +
                                   std::to_string(all_bytes - 1) + " bytes, the limit");

  dump_limits few;
  few.max_entries = 3;
  CHECK(refusal(tgz, few) == "more than 3 entries");

  dump_limits budget;
  budget.max_decoded_bytes = 2000;
  CHECK(refusal(tgz, budget).find("the decoded records would hold more than 2000 bytes") !=
        std::string::npos);
}

TEST_CASE("a decompression bomb is refused quickly without being inflated whole") {
  // 100 MB of zeros compress to about 100 KB.
  writer w(true);
  w.header({"YM55.json", ""}, 100'000'000);
  std::string zeros(1 << 20, '\0');
  for (int64_t left = 100'000'000; left > 0; left -= static_cast<int64_t>(zeros.size()))
    w.data(zeros.data(), static_cast<std::size_t>(std::min<int64_t>(left, zeros.size())));
  std::string bomb = w.finish();
  CHECK(bomb.size() < 1'000'000);

  dump_limits limit;
  limit.max_entry_bytes = 64 << 20;
  CHECK(refusal(bomb, limit) ==
        "YM55.json: 100000000 bytes, more than 67108864, the limit for one entry");
  // Within the default limits the parser stops at the first byte that is not JSON.
  CHECK(refusal(bomb).find("YM55.json: invalid JSON") == 0);
}

TEST_CASE("a JSON string or number past the token limit is refused before it is buffered") {
  dump_limits limits;
  limits.max_token_bytes = 1000;
  std::string memo = R"("memo":")" + std::string(1001, 'x') + "\"";
  std::string job = k_job_json;
  job.insert(job.size() - 1, "," + memo);
  CHECK(refusal(group_archive(with_jobs(job)), limits) ==
        "YM55.json: a JSON string or number longer than 1000 bytes");
  std::string number = R"({"unknown":)" + std::string(1001, '1') + R"(,"group":{"name":"YM55"}})";
  CHECK(refusal(group_archive(number), limits) ==
        "YM55.json: a JSON string or number longer than 1000 bytes");
  std::string escaped = R"({"unknown":")" + std::string(1002, '\\') + R"(","group":{"name":"YM55"}})";
  CHECK(refusal(group_archive(escaped), limits) ==
        "YM55.json: a JSON string or number longer than 1000 bytes");
  job = k_job_json;
  job.insert(job.size() - 1, R"(,"memo":")" + std::string(1000, 'x') + "\"");
  CHECK(read_dump(group_archive(with_jobs(job)), limits).ok());  // at the limit: fine

  // The longest legitimate field, escaped at 6 bytes a byte, passes the default limit.
  group_dump g = make_group("YM55");
  g.jobs = {plain_job("YM55", "1")};
  g.jobs[0].target = lua_target{std::string(k_max_command_bytes, '\x01')};
  auto back = read_dump(write_dump({g}, sys_ms{}).value());
  REQUIRE(back.ok());
  CHECK(back->at(0).jobs[0].target == g.jobs[0].target);
}

TEST_CASE("the token guard follows strings and numbers across blocks") {
  json_token_guard guard(4);
  CHECK(guard.accept(R"({"ab)") == 4);
  CHECK(guard.accept(R"(\")") == 2);   // 4 bytes so far: a, b, backslash, quote
  CHECK(guard.accept(R"(", "x": 12)") == 10);
  CHECK(guard.accept("34") == 2);      // 1234: four bytes
  CHECK(guard.accept("5}") == 0);      // 12345: five
  CHECK(guard.tripped());
  CHECK(guard.accept("}") == 0);

  json_token_guard tokens(4);  // "\"\"" is 4 bytes, 1e10 too; -1.5e+3 trips at its fifth
  CHECK(tokens.accept(R"(["abc", "\"\"", 1e10, -1.5e+3])") == 26);
  CHECK(tokens.tripped());
}

// -- refusals: the JSON --

TEST_CASE("bad JSON and wrong JSON types are refused with the place named") {
  CHECK(refusal(group_archive("{")).find("YM55.json: invalid JSON") == 0);
  CHECK(refusal(group_archive("[]")) == "YM55.json: expected a JSON object at the top level");
  CHECK(refusal(group_archive(with_jobs(k_job_json) + " trailing")).find("invalid JSON") !=
        std::string::npos);
  CHECK(refusal(group_archive(R"({"jobs":[]})")) == "YM55.json: group: required");
  CHECK(refusal(group_archive(R"({"group":"YM55"})")) ==
        "YM55.json: group: expected an object, got a string");

  auto with_field = [](const std::string& field_json) {
    std::string job = k_job_json;
    job.insert(job.size() - 1, "," + field_json);
    return refusal(group_archive(with_jobs(k_job_json + "," + job)));
  };
  CHECK(with_field(R"("timeout_ms":"60")") ==
        "YM55.json: jobs[1].timeout_ms: expected an integer, got a string");
  CHECK(with_field(R"("retries":1.5)") ==
        "YM55.json: jobs[1].retries: expected an integer, got a fractional number");
  CHECK(with_field(R"("retries":4294967296)") ==
        "YM55.json: jobs[1].retries: out of range for a 32-bit integer");
  CHECK(with_field(R"("exec_time":18446744073709551615)") ==
        "YM55.json: jobs[1].exec_time: out of range for a 64-bit integer");
  CHECK(with_field(R"("paused":1)") == "YM55.json: jobs[1].paused: expected a boolean, got an integer");
  CHECK(with_field(R"("memo":null)") == "YM55.json: jobs[1].memo: expected a string, got null");
  CHECK(with_field(R"("metadata":[])") ==
        "YM55.json: jobs[1].metadata: expected an object, got an array");
  CHECK(with_field(R"("metadata":{"team":1})") ==
        "YM55.json: jobs[1].metadata.team: expected a string, got an integer");
  CHECK(with_field(R"("concurrency":"sometimes")") ==
        "YM55.json: jobs[1].concurrency: expected allow or forbid, got \"sometimes\"");
  CHECK(with_field(R"("misfire":"never")") ==
        "YM55.json: jobs[1].misfire: expected skip, once or all, got \"never\"");
  CHECK(with_field(R"("name":"again")") == "YM55.json: jobs[1].name: duplicate key");
  CHECK(with_field(R"("exec_time":253402300800)").find("YM55.json: jobs[1]: exec_time: ") == 0);
  CHECK(with_field(R"("created_ms":-1)") ==
        "YM55.json: jobs[1].created_ms: must be between 0 and 253402300799999 (the year 9999), "
        "got -1");
  CHECK(with_field(R"("anchor_ms":-9223372036854775808)") ==
        "YM55.json: jobs[1].anchor_ms: must be between 0 and 253402300799999 (the year 9999), "
        "got -9223372036854775808");
  CHECK(with_field(R"("metadata":{"a":"1","a":"2"})") ==
        "YM55.json: jobs[1].metadata.a: duplicate key");
  std::string many = R"("metadata":{)";
  for (int i = 0; i <= 64; ++i) many += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":\"v\"";
  CHECK(with_field(many + "}") == "YM55.json: jobs[1].metadata.k64: more than 64 metadata entries");
  CHECK(refusal(group_archive(R"({"group":{"name":"YM55"},"jobs":[],"jobs":[]})")) ==
        "YM55.json: jobs: duplicate key");
  CHECK(refusal(group_archive(with_jobs(k_job_json + ",[]"))) ==
        "YM55.json: jobs[1]: expected an object, got an array");
  CHECK(refusal(group_archive(R"({"group":{"name":"YM55"},"funcs":[{"use_otp":"yes"}]})")) ==
        "YM55.json: funcs[0].use_otp: expected a boolean, got a string");
}

TEST_CASE("JSON nested past the limit is refused even inside unknown fields") {
  std::string deep = std::string(100, '[') + std::string(100, ']');
  CHECK(refusal(group_archive(R"({"x":)" + deep + R"(,"group":{"name":"YM55"}})")) ==
        "YM55.json: nested deeper than 32 levels");
}

TEST_CASE("names that disagree with the file, duplicates and invalid jobs are refused") {
  CHECK(refusal(group_archive(R"({"group":{"name":"Other"}})")) ==
        "YM55.json: group.name: \"Other\" is not the file's group \"YM55\"");
  std::string other = k_job_json;
  other.replace(other.find("\"YM55\""), 6, "\"Other\"");
  CHECK(refusal(group_archive(with_jobs(other))) ==
        "YM55.json: jobs[0].group_name: \"Other\" is not the file's group \"YM55\"");
  CHECK(refusal(group_archive(with_jobs(k_job_json + "," + k_job_json))) ==
        "YM55.json: jobs[1].id: duplicate job id \"1\" (also jobs[0])");
  std::string no_id = k_job_json;
  no_id.erase(1, 9);
  CHECK(refusal(group_archive(with_jobs(no_id))) == "YM55.json: jobs[0].id: required");
  std::string bad = k_job_json;
  bad.replace(bad.find("@every 5s"), 9, "bogus");
  CHECK(refusal(group_archive(with_jobs(k_job_json + "," + bad))).find(
            "YM55.json: jobs[1]: interval_pattern: ") == 0);
  CHECK(refusal(group_archive(R"({"group":{"name":"YM55"},"funcs":[{"group_name":"YM55",)"
                              R"("name":"f","lua_body":"x=1"},{"group_name":"YM55","name":"f","lua_body":"x=1"}]})")) ==
        "YM55.json: funcs[1].name: duplicate func \"f\" (also funcs[0])");
  CHECK(refusal(group_archive(R"({"group":{"name":"YM55"},"funcs":[{"group_name":"YM55",)"
                              R"("name":"no-dash"}]})"))
            .find("YM55.json: funcs[0].name: must match") == 0);
  CHECK(refusal(group_archive(R"({"group":{"name":"YM55"},"funcs":[{"group_name":"YM55",)"
                              R"("name":"f"}]})")) == "YM55.json: funcs[0].lua_body: required");

  // Secrets as given must be base32 ("" lets the server make one).
  CHECK(refusal(group_archive(R"({"group":{"name":"YM55","secret":"!!"}})")) ==
        "YM55.json: group.secret: not a base32 TOTP secret");
  std::string bad_token = k_job_json;
  bad_token.insert(1, R"("otp_token":"1!",)");
  CHECK(refusal(group_archive(with_jobs(bad_token))) == "YM55.json: jobs[0].otp_token: not a base32 TOTP secret");
  CHECK(refusal(group_archive(R"({"group":{"name":"YM55"},"funcs":[{"group_name":"YM55",)"
                              R"("name":"f","lua_body":"x=1","secret":"x y z 1"}]})")) ==
        "YM55.json: funcs[0].secret: not a base32 TOTP secret");

  std::string g = with_jobs("");
  CHECK(refusal(make_archive({{"dump-manifest.json", manifest_of({"YM55"})},
                              {"YM55.json", g},
                              {"YM55.json", g}})) == "YM55.json: the archive holds it twice");
}

TEST_CASE("the manifest must be there, be ours, and agree with the group files") {
  std::string g = with_jobs("");
  CHECK(refusal(make_archive({{"YM55.json", g}})) ==
        "dump-manifest.json: missing; this is not a Mainspring dump");
  CHECK(refusal(make_archive({{"dump-manifest.json", manifest_of({"YM55", "B"})},
                              {"YM55.json", g}})) ==
        "dump-manifest.json: lists group \"B\" but the archive has no B.json");
  CHECK(refusal(make_archive({{"dump-manifest.json", manifest_of({})}, {"YM55.json", g}})) ==
        "YM55.json: not listed in dump-manifest.json");
  CHECK(refusal(make_archive({{"dump-manifest.json", manifest_of({"YM55", "YM55"})},
                              {"YM55.json", g}})) ==
        "dump-manifest.json: lists group \"YM55\" twice");
  CHECK(refusal(make_archive({{"dump-manifest.json", manifest_of({})},
                              {"dump-manifest.json", manifest_of({})}})) ==
        "dump-manifest.json: the archive holds it twice");
  CHECK(refusal(make_archive({{"dump-manifest.json",
                               R"({"format":"mainspring-dump","version":3,"groups":[]})"}})) ==
        "dump-manifest.json: version 3 was written by a newer Mainspring; this one reads version 2");
  CHECK(refusal(make_archive({{"dump-manifest.json",
                               R"({"format":"mainspring-dump","version":0,"groups":[]})"}})) ==
        "dump-manifest.json: version: expected 1 to 2, got 0");
  CHECK(refusal(make_archive({{"dump-manifest.json", R"({"format":"tarball","version":1})"}}))
            .find("dump-manifest.json: format: expected \"mainspring-dump\"") == 0);
  CHECK(refusal(make_archive({{"dump-manifest.json",
                               R"({"format":"mainspring-dump","version":1,"groups":["../x"]})"}}))
            .find("dump-manifest.json: groups[0]: group_name: must match") == 0);
}

TEST_CASE("error messages are printable ASCII whatever the archive holds") {
  std::string message = refusal(make_archive({{"d\xff\x01r/\xc3\xa9.json", "{}"}}));
  REQUIRE(message != "");
  for (char c : message) CHECK((static_cast<unsigned char>(c) >= 0x20 && c != 0x7f));
  CHECK(message.find("\"d??r/??.json\"") != std::string::npos);
}

// -- robustness --

TEST_CASE("random corruption of a valid archive never crashes the reader") {
  auto groups = sample_groups();
  std::string tgz = write_dump(groups, sys_ms{}).value();
  std::string tar;
  {
    std::unique_ptr<archive, int (*)(archive*)> a(archive_read_new(), archive_read_free);
    archive_read_support_filter_gzip(a.get());
    archive_read_support_format_raw(a.get());
    REQUIRE(archive_read_open_memory(a.get(), tgz.data(), tgz.size()) == ARCHIVE_OK);
    archive_entry* e = nullptr;
    REQUIRE(archive_read_next_header(a.get(), &e) == ARCHIVE_OK);
    char buffer[4096];
    for (la_ssize_t n; (n = archive_read_data(a.get(), buffer, sizeof buffer)) > 0;)
      tar.append(buffer, static_cast<std::size_t>(n));
  }
  REQUIRE(read_dump(gzip_bytes(tar)).ok());
  std::string group_text = encode_group_file(groups[0]);
  std::string manifest = manifest_of({"YM55"});

  std::mt19937 rng(20261123);
  auto mutate = [&rng](std::string bytes) {
    int edits = 1 + static_cast<int>(rng() % 8);
    for (int i = 0; i < edits && !bytes.empty(); ++i) {
      std::size_t at = rng() % bytes.size();
      switch (rng() % 4) {
        case 0: bytes[at] = static_cast<char>(rng()); break;
        case 1: bytes[at] ^= static_cast<char>(1 << (rng() % 8)); break;
        case 2: bytes.erase(at, 1 + rng() % 16); break;
        case 3: bytes.insert(at, 1 + rng() % 4, static_cast<char>(rng())); break;
      }
    }
    return bytes;
  };
  int accepted = 0;
  for (int i = 0; i < 1000; ++i) accepted += read_dump(mutate(tgz)).ok();
  for (int i = 0; i < 1000; ++i) accepted += read_dump(gzip_bytes(mutate(tar))).ok();
  for (int i = 0; i < 1000; ++i)
    accepted += read_dump(make_archive({{"dump-manifest.json", manifest},
                                        {"YM55.json", mutate(group_text)}}))
                    .ok();
  // Reaching here without a crash is the point; a few mutations (inside a memo) stay valid.
  CHECK(accepted < 3000);
}
