#include "storage/run_value.h"

#include "core/job.h"        // run_override
#include "storage/codec.h"   // the bytes of its own fields and its cause

namespace mainspring {
namespace {

constexpr uint8_t k_max_state = static_cast<uint8_t>(run_state::skipped);
constexpr uint8_t k_max_trigger = static_cast<uint8_t>(run_trigger::parent);
static_assert(k_max_state < 8 && k_max_trigger < 8, "state and trigger share one byte, 3 bits each");
constexpr uint8_t k_has_tally_bit = 1 << 6;
constexpr uint8_t k_has_own_fields_bit = 1 << 7;
// Format 6's extras byte.
constexpr uint8_t k_extra_cause_bit = 1;
constexpr uint8_t k_extra_report_bit = 2;

// The longest varint of a uint64: 10 groups of 7 bits.
constexpr int k_max_varint_bytes = 10;

uint64_t zigzag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
int64_t unzigzag(uint64_t v) {
  return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
}
// a - b and a + b in two's complement, without signed overflow.
int64_t wrapping_sub(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
}
int64_t wrapping_add(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}

void put_varint(std::string& out, uint64_t v) {
  char buf[k_max_varint_bytes];
  int n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  out.append(buf, static_cast<std::size_t>(n));
}

// A tally's time as the run value keeps it: 0 for never, else 1 + zigzag(end_ms - t) (the last
// success is usually this run's end: one byte).
uint64_t time_before(int64_t end_ms, int64_t t) {
  return t == 0 ? 0 : 1 + zigzag(wrapping_sub(end_ms, t));
}
int64_t time_from(int64_t end_ms, uint64_t v) {
  return v == 0 ? 0 : wrapping_sub(end_ms, unzigzag(v - 1));
}

void put_text(std::string& out, const std::string& text) {
  put_varint(out, text.size());
  out += text;
}

// Reads from a value front to back; the first problem sticks (later reads return zeros).
class value_reader {
 public:
  explicit value_reader(std::string_view bytes) : rest_(bytes) {}

  uint8_t byte() {
    if (rest_.empty()) return fail("truncated"), 0;
    const auto b = static_cast<uint8_t>(rest_[0]);
    rest_.remove_prefix(1);
    return b;
  }
  // Only the shortest form of each number is accepted, so that a value that reads writes back
  // byte for byte.
  uint64_t varint() {
    uint64_t v = 0;
    for (int i = 0;; ++i) {
      if (rest_.empty()) return fail("truncated varint"), 0;
      const auto b = static_cast<uint8_t>(rest_[0]);
      rest_.remove_prefix(1);
      // The tenth group holds only the top bit of a uint64.
      if (i == k_max_varint_bytes - 1 && b > 1) return fail("varint overflows 64 bits"), 0;
      v |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
      if ((b & 0x80) != 0) continue;
      if (b == 0 && i > 0) return fail("varint not in its shortest form"), 0;
      return v;
    }
  }
  int64_t signed_varint() { return unzigzag(varint()); }
  int32_t int32() {
    const int64_t v = signed_varint();
    if (v < INT32_MIN || v > INT32_MAX) return fail("32-bit field out of range"), 0;
    return static_cast<int32_t>(v);
  }
  void text(std::string& out) {
    const uint64_t n = varint();
    // Checked before allocating: a flipped length must not ask for gigabytes.
    if (n > rest_.size() || n > k_max_run_value_text_bytes) {
      if (error_ == nullptr) fail("string length overruns the value");
      out.clear();
      return;
    }
    out.assign(rest_.data(), static_cast<std::size_t>(n));
    rest_.remove_prefix(static_cast<std::size_t>(n));
  }
  // As text(), without copying it: the bytes stay in the value (refusing what text() refuses).
  std::string_view text_view() {
    const uint64_t n = varint();
    if (n > rest_.size() || n > k_max_run_value_text_bytes) {
      if (error_ == nullptr) fail("string length overruns the value");
      return {};
    }
    std::string_view text = rest_.substr(0, static_cast<std::size_t>(n));
    rest_.remove_prefix(static_cast<std::size_t>(n));
    return text;
  }
  void skip_text() { text_view(); }

  std::size_t remaining() const { return rest_.size(); }
  const char* error() const { return error_; }
  void fail(const char* why) {
    if (error_ == nullptr) error_ = why;
    rest_ = {};
  }

 private:
  std::string_view rest_;
  const char* error_ = nullptr;
};

status corrupt(const std::string& why) {
  return status::internal("corrupt run_record value: " + why);
}

}  // namespace

std::string encode_run_value(const run_record& run, const run_tally* tally) {
  std::string out;
  out.reserve(24 + run.output_tail.size() + run.error.size() + run.node.size());
  const uint8_t format = run.reported != nullptr ? k_run_value_format_with_extras
                         : run.cause != nullptr  ? k_run_value_format_with_cause
                                                 : k_run_value_format;
  out.push_back(static_cast<char>(format));
  out.push_back(static_cast<char>(static_cast<uint8_t>(run.state) | static_cast<uint8_t>(run.trigger) << 3 |
                                  (tally != nullptr ? k_has_tally_bit : 0) |
                                  (run.own_fields != nullptr ? k_has_own_fields_bit : 0)));
  put_varint(out, run.run_id);
  put_varint(out, zigzag(run.attempt));
  put_varint(out, zigzag(run.plan_ms));
  put_varint(out, zigzag(wrapping_sub(run.start_ms, run.plan_ms)));
  put_varint(out, zigzag(wrapping_sub(run.end_ms, run.start_ms)));
  put_varint(out, zigzag(run.code));
  put_text(out, run.output_tail);
  put_text(out, run.error);
  put_text(out, run.node);
  if (tally != nullptr) {
    put_varint(out, tally->successes);
    put_varint(out, tally->failures);
    put_varint(out, tally->skipped);
    put_varint(out, tally->retries);
    put_varint(out, time_before(run.end_ms, tally->last_success_ms));
    put_varint(out, time_before(run.end_ms, tally->last_error_ms));
    put_varint(out, tally->newest_started_id > run.run_id ? tally->newest_started_id - run.run_id : 0);
  }
  if (run.own_fields != nullptr) put_text(out, encode(*run.own_fields));
  if (format == k_run_value_format_with_extras)
    out.push_back(static_cast<char>((run.cause != nullptr ? k_extra_cause_bit : 0) | k_extra_report_bit));
  if (run.cause != nullptr) put_text(out, encode(*run.cause));
  if (run.reported != nullptr) put_text(out, *run.reported);
  return out;
}

namespace {

// decode_run_value, copying the texts or not (copy_texts false: they are left as they were).
status read_value(std::string_view bytes, run_record* out, std::optional<run_tally>* tally, bool copy_texts) {
  value_reader in(bytes);
  const uint8_t format = in.byte();
  if (format != k_run_value_format && format != k_run_value_format_with_cause &&
      format != k_run_value_format_with_extras && format != k_run_value_format_keyed)
    return corrupt("not a format 3, 4, 5 or 6 value");
  const bool keyed = format == k_run_value_format_keyed;
  const uint8_t kinds = in.byte();
  const uint8_t state = kinds & 7, trigger = (kinds >> 3) & 7;
  const bool has_tally = (kinds & k_has_tally_bit) != 0;
  const bool has_own_fields = (kinds & k_has_own_fields_bit) != 0;
  if (in.error() == nullptr &&
      (state > k_max_state || trigger > k_max_trigger || ((has_tally || has_own_fields) && keyed)))
    return corrupt("enum value out of range");
  out->state = static_cast<run_state>(state);
  out->trigger = static_cast<run_trigger>(trigger);
  if (!keyed) out->run_id = in.varint();
  out->attempt = in.int32();
  out->plan_ms = in.signed_varint();
  out->start_ms = wrapping_add(out->plan_ms, in.signed_varint());
  out->end_ms = wrapping_add(out->start_ms, in.signed_varint());
  out->code = in.int32();
  for (std::string* text : {&out->output_tail, &out->error, &out->node}) {
    if (copy_texts) in.text(*text);
    else in.skip_text();
  }
  run_tally read;
  if (has_tally) {
    read.successes = in.varint();
    read.failures = in.varint();
    read.skipped = in.varint();
    read.retries = in.varint();
    const uint64_t success = in.varint(), error = in.varint();
    read.last_success_ms = time_from(out->end_ms, success);
    read.last_error_ms = time_from(out->end_ms, error);
    // The writer writes time 0 (never) as 0, never as a difference that comes to it.
    if ((success != 0 && read.last_success_ms == 0) || (error != 0 && read.last_error_ms == 0))
      in.fail("tally time 0 written as a difference");
    const uint64_t newer = in.varint();
    if (newer > UINT64_MAX - out->run_id) in.fail("tally's newest started run id overflows");
    read.newest_started_id = out->run_id + newer;
  }
  // Read in both modes, so that both take the same values: few runs have fields of their own.
  std::shared_ptr<run_override> own;
  if (has_own_fields) {
    const std::string_view bytes_of_own = in.text_view();
    if (in.error() == nullptr) {
      own = std::make_shared<run_override>();
      if (status st = decode(bytes_of_own, own.get()); !st.ok()) return corrupt("its own fields: " + st.message());
    }
  }
  uint8_t extras = format == k_run_value_format_with_cause ? k_extra_cause_bit : 0;
  if (format == k_run_value_format_with_extras) {
    extras = in.byte();
    // Only these bits, and a report always (a value without one is format 4 or 5).
    if (in.error() == nullptr && (extras & ~(k_extra_cause_bit | k_extra_report_bit) || !(extras & k_extra_report_bit)))
      return corrupt("unknown extras " + std::to_string(extras));
  }
  std::shared_ptr<run_cause> cause;
  if (extras & k_extra_cause_bit) {
    const std::string_view bytes_of_cause = in.text_view();
    if (in.error() == nullptr) {
      cause = std::make_shared<run_cause>();
      if (status st = decode(bytes_of_cause, cause.get()); !st.ok()) return corrupt("its cause: " + st.message());
    }
  }
  std::shared_ptr<const std::string> reported;
  if (extras & k_extra_report_bit) {
    if (copy_texts) reported = std::make_shared<const std::string>(in.text_view());
    else in.skip_text();
  }
  if (in.error() != nullptr) return corrupt(in.error());
  if (in.remaining() != 0) return corrupt(std::to_string(in.remaining()) + " trailing bytes");
  if (tally != nullptr) {
    if (has_tally) *tally = read;
    else tally->reset();
  }
  out->own_fields = std::move(own);
  out->cause = std::move(cause);
  if (copy_texts) out->reported = std::move(reported);
  return {};
}

}  // namespace

status decode_run_value(std::string_view bytes, run_record* out, std::optional<run_tally>* tally) {
  return read_value(bytes, out, tally, true);
}

status decode_run_value_without_texts(std::string_view bytes, run_record* out, std::optional<run_tally>* tally) {
  return read_value(bytes, out, tally, false);
}

bool run_id_of_value(std::string_view bytes, uint64_t* run_id) {
  if (!is_slot_run_value(bytes)) return false;
  value_reader in(bytes);
  in.byte();
  in.byte();
  const uint64_t id = in.varint();
  if (in.error() != nullptr) return false;
  *run_id = id;
  return true;
}

}  // namespace mainspring
