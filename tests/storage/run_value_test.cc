#include "storage/run_value.h"

#include <catch2/catch.hpp>
#include <memory>
#include <climits>
#include <optional>
#include <random>
#include <string>

#include "core/job.h"  // run_override

using namespace mainspring;

namespace {

run_record noop_run() {
  run_record r;
  r.run_id = 0x0123456789abcdefULL;
  r.group = "bfire_mtqpk8";
  r.job_id = "123456";
  r.state = run_state::succeeded;
  r.plan_ms = 1'796'000'000'000;  // 2026
  r.start_ms = r.plan_ms + 2;
  r.end_ms = r.start_ms;
  return r;
}

run_record read_back(const std::string& bytes) {
  run_record back;
  back.group = "kept";
  back.job_id = "kept";
  const status st = decode_run_value(bytes, &back);
  REQUIRE(st.ok());
  CHECK(back.group == "kept");  // the group and job are the caller's, from the key
  CHECK(back.job_id == "kept");
  return back;
}

void check_same_fields(const run_record& a, const run_record& b) {
  CHECK(a.run_id == b.run_id);
  CHECK(a.trigger == b.trigger);
  CHECK(a.attempt == b.attempt);
  CHECK(a.state == b.state);
  CHECK(a.plan_ms == b.plan_ms);
  CHECK(a.start_ms == b.start_ms);
  CHECK(a.end_ms == b.end_ms);
  CHECK(a.code == b.code);
  CHECK(a.output_tail == b.output_tail);
  CHECK(a.error == b.error);
  CHECK(a.node == b.node);
}

}  // namespace

TEST_CASE("a no-op run's value holds no group or job and fits in 24 bytes") {
  const run_record r = noop_run();
  const std::string bytes = encode_run_value(r);
  CHECK(bytes[0] == static_cast<char>(k_run_value_format));
  CHECK(bytes.size() <= 24);
  CHECK(bytes.find("bfire") == std::string::npos);
  CHECK(bytes.find("123456") == std::string::npos);
  check_same_fields(r, read_back(bytes));
}

TEST_CASE("every field round-trips, extremes and a running run included") {
  run_record r = noop_run();
  r.trigger = run_trigger::parent;
  r.state = run_state::skipped;
  r.attempt = INT32_MAX;
  r.code = INT32_MIN;
  r.output_tail = std::string("tail\0with nul\n", 14);
  r.error = "timeout";
  r.node = "worker_1";
  check_same_fields(r, read_back(encode_run_value(r)));

  r.end_ms = 0;  // still running: the wrapping difference is exact
  r.state = run_state::running;
  check_same_fields(r, read_back(encode_run_value(r)));

  r.plan_ms = INT64_MIN;
  r.start_ms = INT64_MAX;  // differences that overflow int64 wrap and come back
  r.end_ms = INT64_MIN;
  r.attempt = INT32_MIN;
  r.code = -1;
  check_same_fields(r, read_back(encode_run_value(r)));

  const run_record empty;
  check_same_fields(empty, read_back(encode_run_value(empty)));
}

TEST_CASE("a truncated, padded or overlong run value is corrupt") {
  run_record r = noop_run();
  r.run_id = 5;  // one varint byte: attempt is the fourth byte
  r.error = "boom";
  const std::string bytes = encode_run_value(r);
  run_record out;
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    const status st = decode_run_value(bytes.substr(0, n), &out);
    REQUIRE_FALSE(st.ok());
    CHECK(st.code() == status_code::internal);
    CHECK(st.message().find("corrupt run_record value") == 0);
  }
  const status padded = decode_run_value(bytes + "x", &out);
  CHECK_FALSE(padded.ok());
  CHECK(padded.message().find("trailing") != std::string::npos);

  // attempt written long (0 as two bytes), then as a varint whose tenth byte overflows 64 bits.
  std::string overlong = bytes.substr(0, 3) + std::string("\x80\x00", 2) + bytes.substr(4);
  CHECK(decode_run_value(overlong, &out).message().find("shortest") != std::string::npos);
  std::string overflow = bytes.substr(0, 3) + std::string(9, '\xff') + '\x02';
  CHECK(decode_run_value(overflow, &out).message().find("overflows") != std::string::npos);

  // attempt = 2^32: out of int's range.
  std::string wide = bytes.substr(0, 3) + std::string("\x80\x80\x80\x80\x20", 5) + bytes.substr(4);
  CHECK(decode_run_value(wide, &out).message().find("out of range") != std::string::npos);
}

TEST_CASE("a text length past the value is refused without allocating it") {
  run_record r = noop_run();
  std::string bytes = encode_run_value(r);
  // The last three bytes are the empty texts' lengths: make output_tail's about 2^62.
  bytes.resize(bytes.size() - 3);
  bytes += std::string("\xff\xff\xff\xff\xff\xff\xff\xff\x3f", 9);
  run_record out;
  const status st = decode_run_value(bytes, &out);
  CHECK_FALSE(st.ok());
  CHECK(st.message().find("overruns") != std::string::npos);
}

TEST_CASE("random bit flips give an error or a value that writes back the same way") {
  run_record r = noop_run();
  r.output_tail = "out";
  r.node = "worker_1";
  const std::string good = encode_run_value(r);
  std::mt19937_64 rng(99);
  for (int i = 0; i < 20000; ++i) {
    std::string bytes = good;
    bytes[rng() % bytes.size()] ^= static_cast<char>(1u << (rng() % 8));
    if (rng() % 4 == 0) bytes.resize(rng() % (bytes.size() + 1));
    run_record out;
    std::optional<run_tally> tally;
    if (!decode_run_value(bytes, &out, &tally).ok()) continue;
    CHECK(encode_run_value(out, tally ? &*tally : nullptr) == bytes);
  }
}

TEST_CASE("a run value carries its job's tally when given one, in a few bytes") {
  const run_record r = noop_run();
  run_tally t;
  t.successes = 1000;
  t.failures = 3;
  t.skipped = 2;
  t.retries = 1;
  t.last_success_ms = r.end_ms;           // this run: one byte
  t.last_error_ms = r.end_ms - 86'400'000;  // a day before
  t.newest_started_id = r.run_id + 2;       // two runs started after this one
  const std::string plain = encode_run_value(r);
  const std::string tallied = encode_run_value(r, &t);
  CHECK(tallied.size() <= plain.size() + 12);

  run_record back;
  std::optional<run_tally> read;
  REQUIRE(decode_run_value(tallied, &back, &read).ok());
  check_same_fields(r, back);
  REQUIRE(read.has_value());
  CHECK(*read == t);
  CHECK(read->runs() == 1003);

  // A value without one resets the caller's, and reads as before.
  REQUIRE(decode_run_value(plain, &back, &read).ok());
  CHECK_FALSE(read.has_value());
  check_same_fields(r, read_back(tallied));  // a reader that does not ask skips it

  // Never (0) and extreme times round-trip.
  run_tally never;
  REQUIRE(decode_run_value(encode_run_value(r, &never), &back, &read).ok());
  REQUIRE(read.has_value());
  CHECK(read->last_success_ms == 0);
  CHECK(read->last_error_ms == 0);
  CHECK(read->newest_started_id == r.run_id);  // at least the run itself
  run_tally far;
  far.last_success_ms = INT64_MIN + 1;
  far.last_error_ms = INT64_MAX;
  far.successes = UINT64_MAX;
  far.newest_started_id = UINT64_MAX;
  REQUIRE(decode_run_value(encode_run_value(r, &far), &back, &read).ok());
  CHECK(*read == far);
}

TEST_CASE("a tally cut short, or one marked on a format 3 value, is corrupt") {
  run_tally t;
  t.successes = 7;
  const std::string bytes = encode_run_value(noop_run(), &t);
  run_record out;
  std::optional<run_tally> read;
  for (std::size_t n = encode_run_value(noop_run()).size(); n < bytes.size(); ++n)
    CHECK_FALSE(decode_run_value(bytes.substr(0, n), &out, &read).ok());
  std::string format3 = bytes;
  format3[0] = static_cast<char>(k_run_value_format_keyed);
  CHECK_FALSE(decode_run_value(format3, &out).ok());
  // The top bit says the run's own fields follow: a value that has none after its tally is short.
  std::string top_bit = bytes;
  top_bit[1] = static_cast<char>(top_bit[1] | 0x80);
  CHECK(decode_run_value(top_bit, &out).message().find("truncated") != std::string::npos);
}

TEST_CASE("a run's own fields round-trip, with and without the tally, in both reads") {
  run_record r = noop_run();
  r.trigger = run_trigger::manual;
  auto own = std::make_shared<run_override>();
  own->timeout_ms = 300'000;
  own->retries = 2;
  own->target = shell_target{"echo its own"};
  own->controls.on_failure = "Next";
  r.own_fields = own;
  run_tally t;
  t.successes = 3;
  t.newest_started_id = r.run_id;
  const run_tally* tallies[] = {nullptr, &t};
  for (const run_tally* tally : tallies) {
    const std::string bytes = encode_run_value(r, tally);
    run_record back, light;
    std::optional<run_tally> read, light_read;
    REQUIRE(decode_run_value(bytes, &back, &read).ok());
    check_same_fields(r, back);
    CHECK(read.has_value() == (tally != nullptr));
    REQUIRE(back.own_fields != nullptr);
    CHECK(back.own_fields->timeout_ms == 300'000);
    CHECK(back.own_fields->retries == 2);
    REQUIRE(back.own_fields->target.has_value());
    CHECK(std::get<shell_target>(*back.own_fields->target).command == "echo its own");
    CHECK(back.own_fields->controls.on_failure == "Next");
    CHECK_FALSE(back.own_fields->retry_delay_ms.has_value());
    CHECK(encode_run_value(back, read ? &*read : nullptr) == bytes);
    // The ring scan's read takes them too.
    REQUIRE(decode_run_value_without_texts(bytes, &light, &light_read).ok());
    REQUIRE(light.own_fields != nullptr);
    CHECK(light.own_fields->timeout_ms == 300'000);
    CHECK(light_read == read);
  }
  // A run without them reads none, whatever the caller's record held.
  run_record reused;
  reused.own_fields = own;
  REQUIRE(decode_run_value(encode_run_value(noop_run()), &reused).ok());
  CHECK(reused.own_fields == nullptr);
}

TEST_CASE("own fields that do not read make the whole run value corrupt") {
  run_record r = noop_run();
  auto own = std::make_shared<run_override>();
  own->retries = 1;
  r.own_fields = own;
  const std::string bytes = encode_run_value(r);
  run_record out;
  // Every shorter value fails (the fields' length overruns, or the fields are cut).
  for (std::size_t n = encode_run_value(noop_run()).size(); n < bytes.size(); ++n) {
    CHECK_FALSE(decode_run_value(bytes.substr(0, n), &out).ok());
    CHECK_FALSE(decode_run_value_without_texts(bytes.substr(0, n), &out).ok());
  }
  // A boolean of the fields that is neither 0 nor 1: the fields' own codec refuses it.
  std::string bad = bytes;
  bad[encode_run_value(noop_run()).size() + 2] = 7;  // after the length and the format byte: target's flag
  const status st = decode_run_value(bad, &out);
  CHECK_FALSE(st.ok());
  CHECK(st.message().find("its own fields") != std::string::npos);
  CHECK_FALSE(decode_run_value_without_texts(bad, &out).ok());
  // And a format 3 value cannot carry them.
  std::string format3 = bytes;
  format3[0] = static_cast<char>(k_run_value_format_keyed);
  CHECK_FALSE(decode_run_value(format3, &out).ok());
}

TEST_CASE("a run with a cause is written as format 5 and reads back with it, in both reads") {
  run_record r = noop_run();
  r.trigger = run_trigger::parent;
  auto cause = std::make_shared<run_cause>();
  cause->after_job = "extract";
  cause->after_name = "Extract orders";
  cause->after_run_id = 42;
  cause->after_kind = 0;  // http
  cause->after_state = run_state::failed;
  cause->after_code = 500;
  cause->after_error = "HTTP 500";
  r.cause = cause;
  auto own = std::make_shared<run_override>();
  own->retries = 1;
  run_tally t;
  t.failures = 1;
  t.newest_started_id = r.run_id;
  for (bool with_own : {false, true}) {
    r.own_fields = with_own ? own : nullptr;
    const std::string bytes = encode_run_value(r, &t);
    CHECK(bytes[0] == static_cast<char>(k_run_value_format_with_cause));
    run_record back, light;
    std::optional<run_tally> read, light_read;
    REQUIRE(decode_run_value(bytes, &back, &read).ok());
    check_same_fields(r, back);
    REQUIRE(back.cause != nullptr);
    CHECK(*back.cause == *cause);
    CHECK((back.own_fields != nullptr) == with_own);
    CHECK(read == t);
    CHECK(encode_run_value(back, &*read) == bytes);
    REQUIRE(decode_run_value_without_texts(bytes, &light, &light_read).ok());
    REQUIRE(light.cause != nullptr);
    CHECK(light.cause->after_run_id == 42);
    uint64_t id = 0;
    REQUIRE(run_id_of_value(bytes, &id));
    CHECK(id == r.run_id);
    // Cut anywhere in the cause, or marked format 4 (whose value ends before it): corrupt.
    for (std::size_t n = bytes.size() - 8; n < bytes.size(); ++n) CHECK_FALSE(decode_run_value(bytes.substr(0, n), &back).ok());
    std::string as_format_4 = bytes;
    as_format_4[0] = static_cast<char>(k_run_value_format);
    CHECK_FALSE(decode_run_value(as_format_4, &back).ok());
  }
  // A cause that does not read makes the value corrupt, naming it.
  run_record bare = noop_run();
  bare.cause = std::make_shared<run_cause>(run_cause{.after_state = run_state::failed});
  std::string bad = encode_run_value(bare);
  bad[encode_run_value(noop_run()).size() + 1] = 9;  // after the cause's length: its format byte
  run_record out;
  const status st = decode_run_value(bad, &out);
  CHECK_FALSE(st.ok());
  CHECK(st.message().find("its cause") != std::string::npos);
  // A run without one stays format 4 and reads none, whatever the caller's record held.
  const std::string plain = encode_run_value(noop_run());
  CHECK(plain[0] == static_cast<char>(k_run_value_format));
  out.cause = cause;
  REQUIRE(decode_run_value(plain, &out).ok());
  CHECK(out.cause == nullptr);
}

TEST_CASE("a format 3 value (run id in the key) still reads, leaving the run id to the caller") {
  run_record r = noop_run();
  r.run_id = 5;
  std::string bytes = encode_run_value(r);
  bytes[0] = static_cast<char>(k_run_value_format_keyed);
  bytes.erase(2, 1);  // format 3 had no run id after the kinds byte
  run_record back;
  back.run_id = 7;
  REQUIRE(decode_run_value(bytes, &back).ok());
  CHECK(back.run_id == 7);
  CHECK(back.plan_ms == r.plan_ms);
  CHECK(back.end_ms == r.end_ms);
}

TEST_CASE("run_id_of_value reads the id of a format 4 value and nothing else") {
  const run_record r = noop_run();
  const std::string bytes = encode_run_value(r);
  uint64_t id = 0;
  REQUIRE(run_id_of_value(bytes, &id));
  CHECK(id == r.run_id);
  CHECK_FALSE(run_id_of_value(bytes.substr(0, 5), &id));  // the varint cut short
  CHECK_FALSE(run_id_of_value("", &id));
  std::string keyed = bytes;
  keyed[0] = static_cast<char>(k_run_value_format_keyed);
  CHECK_FALSE(run_id_of_value(keyed, &id));
}

TEST_CASE("the scan's read of a run value skips its texts and reads the rest as decode does") {
  run_record r = noop_run();
  r.output_tail = "a long tail";
  r.error = "exit 1";
  r.node = "worker_1";
  r.state = run_state::failed;
  run_tally t;
  t.failures = 4;
  t.last_error_ms = r.end_ms;
  const std::string bytes = encode_run_value(r, &t);
  run_record light;
  std::optional<run_tally> read;
  REQUIRE(decode_run_value_without_texts(bytes, &light, &read).ok());
  CHECK(light.run_id == r.run_id);
  CHECK(light.state == run_state::failed);
  CHECK(light.end_ms == r.end_ms);
  CHECK(light.output_tail.empty());
  CHECK(light.error.empty());
  CHECK(light.node.empty());
  REQUIRE(read.has_value());
  t.newest_started_id = r.run_id;  // written as "no newer run": reads back as the run itself
  CHECK(*read == t);
  // What decode refuses, it refuses too: a cut value, a text past the end, trailing bytes.
  for (std::size_t n = 0; n < bytes.size(); ++n)
    CHECK_FALSE(decode_run_value_without_texts(bytes.substr(0, n), &light).ok());
  CHECK_FALSE(decode_run_value_without_texts(bytes + "x", &light).ok());
}

TEST_CASE("a run with a report is written as format 6, with or without a cause, and reads back with it") {
  const auto report = std::make_shared<const std::string>(R"({"perf":{"db":1.5},"label":"v2"})");
  auto cause = std::make_shared<run_cause>(run_cause{.after_job = "extract", .after_run_id = 42});
  for (bool with_cause : {false, true}) {
    run_record r = noop_run();
    r.output_tail = "42 rows\n";
    r.reported = report;
    r.cause = with_cause ? cause : nullptr;
    run_tally t;
    t.successes = 1;
    t.newest_started_id = r.run_id;
    const std::string bytes = encode_run_value(r, &t);
    CHECK(bytes[0] == static_cast<char>(k_run_value_format_with_extras));
    CHECK(is_slot_run_value(bytes));
    run_record back;
    std::optional<run_tally> read;
    REQUIRE(decode_run_value(bytes, &back, &read).ok());
    check_same_fields(r, back);
    REQUIRE(back.reported != nullptr);
    CHECK(*back.reported == *report);
    CHECK((back.cause != nullptr) == with_cause);
    CHECK(read == t);
    CHECK(encode_run_value(back, &*read) == bytes);
    // The light read leaves the report, as it leaves the other texts, but reads the cause.
    run_record light;
    light.reported = std::make_shared<const std::string>("as it was");
    REQUIRE(decode_run_value_without_texts(bytes, &light).ok());
    CHECK(*light.reported == "as it was");
    CHECK((light.cause != nullptr) == with_cause);
    uint64_t id = 0;
    REQUIRE(run_id_of_value(bytes, &id));
    CHECK(id == r.run_id);
    for (std::size_t n = 2; n < bytes.size(); ++n) CHECK_FALSE(decode_run_value(bytes.substr(0, n), &back).ok());
    // Marked format 4 or 5, the extras byte and report are bytes those formats do not have.
    for (uint8_t older : {k_run_value_format, k_run_value_format_with_cause}) {
      std::string as_older = bytes;
      as_older[0] = static_cast<char>(older);
      CHECK_FALSE(decode_run_value(as_older, &back).ok());
    }
  }
  // An extras byte with unknown bits, or without the report it is written for, is corrupt.
  run_record r = noop_run();
  r.reported = report;
  const std::string bytes = encode_run_value(r);
  const std::size_t extras_at = encode_run_value(noop_run()).size();
  for (char extras : {'\x00', '\x01', '\x06', '\x82'}) {
    std::string bad = bytes;
    bad[extras_at] = extras;
    run_record out;
    CHECK_FALSE(decode_run_value(bad, &out).ok());
  }
  // A run without a report reads none, whatever the caller's record held.
  run_record out;
  out.reported = report;
  REQUIRE(decode_run_value(encode_run_value(noop_run()), &out).ok());
  CHECK(out.reported == nullptr);
}
