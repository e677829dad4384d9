#include "storage/codec.h"
#include "tests/storage/legacy_run_value.h"

#include <catch2/catch.hpp>
#include <random>

using namespace mainspring;

namespace {

job_spec sample_job() {
  job_spec j;
  j.id = "1107521665400573952";
  j.group = "YM55";
  j.name = "Hello / world %";
  j.schedule = "*/5 * * * * *";
  j.timezone = "Europe/Paris";
  j.exec_time_s = 1'700'000'000;
  j.target = shell_target{std::string("echo \0 binary", 13), "/bin/bash", {{"A", "1"}, {"", ""}}, "/tmp"};
  j.parent_job = "parent.job-1";
  j.ephemeral = true;
  j.expires_at_ms = 1'800'000'000'000;
  j.dialect_data = R"({"owner":"ops"})";
  j.timeout_ms = 12'345;
  j.retries = 3;
  j.retry_delay_ms = -7;
  j.concurrency = concurrency_policy::forbid;
  j.misfire = misfire_policy::all;
  j.memo = "memo";
  j.metadata = {{"a", "1"}, {"", ""}, {"key with spaces", std::string(1000, 'x')}};
  j.paused = true;
  j.paused_at_s = 1'700'000'100;
  j.otp_secret = "JBSWY3DPEHPK3PXP";
  j.done = true;
  j.anchor_ms = 1'700'000'000'500;
  j.created_ms = 1;
  j.updated_ms = -2;
  j.revision = 7;
  j.controls = job_controls{.max_running = 2, .queue = true, .queue_max = 5, .on_success = "b", .on_failure = "c",
                            .hook_url = "http://127.0.0.1:9/h", .hook_format = "cronicle", .cpu_limit_percent = 90,
                            .cpu_sustain_s = 3, .memory_limit_bytes = 1'000'000, .memory_sustain_s = 4,
                            .log_max_bytes = 100};
  return j;
}

run_record sample_run() {
  run_record r;
  r.run_id = 0xfedcba9876543210ULL;
  r.job_id = "12";
  r.group = "YM55";
  r.trigger = run_trigger::misfire;
  r.attempt = 2;
  r.state = run_state::timed_out;
  r.plan_ms = 100;
  r.start_ms = 150;
  r.end_ms = 400;
  r.code = -9;
  r.output_tail = "tail\n";
  r.error = "timeout";
  r.node = "w1";
  return r;
}

func_spec sample_func() {
  return func_spec{"YM55", "fn", "return 1", true, true, "memo", "SECRET", 42};
}

audit_entry sample_audit() {
  return audit_entry{1'700'000'000'123, "native", "key1", "job.add", "YM55", "12", R"({"x":1})", "127.0.0.1"};
}

node_spec sample_node() {
  node_spec n;
  n.id = "worker_1";
  n.group = "YM55";
  n.hostname = "build-3.example.org";
  n.ip = "10.0.0.7";
  n.mac = "52:54:00:12:34:56";
  n.broadcast_addr = "10.0.0.255";
  n.grpc_listen = "10.0.0.7:9090";
  n.machine_code = std::string("mc\0bin", 6);
  n.otp_secret = "JBSWY3DPEHPK3PXP";
  n.registered_ms = 1'700'000'000'000;
  n.last_seen_ms = -3;
  n.tags = {{"rack", "a"}, {"zone", ""}};
  return n;
}

api_key_record sample_api_key() {
  api_key_record k;
  k.key_id = "ci-deploy_2";
  k.secret_hash = std::string(64, 'a');
  k.api = "native";
  k.group = "YM55";
  k.memo = "deploys from CI";
  k.created_ms = 1'700'000'000'321;
  k.disabled = true;
  k.title = "CI deploys";
  k.privileges = {"create_events", "run_events"};
  k.last_used_ms = 1'700'000'100'000;
  return k;
}

// The bytes format 2 appended to an API key: the title, the privileges and last_used_ms.
std::size_t api_key_format2_bytes(const api_key_record& k) {
  std::size_t n = 4 + k.title.size() + 4 + 8;
  for (const auto& p : k.privileges) n += 4 + p.size();
  return n;
}

bool same(const node_spec& a, const node_spec& b) {
  return a.id == b.id && a.group == b.group && a.hostname == b.hostname && a.ip == b.ip &&
         a.mac == b.mac && a.broadcast_addr == b.broadcast_addr && a.grpc_listen == b.grpc_listen &&
         a.machine_code == b.machine_code && a.otp_secret == b.otp_secret &&
         a.registered_ms == b.registered_ms && a.last_seen_ms == b.last_seen_ms && a.tags == b.tags;
}

bool same(const api_key_record& a, const api_key_record& b) {
  return a.key_id == b.key_id && a.secret_hash == b.secret_hash && a.api == b.api &&
         a.group == b.group && a.memo == b.memo && a.created_ms == b.created_ms &&
         a.disabled == b.disabled && a.title == b.title && a.privileges == b.privileges &&
         a.last_used_ms == b.last_used_ms;
}

bool same(const job_spec& a, const job_spec& b) {
  return a.id == b.id && a.group == b.group && a.name == b.name && a.schedule == b.schedule &&
         a.timezone == b.timezone && a.exec_time_s == b.exec_time_s &&
         a.target == b.target && a.parent_job == b.parent_job && a.ephemeral == b.ephemeral &&
         a.expires_at_ms == b.expires_at_ms && a.dialect_data == b.dialect_data &&
         a.timeout_ms == b.timeout_ms && a.retries == b.retries &&
         a.retry_delay_ms == b.retry_delay_ms && a.concurrency == b.concurrency &&
         a.misfire == b.misfire && a.memo == b.memo && a.metadata == b.metadata &&
         a.paused == b.paused && a.otp_secret == b.otp_secret && a.created_ms == b.created_ms &&
         a.updated_ms == b.updated_ms && a.done == b.done && a.anchor_ms == b.anchor_ms &&
         a.controls == b.controls && a.revision == b.revision && a.paused_at_s == b.paused_at_s;
}

// Everything but the run's identity, which a format 3 value leaves to its key.
bool same_fields(const run_record& a, const run_record& b) {
  return a.trigger == b.trigger && a.attempt == b.attempt && a.state == b.state &&
         a.plan_ms == b.plan_ms && a.start_ms == b.start_ms && a.end_ms == b.end_ms &&
         a.code == b.code && a.output_tail == b.output_tail && a.error == b.error && a.node == b.node;
}
bool same(const run_record& a, const run_record& b) {
  return a.run_id == b.run_id && a.job_id == b.job_id && a.group == b.group && same_fields(a, b);
}


bool same(const func_spec& a, const func_spec& b) {
  return a.group == b.group && a.name == b.name && a.lua_body == b.lua_body &&
         a.use_otp == b.use_otp && a.disable_group_otp == b.disable_group_otp && a.memo == b.memo &&
         a.secret == b.secret && a.created_ms == b.created_ms;
}

bool same(const audit_entry& a, const audit_entry& b) {
  return a.time_ms == b.time_ms && a.api == b.api && a.key_id == b.key_id && a.action == b.action &&
         a.group == b.group && a.job_id == b.job_id && a.detail == b.detail && a.client_ip == b.client_ip;
}

bool same(const group_spec& a, const group_spec& b) {
  return a.name == b.name && a.secret == b.secret && a.created_ms == b.created_ms;
}

// Random truncations and bit flips: decode must give an error or a value, never crash or throw.
template <class Record>
void fuzz(const std::string& good, int rounds) {
  std::mt19937_64 rng(12345);
  for (int i = 0; i < rounds; ++i) {
    std::string bytes = good;
    switch (rng() % 3) {
      case 0:
        bytes.resize(rng() % bytes.size());
        break;
      case 1:
        for (int f = 0, n = 1 + static_cast<int>(rng() % 4); f < n; ++f) {
          bytes[rng() % bytes.size()] ^= static_cast<char>(1u << (rng() % 8));
        }
        break;
      default:
        for (int f = 0, n = 1 + static_cast<int>(rng() % 8); f < n; ++f) {
          bytes[rng() % bytes.size()] = static_cast<char>(rng());
        }
        if (rng() % 2) bytes.resize(rng() % bytes.size());
    }
    Record out;
    status st;
    REQUIRE_NOTHROW(st = decode(bytes, &out));
    if (!st.ok()) CHECK_FALSE(st.message().empty());
  }
}

}  // namespace

TEST_CASE("every record round-trips through encode and decode") {
  group_spec g{"YM55", "JBSWY3DPEHPK3PXP", 99};
  group_spec g2;
  REQUIRE(decode(encode(g), &g2).ok());
  CHECK(same(g, g2));

  job_spec j = sample_job(), j2;
  REQUIRE(decode(encode(j), &j2).ok());
  CHECK(same(j, j2));

  run_record r = sample_run(), r2;
  REQUIRE(decode(encode(r), &r2).ok());
  CHECK(same_fields(r, r2));
  CHECK(r2.run_id == r.run_id);  // format 4 holds the run id; the group and job are the key's
  CHECK(r2.group.empty());
  CHECK(r2.job_id.empty());

  func_spec f = sample_func(), f2;
  REQUIRE(decode(encode(f), &f2).ok());
  CHECK(same(f, f2));

  audit_entry a = sample_audit(), a2;
  REQUIRE(decode(encode(a), &a2).ok());
  CHECK(same(a, a2));

  node_spec n = sample_node(), n2;
  REQUIRE(decode(encode(n), &n2).ok());
  CHECK(same(n, n2));

  api_key_record k = sample_api_key(), k2;
  REQUIRE(decode(encode(k), &k2).ok());
  CHECK(same(k, k2));

  deleted_job_record d{1'764'000'000'123, sample_job()}, d2;
  REQUIRE(decode(encode(d), &d2).ok());
  CHECK(d2.deleted_ms == d.deleted_ms);
  CHECK(same(d.job, d2.job));
  // Its job is a job value of its own: one that does not read fails the record.
  std::string broken = encode(d);
  const std::size_t job_at = broken.find(encode(d.job));
  REQUIRE(job_at != std::string::npos);
  broken[job_at] = static_cast<char>(k_job_format + 1);  // a job format this reader does not know
  CHECK_FALSE(decode(broken, &d2).ok());
}

namespace {

// A job's value as format 7 wrote it: format 8 without the shell target's output flags (one
// byte) and input_format at its end.
TEST_CASE("a format 1 audit entry (before client_ip) reads with no address") {
  audit_entry a = sample_audit(), read;
  std::string bytes = encode(a);
  REQUIRE(static_cast<uint8_t>(bytes[0]) == 2);
  bytes.resize(bytes.size() - sizeof(uint32_t) - a.client_ip.size());
  bytes[0] = 1;
  REQUIRE(decode(bytes, &read).ok());
  a.client_ip.clear();
  CHECK(same(a, read));
}

// A job's value as format 10 wrote it: format 11 without controls.pool (its length and bytes)
// at its end.
std::string as_format_10(const job_spec& j) {
  std::string bytes = encode(j);
  REQUIRE(static_cast<uint8_t>(bytes[0]) == 11);
  bytes.resize(bytes.size() - sizeof(uint32_t) - j.controls.pool.size());
  bytes[0] = 10;
  return bytes;
}

// A job's value as format 9 wrote it: format 10 without paused_at_s (8 bytes) at its end.
std::string as_format_9(const job_spec& j) {
  std::string bytes = as_format_10(j);
  REQUIRE(static_cast<uint8_t>(bytes[0]) == 10);
  bytes.resize(bytes.size() - sizeof(int64_t));
  bytes[0] = 9;
  return bytes;
}

// A job's value as format 8 wrote it: format 9 without the revision (8 bytes) at its end.
std::string as_format_8(const job_spec& j) {
  std::string bytes = as_format_9(j);
  REQUIRE(static_cast<uint8_t>(bytes[0]) == 9);
  bytes.resize(bytes.size() - sizeof(uint64_t));
  bytes[0] = 8;
  return bytes;
}

std::string as_format_7(const job_spec& j) {
  std::string bytes = as_format_8(j);
  REQUIRE(static_cast<uint8_t>(bytes[0]) == 8);
  if (const auto* shell = std::get_if<shell_target>(&j.target)) bytes.resize(bytes.size() - 1 - 4 - shell->input_format.size());
  bytes[0] = 7;
  return bytes;
}

// A job's value as format 6 wrote it: format 7 without the shell target's input at its end.
std::string as_format_6(const job_spec& j) {
  std::string bytes = as_format_7(j);
  if (const auto* shell = std::get_if<shell_target>(&j.target)) bytes.resize(bytes.size() - 4 - shell->input.size());
  bytes[0] = 6;
  return bytes;
}

}  // namespace

TEST_CASE("every kind of target round-trips through a job value") {
  for (executor_target target :
       {executor_target{http_target{"PATCH", "https://127.0.0.1/x", {{"X", "1"}, {"X", "2"}}, "{}", {204, 206, 299}, "ok", false, "", "", true}},
        executor_target{http_target{"GET", "http://127.0.0.1/y", {}, "", {}, "", true, "^ok$", "err", false}},
        executor_target{lua_target{"function A() end"}}, executor_target{remote_target{{"n1", "n2"}, "uptime"}},
        executor_target{remote_target{{}, "uptime", {{"A", "1"}}, true}},
        executor_target{noop_target{}}, executor_target{shell_target{}},
        executor_target{shell_target{"cat", "", {}, "", std::string("in\0put\xff", 7)}},
        executor_target{shell_target{.command = "false", .stderr_apart = true}},
        executor_target{shell_target{.command = "false", .progress_lines = true}},
        executor_target{shell_target{.command = "false", .stderr_apart = true, .progress_lines = true}},
        executor_target{shell_target{.command = "false", .progress_lines = true, .annotate_lines = true}},
        executor_target{shell_target{.command = "false", .progress_lines = true, .json_lines = true}},
        executor_target{shell_target{.command = "false", .input_format = "cronicle"}}}) {
    job_spec j = sample_job(), back;
    j.target = target;
    REQUIRE(decode(encode(j), &back).ok());
    CHECK(same(j, back));
  }
}

TEST_CASE("a format 4 job value (before retry_aborted) reads with aborted runs retried") {
  job_spec j = sample_job(), back;
  j.controls.retry_aborted = false;
  std::string bytes = as_format_6(j);
  REQUIRE(decode(bytes, &back).ok());
  CHECK_FALSE(back.controls.retry_aborted);  // format 5 keeps it
  bytes.pop_back();                          // format 4 ended before it
  bytes[0] = 4;
  REQUIRE(decode(bytes, &back).ok());
  CHECK(back.controls.retry_aborted);
}

TEST_CASE("a format 3 job value (before controls and HTTP matches) reads with default controls") {
  job_spec j = sample_job(), back;
  j.controls = {};  // a format 5 value of it ends in the controls: 58 bytes when all are default
  j.revision = 0;   // what a value before format 9 reads as
  j.paused_at_s = 0;  // and before format 10
  std::string bytes = as_format_6(j);
  constexpr std::size_t k_default_controls_bytes = 4 + 1 + 4 + 4 * 4 + 4 + 4 + 8 + 4 + 8 + 1;
  REQUIRE(bytes.size() > k_default_controls_bytes);
  bytes.resize(bytes.size() - k_default_controls_bytes);
  bytes[0] = 3;
  back.controls.max_running = 9;  // the reader resets it
  REQUIRE(decode(bytes, &back).ok());
  CHECK(same(j, back));
  CHECK(back.controls.is_default());
}

namespace {

// Writes a value the way format 1 (the build before the typed target) laid out a job.
class format1_writer {
 public:
  format1_writer() { bytes_.push_back(1); }
  format1_writer& str(const std::string& s) {
    num(static_cast<uint32_t>(s.size()));
    bytes_ += s;
    return *this;
  }
  template <class T>
  format1_writer& num(T v) {
    bytes_.append(reinterpret_cast<const char*>(&v), sizeof v);
    return *this;
  }
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

std::string format1_job(const std::string& request_url, const std::string& exec_command) {
  format1_writer w;
  w.str("1107521665400573952").str("YM55").str("Hello").str("*/5 * * * * *").str("Europe/Paris");
  w.num(int64_t{1'700'000'000}).str(request_url).str(exec_command);
  w.num(int64_t{12'345}).num(int32_t{3}).num(int64_t{500}).num(uint8_t{1}).num(uint8_t{2});
  w.str("memo").num(uint32_t{1}).str("team").str("ops").num(uint8_t{1}).str("JBSWY3DPEHPK3PXP");
  w.num(int64_t{1'700'000'000'000}).num(int64_t{1'700'000'000'999}).num(uint8_t{0}).num(int64_t{42});
  return w.bytes();
}

}  // namespace

TEST_CASE("a format 1 job value (request_url and exec_command) reads into the typed target") {
  job_spec j;
  REQUIRE(decode(format1_job("HTTP@http://127.0.0.1:9999?test=yao", ""), &j).ok());
  CHECK(j.id == "1107521665400573952");
  CHECK(j.schedule == "*/5 * * * * *");
  CHECK(j.target == executor_target{http_target{.url = "http://127.0.0.1:9999?test=yao", .signed_query = true}});
  CHECK(j.timeout_ms == 12'345);
  CHECK(j.retries == 3);
  CHECK(j.concurrency == concurrency_policy::forbid);
  CHECK(j.misfire == misfire_policy::all);
  CHECK(j.metadata == std::map<std::string, std::string>{{"team", "ops"}});
  CHECK(j.paused);
  CHECK(j.anchor_ms == 42);
  CHECK(j.parent_job.empty());
  CHECK_FALSE(j.ephemeral);
  CHECK(j.dialect_data.empty());
  // A command beside an HTTP@ URL, which the target does not use, is kept for the native API.
  REQUIRE(decode(format1_job("HTTP@http://127.0.0.1:9999", "echo kept"), &j).ok());
  CHECK(j.dialect_data == R"({"native":{"exec_command":"echo kept"}})");

  REQUIRE(decode(format1_job("", "echo hi"), &j).ok());
  CHECK(j.target == executor_target{shell_target{.command = "echo hi"}});
  REQUIRE(decode(format1_job("LUA@", "function Hello() end"), &j).ok());
  CHECK(j.target == executor_target{lua_target{"function Hello() end"}});
  REQUIRE(decode(format1_job("NOOP@", ""), &j).ok());
  CHECK(kind_of(j.target) == executor_kind::noop);
  // Re-encoding writes today's format.
  CHECK(encode(j)[0] == static_cast<char>(k_job_format));
  auto bad = decode(format1_job("FTP@x", ""), &j);
  CHECK(bad.code() == status_code::internal);
  CHECK(bad.message().find("format 1 target") != std::string::npos);
}

TEST_CASE("format 1 and 2 run values still read, with the identity they carry") {
  run_record r = sample_run(), r2;
  REQUIRE(decode(format2_run(r), &r2).ok());
  CHECK(same(r, r2));
  // Re-encoding writes today's compact format.
  CHECK(encode(r2)[0] == static_cast<char>(k_run_format));
  CHECK(encode(r2).size() < format2_run(r).size());

  // Format 1 is format 2 without the node.
  r.node.clear();
  REQUIRE(decode(format2_run(r, 1), &r2).ok());
  CHECK(same(r, r2));
  std::string trailing = format2_run(r, 1) + std::string(4, '\0');  // a node length format 1 lacks
  CHECK_FALSE(decode(trailing, &r2).ok());
}

TEST_CASE("format 1 node values (before tags) read with those empty") {
  // Format 1 is format 2 without its last field, the tags.
  node_spec n = sample_node();
  n.tags.clear();
  std::string nb = encode(n);
  nb.resize(nb.size() - 4);  // the empty map's uint32 size
  nb[0] = 1;
  node_spec n2;
  REQUIRE(decode(nb, &n2).ok());
  CHECK(same(n, n2));
}

TEST_CASE("default-constructed records round-trip too") {
  job_spec j, j2 = sample_job();
  REQUIRE(decode(encode(j), &j2).ok());
  CHECK(same(j, j2));  // decode replaces every field, the metadata map included
  run_record r, r2 = sample_run();
  REQUIRE(decode(encode(r), &r2).ok());
  CHECK(same(r, r2));  // the identity too: decode clears what the value does not hold
  node_spec n, n2 = sample_node();
  REQUIRE(decode(encode(n), &n2).ok());
  CHECK(same(n, n2));
  api_key_record k, k2 = sample_api_key();
  REQUIRE(decode(encode(k), &k2).ok());
  CHECK(same(k, k2));
}

TEST_CASE("a value starts with its format version byte") {
  CHECK(encode(sample_job())[0] == static_cast<char>(k_job_format));
  CHECK(encode(sample_run())[0] == static_cast<char>(k_run_format));
  CHECK(encode(group_spec{})[0] == static_cast<char>(k_group_format));
  CHECK(encode(sample_func())[0] == static_cast<char>(k_func_format));
  CHECK(encode(sample_audit())[0] == static_cast<char>(k_audit_format));
  CHECK(encode(sample_node())[0] == static_cast<char>(k_node_format));
  CHECK(encode(sample_api_key())[0] == static_cast<char>(k_api_key_format));
}

TEST_CASE("a node or API key value from a newer format version is refused with a status") {
  std::string nb = encode(sample_node());
  nb[0] = static_cast<char>(k_node_format + 1);
  node_spec n;
  status st = decode(nb, &n);
  CHECK(st.code() == status_code::failed_precondition);
  CHECK(st.message().rfind("node_spec value has format version", 0) == 0);

  std::string kb = encode(sample_api_key());
  kb[0] = static_cast<char>(k_api_key_format + 1);
  api_key_record k;
  st = decode(kb, &k);
  CHECK(st.code() == status_code::failed_precondition);
  CHECK(st.message().rfind("api_key_record value has format version", 0) == 0);
}

TEST_CASE("a format 1 API key value (before title, privileges and last use) reads with those empty") {
  api_key_record k = sample_api_key();
  std::string kb = encode(k);
  kb.resize(kb.size() - api_key_format2_bytes(k));
  kb[0] = 1;
  api_key_record back;  // the store decodes into fresh records
  REQUIRE(decode(kb, &back).ok());
  k.title.clear();
  k.privileges.clear();
  k.last_used_ms = 0;
  CHECK(same(k, back));
}

TEST_CASE("truncated or padded node and API key values are corrupt and name their record") {
  const std::string nb = encode(sample_node());
  node_spec n;
  for (std::size_t len = 0; len < nb.size(); ++len) {
    status st = decode(std::string_view(nb).substr(0, len), &n);
    REQUIRE_FALSE(st.ok());
    CHECK(st.code() == status_code::internal);
    CHECK(st.message().rfind("corrupt node_spec value: ", 0) == 0);
  }
  CHECK(decode(nb + "x", &n).message().find("trailing") != std::string::npos);

  const std::string kb = encode(sample_api_key());
  api_key_record k;
  for (std::size_t len = 0; len < kb.size(); ++len) {
    status st = decode(std::string_view(kb).substr(0, len), &k);
    REQUIRE_FALSE(st.ok());
    CHECK(st.message().rfind("corrupt api_key_record value: ", 0) == 0);
  }
  CHECK(decode(kb + "x", &k).message().find("trailing") != std::string::npos);
}

TEST_CASE("an API key's disabled byte other than 0 or 1 is corrupt") {
  api_key_record sample = sample_api_key();
  std::string kb = encode(sample);
  // disabled is the last field of format 1, one byte before format 2's.
  std::size_t at = kb.size() - api_key_format2_bytes(sample) - 1;
  REQUIRE(kb[at] == 1);
  kb[at] = 2;
  api_key_record k;
  status st = decode(kb, &k);
  CHECK_FALSE(st.ok());
  CHECK(st.message().find("bad boolean") != std::string::npos);
}

TEST_CASE("a value from a newer format version is refused with a status") {
  std::string bytes = encode(sample_job());
  bytes[0] = static_cast<char>(k_job_format + 1);
  job_spec out;
  status st = decode(bytes, &out);
  CHECK(st.code() == status_code::failed_precondition);
  CHECK(st.message().find("newer") != std::string::npos);
}

TEST_CASE("empty, version 0, truncated and padded values are corrupt") {
  job_spec out;
  CHECK_FALSE(decode("", &out).ok());
  std::string bytes = encode(sample_job());
  std::string v0 = bytes;
  v0[0] = 0;
  CHECK_FALSE(decode(v0, &out).ok());
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    status st = decode(std::string_view(bytes).substr(0, n), &out);
    REQUIRE_FALSE(st.ok());
    CHECK(st.code() == status_code::internal);
  }
  status st = decode(bytes + "x", &out);
  CHECK_FALSE(st.ok());
  CHECK(st.message().find("trailing") != std::string::npos);
}

TEST_CASE("an out-of-range enum or boolean byte is corrupt, not undefined behaviour") {
  func_spec f = sample_func();
  std::string bytes = encode(f);
  // group(4+4) name(4+2) lua_body(4+8): use_otp follows at 1 + 8 + 6 + 12.
  const std::size_t use_otp_at = 1 + 8 + 6 + 12;
  REQUIRE(bytes[use_otp_at] == 1);
  bytes[use_otp_at] = 2;
  func_spec out;
  CHECK_FALSE(decode(bytes, &out).ok());

  run_record r;
  r.trigger = run_trigger::misfire;
  std::string rb = format2_run(r);
  // run_id(8) job_id(4) group(4): the trigger byte is next.
  const std::size_t trigger_at = 1 + 8 + 4 + 4;
  REQUIRE(rb[trigger_at] == static_cast<char>(run_trigger::misfire));
  rb[trigger_at] = 17;
  run_record rout;
  CHECK_FALSE(decode(rb, &rout).ok());
  // Format 3 keeps state and trigger in byte 1, 3 bits each.
  rb = encode(r);
  REQUIRE(rb[1] == static_cast<char>(static_cast<uint8_t>(run_trigger::misfire) << 3));
  for (char bad : {'\x07', '\x38', '\x40', '\x80'}) {  // state 7, trigger 7, high bits
    rb[1] = bad;
    CHECK_FALSE(decode(rb, &rout).ok());
  }
}

TEST_CASE("a string length that overruns the value is refused without allocating it") {
  std::string bytes = encode(group_spec{"g", "", 0});
  bytes[1] = '\xff';  // the name's length: now about 4 GB
  bytes[2] = '\xff';
  bytes[3] = '\xff';
  bytes[4] = '\x7f';
  group_spec out;
  status st = decode(bytes, &out);
  CHECK_FALSE(st.ok());
  CHECK(st.message().find("overruns") != std::string::npos);
}

TEST_CASE("random truncations and bit flips give an error or a value, never a crash") {
  fuzz<job_spec>(encode(sample_job()), 20000);
  fuzz<run_record>(encode(sample_run()), 20000);
  fuzz<run_record>(format2_run(sample_run()), 20000);
  fuzz<func_spec>(encode(sample_func()), 5000);
  fuzz<audit_entry>(encode(sample_audit()), 5000);
  fuzz<group_spec>(encode(group_spec{"YM55", "S", 1}), 5000);
  fuzz<node_spec>(encode(sample_node()), 5000);
  fuzz<api_key_record>(encode(sample_api_key()), 5000);
}

namespace {

// A retry of job e1 waiting in its queue, with no fields of its own and no cause.
waiting_record sample_waiting() {
  waiting_record w;
  w.group = "cronicle";
  w.job_id = "e1";
  w.id = 0x1234;
  w.trigger = run_trigger::retry;
  w.plan_ms = 1'700'000'000'123;
  w.attempt = 2;
  return w;
}

// `w` as format 6 wrote it: format 7 without the node (an empty one: its 4-byte length) at the end.
std::string as_waiting_format_6(const waiting_record& w) {
  REQUIRE(w.node.empty());
  std::string bytes = encode(w);
  REQUIRE(bytes.ends_with(std::string(4, '\0')));
  bytes.resize(bytes.size() - 4);
  bytes[0] = 6;
  return bytes;
}

}  // namespace

TEST_CASE("a waiting run keeps the node it waits for, and one written before nodes were stored reads without") {
  waiting_record w = sample_waiting();
  w.node = "w1";
  std::string bytes = encode(w);
  CHECK(static_cast<uint8_t>(bytes[0]) == 7);
  waiting_record back;
  REQUIRE(decode(bytes, &back).ok());
  CHECK(back.node == "w1");
  CHECK(back.id == 0x1234);
  CHECK(back.attempt == 2);
  for (std::size_t n = 1; n < bytes.size(); ++n) CHECK_FALSE(decode(bytes.substr(0, n), &back).ok());

  w.node.clear();
  back.node = "stale";  // whatever the caller held is replaced
  REQUIRE(decode(as_waiting_format_6(w), &back).ok());
  CHECK(back.node.empty());
  CHECK(back.plan_ms == 1'700'000'000'123);
}

TEST_CASE("a waiting run round-trips with and without fields of its own") {
  const waiting_record plain = sample_waiting();
  waiting_record back;
  REQUIRE(decode(encode(plain), &back).ok());
  CHECK(back.group == "cronicle");
  CHECK(back.job_id == "e1");
  CHECK(back.id == 0x1234);
  CHECK(back.trigger == run_trigger::retry);
  CHECK(back.plan_ms == 1'700'000'000'123);
  CHECK(back.attempt == 2);
  CHECK_FALSE(back.change);

  waiting_record own = plain;
  own.trigger = run_trigger::manual;
  run_override change;
  http_target http;
  http.url = "http://127.0.0.1:9/x";
  http.follow_redirects = true;
  http.success_match = "OK";
  http.expect_codes = {200, 206};
  change.target = http;
  change.timeout_ms = 5000;
  change.retry_delay_ms = 0;
  change.controls.on_failure = "page";
  change.controls.log_max_bytes = 4096;
  own.change = change;
  REQUIRE(decode(encode(own), &back).ok());
  REQUIRE(back.change);
  REQUIRE(back.change->target);
  const auto& got = std::get<http_target>(*back.change->target);
  CHECK(got.url == "http://127.0.0.1:9/x");
  CHECK(got.follow_redirects);
  CHECK(got.success_match == "OK");
  CHECK(got.expect_codes == std::vector<int>{200, 206});
  CHECK(back.change->timeout_ms == 5000);
  CHECK_FALSE(back.change->retries);
  CHECK(back.change->retry_delay_ms == 0);
  CHECK(back.change->controls == change.controls);

  // Cut anywhere, the value is refused, never misread.
  const std::string bytes = encode(own);
  for (std::size_t n = 1; n < bytes.size(); ++n) CHECK_FALSE(decode(bytes.substr(0, n), &back).ok());
}

TEST_CASE("a waiting run keeps its cause, and one written before causes were stored reads without") {
  waiting_record w = sample_waiting();
  run_cause cause;
  cause.by = "API Key (deploys)";
  cause.after_job = "e0";
  cause.after_name = "Build";
  cause.after_run_id = 99;
  cause.after_kind = 2;
  cause.after_state = run_state::failed;
  cause.after_code = 3;
  cause.after_error = "exit 3";
  cause.after_data = R"({"rows":42})";
  w.cause = std::make_shared<const run_cause>(cause);
  const std::string bytes = as_waiting_format_6(w);
  CHECK(static_cast<uint8_t>(encode(w)[0]) == 7);
  waiting_record back;
  REQUIRE(decode(bytes, &back).ok());
  REQUIRE(back.cause);
  CHECK(*back.cause == cause);
  CHECK(back.job_id == "e1");
  for (std::size_t n = 1; n < bytes.size(); ++n) CHECK_FALSE(decode(bytes.substr(0, n), &back).ok());

  // Format 5 is format 6 without the cause's chain data and params (its last fields).
  cause.after_data.clear();
  w.cause = std::make_shared<const run_cause>(cause);
  std::string v5 = as_waiting_format_6(w);
  REQUIRE(v5.ends_with(std::string(8, '\0')));  // the two empty texts' lengths (4 bytes each)
  v5.resize(v5.size() - 8);
  v5[0] = 5;
  REQUIRE(decode(v5, &back).ok());
  REQUIRE(back.cause);
  CHECK(*back.cause == cause);

  // Without fields of its own, format 3 is format 6 without the cause's presence byte (and what
  // follows it).
  w.cause = nullptr;
  std::string v3 = as_waiting_format_6(w);
  REQUIRE(v3.back() == '\0');  // no cause
  v3.pop_back();
  v3[0] = 3;
  back.cause = std::make_shared<const run_cause>(cause);
  REQUIRE(decode(v3, &back).ok());
  CHECK_FALSE(back.cause);
  CHECK(back.id == 0x1234);
  CHECK(back.plan_ms == 1'700'000'000'123);
}

TEST_CASE("values written before several expected statuses existed read with their one status") {
  // A format 5 job is a format 6 one without the trailing list of further statuses.
  job_spec j = sample_job();
  j.target = http_target{.url = "http://127.0.0.1:9/x", .expect_codes = {201}};
  std::string bytes = as_format_8(j);  // formats 7 and 8 add nothing to an HTTP target
  std::string v5 = bytes.substr(0, bytes.size() - 4);
  v5[0] = 5;
  job_spec back;
  REQUIRE(decode(v5, &back).ok());
  CHECK(std::get<http_target>(back.target).expect_codes == std::vector<int>{201});

  // Override layout 1: the same without the list after the HTTP target's error_match.
  run_override own;
  own.target = http_target{.url = "http://127.0.0.1:9/x", .expect_codes = {202}, .error_match = "END"};
  own.timeout_ms = 7000;
  bytes = encode(own);
  const std::size_t list_at = bytes.find("END") + 3;
  std::string v1 = bytes.substr(0, list_at) + bytes.substr(list_at + 4);
  v1[0] = 1;
  run_override old;
  REQUIRE(decode(v1, &old).ok());
  CHECK(std::get<http_target>(*old.target).expect_codes == std::vector<int>{202});
  CHECK(old.timeout_ms == 7000);
}

TEST_CASE("values written before a shell target had input read with none") {
  job_spec j = sample_job(), back;
  std::get<shell_target>(j.target).input = "payload";
  REQUIRE(decode(encode(j), &back).ok());
  CHECK(std::get<shell_target>(back.target).input == "payload");
  REQUIRE(decode(as_format_6(j), &back).ok());
  CHECK(std::get<shell_target>(back.target).input.empty());
  CHECK(std::get<shell_target>(back.target).command == std::get<shell_target>(j.target).command);

  // Override layout 2: the same without the input (and layout 4's output flags and empty
  // input_format) after the shell target.
  run_override own;
  own.target = shell_target{"cat", "", {}, "/tmp", "in"};
  own.timeout_ms = 7000;
  std::string bytes = encode(own);
  const std::size_t input_at = bytes.find("/tmp") + 4;
  REQUIRE(bytes.substr(input_at, 11) == std::string("\x02\0\0\0in\0\0\0\0\0", 11));
  std::string v2 = bytes.substr(0, input_at) + bytes.substr(input_at + 11);
  v2[0] = 2;
  run_override old;
  REQUIRE(decode(v2, &old).ok());
  CHECK(std::get<shell_target>(*old.target).cwd == "/tmp");
  CHECK(std::get<shell_target>(*old.target).input.empty());
  CHECK(old.timeout_ms == 7000);
}

TEST_CASE("a job's revision round-trips, and a format 8 value (before it was stored) reads as never edited") {
  job_spec j = sample_job(), back;
  j.revision = 12;
  REQUIRE(decode(encode(j), &back).ok());
  CHECK(back.revision == 12);
  back.revision = 99;
  REQUIRE(decode(as_format_8(j), &back).ok());
  CHECK(back.revision == 0);
  CHECK(back.name == j.name);
  CHECK(back.target == j.target);
  CHECK(back.updated_ms == j.updated_ms);
}

TEST_CASE("a job's pause instant round-trips, and a format 9 value (before it was stored) reads as unknown") {
  job_spec j = sample_job(), back;
  j.paused_at_s = 1'800'000'000;
  REQUIRE(decode(encode(j), &back).ok());
  CHECK(back.paused_at_s == 1'800'000'000);
  REQUIRE(decode(as_format_9(j), &back).ok());
  CHECK(back.paused_at_s == 0);
  CHECK(back.paused);
  CHECK(back.revision == j.revision);
  CHECK(back.name == j.name);
}

TEST_CASE("a job's run pool round-trips, and a format 10 value (before it was stored) reads with none") {
  job_spec j = sample_job(), back;
  j.controls.pool = "nightly";
  REQUIRE(decode(encode(j), &back).ok());
  CHECK(back.controls.pool == "nightly");
  REQUIRE(decode(as_format_10(j), &back).ok());
  CHECK(back.controls.pool.empty());
  CHECK(back.paused_at_s == j.paused_at_s);
  CHECK(back.name == j.name);
}

TEST_CASE("a group's run pools round-trip as one value, and a damaged one is refused") {
  std::vector<run_pool_spec> pools = {{.name = "general", .dialect_data = "{\"title\":\"General\"}"},
                                      {.name = "ops", .enabled = false, .max_running = 2,
                                       .hook_url = "http://127.0.0.1:9/h", .hook_format = "cronicle",
                                       .cpu_limit_percent = 50, .cpu_sustain_s = 5, .memory_limit_bytes = 1 << 20,
                                       .memory_sustain_s = 3, .created_ms = 1, .updated_ms = 2}};
  std::vector<run_pool_spec> back;
  REQUIRE(decode_run_pools(encode_run_pools(pools), &back).ok());
  CHECK(back == pools);
  REQUIRE(decode_run_pools(encode_run_pools({}), &back).ok());
  CHECK(back.empty());
  std::string bytes = encode_run_pools(pools);
  CHECK_FALSE(decode_run_pools(bytes.substr(0, bytes.size() - 3), &back).ok());
  bytes[0] = static_cast<char>(k_run_pool_list_format + 1);
  CHECK(decode_run_pools(bytes, &back).code() == status_code::failed_precondition);
}

TEST_CASE("a group's documents of one kind round-trip as one value naming both, and a damaged one is refused") {
  group_documents_value docs{"cronicle", "cronicle.plugin",
                             {{.name = "p1", .json_text = R"({"id":"p1"})", .created_ms = 5, .updated_ms = 9},
                              {.name = "p2", .json_text = "", .created_ms = 0, .updated_ms = 0}}};
  group_documents_value back;
  REQUIRE(decode(encode(docs), &back).ok());
  CHECK(back.group == "cronicle");
  CHECK(back.kind == "cronicle.plugin");
  CHECK(back.documents == docs.documents);
  REQUIRE(decode(encode(group_documents_value{"g", "k", {}}), &back).ok());
  CHECK(back.documents.empty());
  std::string bytes = encode(docs);
  CHECK_FALSE(decode(bytes.substr(0, bytes.size() - 3), &back).ok());
  bytes[0] = static_cast<char>(k_group_documents_format + 1);
  CHECK(decode(bytes, &back).code() == status_code::failed_precondition);
}

TEST_CASE("a shell target's output flags are one byte, and a value with unknown bits is refused") {
  job_spec j = sample_job(), back;
  auto& shell = std::get<shell_target>(j.target);
  shell.stderr_apart = true;
  shell.progress_lines = true;
  std::string bytes = encode(j);
  // before an empty input_format, the revision, paused_at_s and an empty pool
  char& flags = bytes[bytes.size() - 5 - sizeof(uint64_t) - sizeof(int64_t) - sizeof(uint32_t)];
  CHECK(flags == '\3');
  flags = '\2';
  REQUIRE(decode(bytes, &back).ok());
  CHECK_FALSE(std::get<shell_target>(back.target).stderr_apart);
  CHECK(std::get<shell_target>(back.target).progress_lines);
  flags = '\7';
  REQUIRE(decode(bytes, &back).ok());
  CHECK(std::get<shell_target>(back.target).annotate_lines);
  flags = '\x0f';
  REQUIRE(decode(bytes, &back).ok());
  CHECK(std::get<shell_target>(back.target).json_lines);
  for (char unknown : {'\x10', '\x83', '\xff'}) {
    flags = unknown;
    CHECK(decode(bytes, &back).message() == "corrupt job_spec value: unknown shell output flags");
  }
}

TEST_CASE("values written before a shell target's stderr could be apart read with one pipe") {
  job_spec j = sample_job(), back;
  std::get<shell_target>(j.target).stderr_apart = true;
  std::get<shell_target>(j.target).input = "in";
  REQUIRE(decode(encode(j), &back).ok());
  CHECK(std::get<shell_target>(back.target).stderr_apart);
  REQUIRE(decode(as_format_7(j), &back).ok());
  CHECK_FALSE(std::get<shell_target>(back.target).stderr_apart);
  CHECK(std::get<shell_target>(back.target).input == "in");

  // Override layout 3: the same without the flags byte and input_format (an empty one: 4 bytes)
  // after the input; a waiting run's format 4 holds layout 3, format 5 layout 4.
  run_override own;
  own.target = shell_target{.command = "false", .input = "in", .stderr_apart = true};
  own.timeout_ms = 7000;
  std::string bytes = encode(own);
  const std::size_t flag_at = bytes.find("in") + 2;
  REQUIRE(bytes[flag_at] == '\1');
  std::string v3 = bytes.substr(0, flag_at) + bytes.substr(flag_at + 5);
  v3[0] = 3;
  run_override old;
  REQUIRE(decode(v3, &old).ok());
  CHECK_FALSE(std::get<shell_target>(*old.target).stderr_apart);
  CHECK(std::get<shell_target>(*old.target).input == "in");
  CHECK(old.timeout_ms == 7000);

  waiting_record w = sample_waiting(), read;
  w.change = own;
  REQUIRE(decode(encode(w), &read).ok());
  REQUIRE(read.change);
  CHECK(std::get<shell_target>(*read.change->target).stderr_apart);
  bytes = as_waiting_format_6(w);
  const std::size_t waiting_flag_at = bytes.find("in") + 2;
  std::string w4 = bytes.substr(0, waiting_flag_at) + bytes.substr(waiting_flag_at + 5);
  w4[0] = 4;
  REQUIRE(decode(w4, &read).ok());
  REQUIRE(read.change);
  CHECK_FALSE(std::get<shell_target>(*read.change->target).stderr_apart);
  CHECK(read.change->timeout_ms == 7000);
}

TEST_CASE("a run's own fields have a codec of their own, refused when newer or cut") {
  run_override own;
  own.retries = 3;
  own.controls.hook_url = "http://127.0.0.1:9/hook";
  const std::string bytes = encode(own);
  CHECK(static_cast<uint8_t>(bytes[0]) == k_override_format);
  run_override back;
  back.timeout_ms = 1;  // whatever the caller held is replaced
  REQUIRE(decode(bytes, &back).ok());
  CHECK(back.retries == 3);
  CHECK_FALSE(back.timeout_ms);
  CHECK(back.controls == own.controls);
  CHECK(encode(back) == bytes);
  for (std::size_t n = 0; n < bytes.size(); ++n) CHECK_FALSE(decode(bytes.substr(0, n), &back).ok());
  std::string newer = bytes;
  newer[0] = static_cast<char>(k_override_format + 1);
  CHECK(decode(newer, &back).code() == status_code::failed_precondition);
}

TEST_CASE("a run's cause keeps the data and params its run passed on, and one written before reads without") {
  run_cause cause;
  cause.after_job = "extract";
  cause.after_run_id = 7;
  cause.after_data = R"({"rows":42})";
  cause.after_params = R"({"script":"#!/bin/sh\ntrue\n"})";
  run_cause back;
  std::string bytes = encode(cause);
  CHECK(static_cast<uint8_t>(bytes[0]) == 2);
  REQUIRE(decode(bytes, &back).ok());
  CHECK(back == cause);
  // Format 1: the same without the data and params (its last fields).
  cause.after_data.clear();
  cause.after_params.clear();
  bytes = encode(cause);
  REQUIRE(bytes.ends_with(std::string(8, '\0')));  // the two empty texts' lengths (4 bytes each)
  bytes.resize(bytes.size() - 8);
  bytes[0] = 1;
  back.after_data = "stale";
  back.after_params = "stale";
  REQUIRE(decode(bytes, &back).ok());
  CHECK(back == cause);
}
