// The reading half of dump_json.h: a streaming (SAX) parse straight into the records.
#include "storage/dump_json.h"

#include "core/go_base64.h"
#include "core/native_target.h"
#include "core/totp.h"

#include <bitset>
#include <exception>
#include <iterator>
#include <map>
#include <type_traits>
#include <limits>
#include <unordered_map>
#include <utility>

#include <nlohmann/json.hpp>

namespace mainspring {

namespace {

// -- reading: values as the SAX parser hands them over --

enum class json_kind { null, boolean, integer, number, string, object, array };

const char* kind_name(json_kind k) {
  switch (k) {
    case json_kind::null: return "null";
    case json_kind::boolean: return "a boolean";
    case json_kind::integer: return "an integer";
    case json_kind::number: return "a fractional number";
    case json_kind::string: return "a string";
    case json_kind::object: return "an object";
    case json_kind::array: return "an array";
  }
  return "a value";
}

struct json_value {
  json_kind kind = json_kind::null;
  bool boolean = false;
  int64_t integer = 0;
  bool integer_fits = true;  // false: an integer above INT64_MAX
  const std::string* text = nullptr;
};

// Why a value was refused; empty when it was taken.
using refusal = std::string;

refusal expected(const char* what, const json_value& v) {
  return std::string("expected ") + what + ", got " + kind_name(v.kind);
}

std::string in_quotes(std::string_view text) {
  return "\"" + std::string(text.substr(0, 64)) + "\"";
}

// A TOTP secret the server would use as given: "" (the server makes one) or base32. Anything
// else would leave every code for it wrong.
std::string check_secret(const std::string& where, const char* field, const std::string& secret) {
  if (secret.empty() || base32_decode(secret).ok()) return {};
  return where + "." + field + ": not a base32 TOTP secret";
}

refusal take(const json_value& v, std::string* out) {
  if (v.kind != json_kind::string) return expected("a string", v);
  *out = *v.text;
  return {};
}

refusal take(const json_value& v, int64_t* out) {
  if (v.kind != json_kind::integer) return expected("an integer", v);
  if (!v.integer_fits) return "out of range for a 64-bit integer";
  *out = v.integer;
  return {};
}

refusal take(const json_value& v, int* out) {
  int64_t wide = 0;
  if (auto r = take(v, &wide); !r.empty()) return r;
  if (wide < std::numeric_limits<int>::min() || wide > std::numeric_limits<int>::max())
    return "out of range for a 32-bit integer";
  *out = static_cast<int>(wide);
  return {};
}

refusal take(const json_value& v, uint64_t* out) {
  int64_t wide = 0;
  if (auto r = take(v, &wide); !r.empty()) return r;
  if (wide < 0) return "must not be negative";
  *out = static_cast<uint64_t>(wide);
  return {};
}

refusal take(const json_value& v, bool* out) {
  if (v.kind != json_kind::boolean) return expected("a boolean", v);
  *out = v.boolean;
  return {};
}

refusal take(const json_value& v, concurrency_policy* out) {
  std::string text;
  if (auto r = take(v, &text); !r.empty()) return r;
  auto p = parse_concurrency_policy(text);
  if (!p.ok()) return "expected allow or forbid, got " + in_quotes(text);
  *out = *p;
  return {};
}

refusal take(const json_value& v, misfire_policy* out) {
  std::string text;
  if (auto r = take(v, &text); !r.empty()) return r;
  auto p = parse_misfire_policy(text);
  if (!p.ok()) return "expected skip, once or all, got " + in_quotes(text);
  *out = *p;
  return {};
}

// A job's target as a dump spells it, gathered while the job's object is read and turned into
// the typed target when it closes (finish_job).
struct dump_target {
  std::string executor;  // "" = a version 1 job: request_url and exec_command
  std::string request_url, exec_command;
  std::string url, method = "GET", body, expect_body, command, shell, cwd, nodes;
  int expect_code = 0;
  std::string expect_codes;  // "200,206": every expected status, when more than one
  std::string stdin_base64;  // a shell target's input, in base64 (it may be any bytes)
  std::string input_format;
  bool signed_query = false, allocated = false, follow_redirects = false, stderr_apart = false,
       progress_lines = false, annotate_lines = false, json_lines = false;
  std::string success_match, error_match;
  std::map<std::string, std::string> headers, env;
};

// A record's known fields: name and how to take its value. A null setter marks a field that
// holds an object the reader descends into (a job's metadata).
template <class Record>
struct field {
  std::string_view name;
  refusal (*set)(Record&, const json_value&);
};

#define MS_FIELD(Record, json_name, member) \
  field<Record> { json_name, [](Record& r, const json_value& v) { return take(v, &r.member); } }

const field<group_spec> k_group_fields[] = {
    MS_FIELD(group_spec, "name", name),
    MS_FIELD(group_spec, "secret", secret),
    MS_FIELD(group_spec, "created_ms", created_ms),
};

const field<job_spec> k_job_fields[] = {
    MS_FIELD(job_spec, "id", id),
    MS_FIELD(job_spec, "group_name", group),
    MS_FIELD(job_spec, "name", name),
    MS_FIELD(job_spec, "interval_pattern", schedule),
    MS_FIELD(job_spec, "timezone", timezone),
    MS_FIELD(job_spec, "exec_time", exec_time_s),
    MS_FIELD(job_spec, "timeout_ms", timeout_ms),
    MS_FIELD(job_spec, "retries", retries),
    MS_FIELD(job_spec, "retry_delay_ms", retry_delay_ms),
    MS_FIELD(job_spec, "concurrency", concurrency),
    MS_FIELD(job_spec, "misfire", misfire),
    MS_FIELD(job_spec, "memo", memo),
    field<job_spec>{"metadata", nullptr},
    MS_FIELD(job_spec, "parent_job", parent_job),
    MS_FIELD(job_spec, "ephemeral", ephemeral),
    MS_FIELD(job_spec, "expires_at_ms", expires_at_ms),
    MS_FIELD(job_spec, "dialect_data", dialect_data),
    MS_FIELD(job_spec, "paused", paused),
    MS_FIELD(job_spec, "paused_at_s", paused_at_s),
    MS_FIELD(job_spec, "done", done),
    MS_FIELD(job_spec, "anchor_ms", anchor_ms),
    MS_FIELD(job_spec, "otp_token", otp_secret),
    MS_FIELD(job_spec, "created_ms", created_ms),
    MS_FIELD(job_spec, "updated_ms", updated_ms),
    MS_FIELD(job_spec, "revision", revision),
    MS_FIELD(job_spec, "max_running", controls.max_running),
    MS_FIELD(job_spec, "queue", controls.queue),
    MS_FIELD(job_spec, "queue_max", controls.queue_max),
    MS_FIELD(job_spec, "on_success", controls.on_success),
    MS_FIELD(job_spec, "on_failure", controls.on_failure),
    MS_FIELD(job_spec, "hook_url", controls.hook_url),
    MS_FIELD(job_spec, "hook_format", controls.hook_format),
    MS_FIELD(job_spec, "cpu_limit_percent", controls.cpu_limit_percent),
    MS_FIELD(job_spec, "cpu_sustain_s", controls.cpu_sustain_s),
    MS_FIELD(job_spec, "memory_limit_bytes", controls.memory_limit_bytes),
    MS_FIELD(job_spec, "memory_sustain_s", controls.memory_sustain_s),
    MS_FIELD(job_spec, "log_max_bytes", controls.log_max_bytes),
    MS_FIELD(job_spec, "retry_aborted", controls.retry_aborted),
    MS_FIELD(job_spec, "pool", controls.pool),
};

// A job's target fields, beside k_job_fields in the same object.
const field<dump_target> k_target_fields[] = {
    MS_FIELD(dump_target, "executor", executor),
    MS_FIELD(dump_target, "request_url", request_url),
    MS_FIELD(dump_target, "exec_command", exec_command),
    MS_FIELD(dump_target, "url", url),
    MS_FIELD(dump_target, "method", method),
    field<dump_target>{"headers", nullptr},
    MS_FIELD(dump_target, "body", body),
    MS_FIELD(dump_target, "expect_code", expect_code),
    MS_FIELD(dump_target, "expect_body", expect_body),
    MS_FIELD(dump_target, "signed_query", signed_query),
    MS_FIELD(dump_target, "command", command),
    MS_FIELD(dump_target, "shell", shell),
    MS_FIELD(dump_target, "cwd", cwd),
    field<dump_target>{"env", nullptr},
    MS_FIELD(dump_target, "nodes", nodes),
    MS_FIELD(dump_target, "allocated", allocated),
    MS_FIELD(dump_target, "follow_redirects", follow_redirects),
    MS_FIELD(dump_target, "success_match", success_match),
    MS_FIELD(dump_target, "error_match", error_match),
    MS_FIELD(dump_target, "expect_codes", expect_codes),
    MS_FIELD(dump_target, "stdin_base64", stdin_base64),
    MS_FIELD(dump_target, "stderr_apart", stderr_apart),
    MS_FIELD(dump_target, "progress_lines", progress_lines),
    MS_FIELD(dump_target, "annotate_lines", annotate_lines),
    MS_FIELD(dump_target, "json_lines", json_lines),
    MS_FIELD(dump_target, "input_format", input_format),
};
// The known fields of one object (a job's with its target's), each a bit of its frame's `seen`.
constexpr std::size_t k_max_frame_fields = 96;
// Target fields are claimed in a frame's `seen` bits after the job's own.
constexpr int k_target_field_bit = static_cast<int>(std::size(k_job_fields));
static_assert(std::size(k_job_fields) <= k_target_field_bit &&
              k_target_field_bit + std::size(k_target_fields) <= k_max_frame_fields);

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    auto comma = text.find(',', start);
    out.push_back(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

// The typed target `t` describes, or why it cannot be one.
status_or<executor_target> target_of(const dump_target& t) {
  if (t.executor.empty()) return parse_native_target(t.request_url, t.exec_command);
  if (t.executor == "http") {
    std::vector<int> codes;
    if (t.expect_code != 0) codes.push_back(t.expect_code);
    if (!t.expect_codes.empty()) {
      auto listed = parse_expect_codes_text(t.expect_codes);
      if (!listed)
        return status::invalid_argument("expect_codes: expected HTTP statuses separated by commas, got \"" +
                                        t.expect_codes.substr(0, 64) + "\"");
      codes = std::move(*listed);
    }
    return executor_target{http_target{t.method, t.url, name_value_list(t.headers.begin(), t.headers.end()),
                                       t.body, std::move(codes), t.expect_body, t.follow_redirects,
                                       t.success_match, t.error_match, t.signed_query}};
  }
  if (t.executor == "shell") {
    auto input = go_base64_decode(t.stdin_base64);
    if (!input.ok()) return status::invalid_argument("stdin_base64: " + input.status().message());
    return executor_target{shell_target{t.command, t.shell, name_value_list(t.env.begin(), t.env.end()), t.cwd,
                                        std::move(input).value(), t.stderr_apart, t.progress_lines,
                                        t.annotate_lines, t.json_lines, t.input_format}};
  }
  if (t.executor == "lua") return executor_target{lua_target{t.command}};
  if (t.executor == "remote") {
    remote_target remote{{}, t.command, name_value_list(t.env.begin(), t.env.end()), t.allocated};
    if (!t.nodes.empty()) remote.nodes = split_commas(t.nodes);
    return executor_target{std::move(remote)};
  }
  if (t.executor == "noop") return executor_target{noop_target{}};
  return status::invalid_argument("executor: expected http, shell, lua, remote or noop, got \"" +
                                  t.executor.substr(0, 32) + "\"");
}

const field<func_spec> k_func_fields[] = {
    MS_FIELD(func_spec, "group_name", group),
    MS_FIELD(func_spec, "name", name),
    MS_FIELD(func_spec, "lua_body", lua_body),
    MS_FIELD(func_spec, "use_otp", use_otp),
    MS_FIELD(func_spec, "disable_group_otp", disable_group_otp),
    MS_FIELD(func_spec, "memo", memo),
    MS_FIELD(func_spec, "secret", secret),
    MS_FIELD(func_spec, "created_ms", created_ms),
};

const field<run_pool_spec> k_pool_fields[] = {
    MS_FIELD(run_pool_spec, "name", name),
    MS_FIELD(run_pool_spec, "enabled", enabled),
    MS_FIELD(run_pool_spec, "max_running", max_running),
    MS_FIELD(run_pool_spec, "hook_url", hook_url),
    MS_FIELD(run_pool_spec, "hook_format", hook_format),
    MS_FIELD(run_pool_spec, "cpu_limit_percent", cpu_limit_percent),
    MS_FIELD(run_pool_spec, "cpu_sustain_s", cpu_sustain_s),
    MS_FIELD(run_pool_spec, "memory_limit_bytes", memory_limit_bytes),
    MS_FIELD(run_pool_spec, "memory_sustain_s", memory_sustain_s),
    MS_FIELD(run_pool_spec, "dialect_data", dialect_data),
    MS_FIELD(run_pool_spec, "created_ms", created_ms),
    MS_FIELD(run_pool_spec, "updated_ms", updated_ms),
};

const field<dumped_document> k_document_fields[] = {
    MS_FIELD(dumped_document, "kind", kind),
    MS_FIELD(dumped_document, "name", document.name),
    MS_FIELD(dumped_document, "json_text", document.json_text),
    MS_FIELD(dumped_document, "created_ms", document.created_ms),
    MS_FIELD(dumped_document, "updated_ms", document.updated_ms),
};

const field<dump_manifest> k_manifest_fields[] = {
    MS_FIELD(dump_manifest, "format", format),
    MS_FIELD(dump_manifest, "version", version),
    MS_FIELD(dump_manifest, "created", created),
    field<dump_manifest>{"groups", nullptr},
};

#undef MS_FIELD

template <class Record, std::size_t N>
int field_index(const field<Record> (&fields)[N], std::string_view name) {
  for (std::size_t i = 0; i < N; ++i)
    if (fields[i].name == name) return static_cast<int>(i);
  return -1;
}

// Nesting beyond what the format uses (4 levels) is only allowed inside ignored fields, and
// only this deep: the reader keeps one frame per level.
constexpr std::size_t k_max_json_depth = 32;
// What one metadata entry costs in a std::map beyond its strings (node, pointers, two strings),
// and one id in a reader's duplicate index.
constexpr std::size_t k_map_entry_bytes = 128;
constexpr std::size_t k_index_entry_bytes = 64;

// validate_job() bounds exec_time (k_max_exec_time_s, the year 9999) but not the bookkeeping
// instants, which only a dump can set: they get the same bound, so that no imported value
// overflows the scheduler's millisecond arithmetic.
constexpr int64_t k_max_instant_ms = k_max_exec_time_s * 1000 + 999;

refusal check_instant(std::string_view where, std::string_view name, int64_t value) {
  if (value >= 0 && value <= k_max_instant_ms) return {};
  return std::string(where) + "." + std::string(name) + ": must be between 0 and " +
         std::to_string(k_max_instant_ms) + " (the year 9999), got " + std::to_string(value);
}

// The SAX handler behind both decoders. It keeps one frame per open object or array; a frame's
// `where` says what the container is, hence what its members mean. Containers under unknown
// fields are `skip` frames: their contents are neither checked nor kept.
class dump_json_reader {
 public:
  enum class ctx : uint8_t {
    root, group, jobs, job, metadata, headers, env, funcs, func, pools, pool, documents, document, manifest, groups,
    skip
  };

  // -- constructors --

  // REQUIRES: exactly one of group_out and manifest_out is set.
  dump_json_reader(std::string_view file_group, group_dump* group_out, dump_manifest* manifest_out,
                   std::size_t max_groups, decode_budget* budget)
      : file_group_(file_group),
        group_(group_out),
        manifest_(manifest_out),
        max_groups_(max_groups),
        budget_(budget) {}

  // -- nlohmann SAX interface --

  bool null() { return scalar(json_value{}); }
  bool boolean(bool b) {
    json_value v{json_kind::boolean};
    v.boolean = b;
    return scalar(v);
  }
  bool number_integer(int64_t i) {
    json_value v{json_kind::integer};
    v.integer = i;
    return scalar(v);
  }
  bool number_unsigned(uint64_t u) {
    json_value v{json_kind::integer};
    v.integer_fits = u <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    v.integer = v.integer_fits ? static_cast<int64_t>(u) : 0;
    return scalar(v);
  }
  bool number_float(double, const std::string&) { return scalar(json_value{json_kind::number}); }
  bool string(std::string& text) {
    json_value v{json_kind::string};
    v.text = &text;
    return scalar(v);
  }
  bool binary(nlohmann::json::binary_t&) { return fail("unexpected binary value"); }
  bool start_object(std::size_t) { return open(json_kind::object); }
  bool start_array(std::size_t) { return open(json_kind::array); }
  bool key(std::string& name) {
    if (frames_.back().where != ctx::skip) frames_.back().key = name;
    return true;
  }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& ex) {
    std::string what = ex.what();  // "[json.exception.parse_error.101] parse error at line ..."
    if (auto cut = what.find("] "); cut != std::string::npos) what.erase(0, cut + 2);
    error_ = "invalid JSON: " + what;
    return false;
  }

  // -- results --

  const std::string& error() const { return error_; }

 private:
  struct frame {
    explicit frame(ctx w) : where(w) {}

    ctx where;
    std::string key;        // objects: the member whose value comes next
    std::size_t count = 0;  // arrays: elements finished so far, i.e. the current one's index
    std::bitset<k_max_frame_fields> seen;  // objects: known fields already set (a second one is refused)
  };

  // -- structure --

  bool open(json_kind kind) {
    if (frames_.empty()) {
      if (kind != json_kind::object) return fail("expected a JSON object at the top level");
      frames_.emplace_back(group_ ? ctx::root : ctx::manifest);
      return true;
    }
    if (frames_.size() >= k_max_json_depth)
      return fail("nested deeper than " + std::to_string(k_max_json_depth) + " levels");
    ctx child = ctx::skip;
    if (frames_.back().where != ctx::skip) {
      json_value v{kind};
      if (auto r = take_member(v, &child); !r.empty()) return fail(path() + ": " + r);
    }
    frames_.emplace_back(child);
    return true;
  }

  bool scalar(const json_value& v) {
    if (frames_.empty()) return fail("expected a JSON object at the top level");
    if (frames_.back().where == ctx::skip) return true;
    if (v.text && !charge(v.text->size())) return false;
    ctx ignored = ctx::skip;
    if (auto r = take_member(v, &ignored); !r.empty()) return fail(path() + ": " + r);
    ++frames_.back().count;
    return true;
  }

  bool close() {
    ctx done = frames_.back().where;
    frames_.pop_back();
    refusal r;
    if (done == ctx::job) r = finish_job();
    if (done == ctx::func) r = finish_func();
    if (done == ctx::pool) r = finish_pool();
    if (done == ctx::document) r = finish_document();
    if (done == ctx::group) r = finish_group();
    if (done == ctx::root && !(root_seen_ & 1u)) r = "group: required";
    if (done == ctx::root && group_) group_->pools_dumped = (root_seen_ & k_pools_seen) != 0;
    if (done == ctx::root && group_) group_->documents_dumped = (root_seen_ & k_documents_seen) != 0;
    if (!r.empty()) return fail(r);
    if (!frames_.empty()) ++frames_.back().count;
    return true;
  }

  // "jobs[3].metadata.team": where the value now being taken sits.
  std::string path() const {
    std::string out;
    for (const frame& f : frames_) {
      if (f.where == ctx::jobs || f.where == ctx::funcs || f.where == ctx::pools || f.where == ctx::documents ||
          f.where == ctx::groups) {
        out += "[" + std::to_string(f.count) + "]";
      } else {
        if (!out.empty()) out += ".";
        out += f.key.substr(0, 64);
      }
    }
    return out;
  }

  bool fail(std::string message) {
    error_ = std::move(message);
    return false;
  }

  bool charge(std::size_t bytes) {
    budget_->used += bytes;
    if (budget_->used <= budget_->limit) return true;
    return fail("the decoded records would hold more than " + std::to_string(budget_->limit) +
                " bytes");
  }

  // -- members --

  // Takes `v` as the value of the current member (objects) or element (arrays) of the top
  // frame; for a container, *child says what it is.
  refusal take_member(const json_value& v, ctx* child) {
    frame& f = frames_.back();
    switch (f.where) {
      case ctx::root: return take_root_member(f, v, child);
      case ctx::group: return take_field(k_group_fields, f, group_->group, v);
      case ctx::jobs: return take_element(v, child, ctx::job, group_->jobs);
      case ctx::job:
        if (f.key == "metadata")
          return take_container(k_job_fields, f, v, json_kind::object, ctx::metadata, child);
        if (f.key == "headers" || f.key == "env")
          return take_container(k_target_fields, f, v, json_kind::object,
                                f.key == "env" ? ctx::env : ctx::headers, child, k_target_field_bit);
        if (field_index(k_target_fields, f.key) >= 0)
          return take_field(k_target_fields, f, target_, v, k_target_field_bit);
        return take_field(k_job_fields, f, group_->jobs.back(), v);
      case ctx::metadata: return take_metadata_entry(f, v);
      case ctx::headers: return take_string_entry(f, v, target_.headers);
      case ctx::env: return take_string_entry(f, v, target_.env);
      case ctx::funcs: return take_element(v, child, ctx::func, group_->funcs);
      case ctx::func: return take_field(k_func_fields, f, group_->funcs.back(), v);
      case ctx::pools:
        if (group_->pools.size() >= k_max_run_pools_per_group)
          return "more than " + std::to_string(k_max_run_pools_per_group) + " pools (a group's most)";
        return take_element(v, child, ctx::pool, group_->pools);
      case ctx::pool: return take_field(k_pool_fields, f, group_->pools.back(), v);
      case ctx::documents: return take_element(v, child, ctx::document, group_->documents);
      case ctx::document: return take_field(k_document_fields, f, group_->documents.back(), v);
      case ctx::manifest:
        if (f.key == "groups")
          return take_container(k_manifest_fields, f, v, json_kind::array, ctx::groups, child);
        return take_field(k_manifest_fields, f, *manifest_, v);
      case ctx::groups: return take_group_name(f, v);
      case ctx::skip: return {};
    }
    return {};
  }

  refusal take_root_member(frame& f, const json_value& v, ctx* child) {
    static constexpr std::string_view names[] = {"group", "jobs", "funcs", "pools", "documents"};
    static constexpr ctx children[] = {ctx::group, ctx::jobs, ctx::funcs, ctx::pools, ctx::documents};
    static_assert(k_pools_seen == 1u << 3 && k_documents_seen == 1u << 4);
    for (int i = 0; i < 5; ++i) {
      if (f.key != names[i]) continue;
      if (root_seen_ & (1u << i)) return "duplicate key";
      root_seen_ |= 1u << i;
      json_kind want = i == 0 ? json_kind::object : json_kind::array;
      if (v.kind != want) return expected(kind_name(want), v);
      *child = children[i];
      return {};
    }
    return {};  // unknown: ignored
  }

  // Marks field `index` of `f` as set; refuses a second time.
  static refusal claim(frame& f, int bit) {
    if (f.seen.test(static_cast<std::size_t>(bit))) return "duplicate key";
    f.seen.set(static_cast<std::size_t>(bit));
    return {};
  }

  // `first_bit`: where this table's fields start in the frame's `seen` bits.
  template <class Record, std::size_t N>
  refusal take_field(const field<Record> (&fields)[N], frame& f, Record& record,
                     const json_value& v, int first_bit = 0) {
    int index = field_index(fields, f.key);
    if (index < 0) return {};  // unknown: ignored
    if (auto r = claim(f, first_bit + index); !r.empty()) return r;
    return fields[index].set ? fields[index].set(record, v) : refusal{};
  }

  // A known field that holds an object or array the reader descends into as `inner`.
  template <class Record, std::size_t N>
  refusal take_container(const field<Record> (&fields)[N], frame& f, const json_value& v,
                         json_kind want, ctx inner, ctx* child, int first_bit = 0) {
    if (auto r = claim(f, first_bit + field_index(fields, f.key)); !r.empty()) return r;
    if (v.kind != want) return expected(kind_name(want), v);
    *child = inner;
    return {};
  }

  template <class Record>
  refusal take_element(const json_value& v, ctx* child, ctx element, std::vector<Record>& out) {
    if (v.kind != json_kind::object) return expected("an object", v);
    if (!charge(sizeof(Record) + k_index_entry_bytes)) return error_;
    out.emplace_back();
    if constexpr (std::is_same_v<Record, job_spec>) target_ = dump_target{};
    *child = element;
    return {};
  }

  // An entry of a target's headers or env object.
  refusal take_string_entry(const frame& f, const json_value& v, std::map<std::string, std::string>& out) {
    if (v.kind != json_kind::string) return expected("a string", v);
    if (out.size() >= k_max_target_entries)
      return "more than " + std::to_string(k_max_target_entries) + " entries";
    if (!charge(k_map_entry_bytes + f.key.size())) return error_;
    if (!out.emplace(f.key, *v.text).second) return "duplicate key";
    return {};
  }

  refusal take_metadata_entry(const frame& f, const json_value& v) {
    if (v.kind != json_kind::string) return expected("a string", v);
    auto& metadata = group_->jobs.back().metadata;
    if (metadata.size() >= k_max_metadata_entries)
      return "more than " + std::to_string(k_max_metadata_entries) + " metadata entries";
    if (!charge(k_map_entry_bytes + f.key.size())) return error_;
    if (!metadata.emplace(f.key, *v.text).second) return "duplicate key";
    return {};
  }

  refusal take_group_name(const frame& f, const json_value& v) {
    std::string name;
    if (auto r = take(v, &name); !r.empty()) return r;
    if (f.count >= max_groups_) return "more than " + std::to_string(max_groups_) + " groups";
    if (auto st = validate_group_name(name); !st.ok()) return st.message();
    if (!charge(sizeof(std::string))) return error_;
    manifest_->groups.push_back(std::move(name));
    return {};
  }

  // -- whole records --

  // Called when a job's object closes; the top frame is then the `jobs` array.
  refusal finish_job() {
    job_spec& job = group_->jobs.back();
    std::string where = path();
    auto target = target_of(target_);
    if (!target.ok()) return where + "." + target.status().message();
    job.target = std::move(target).value();
    if (target_.executor.empty() && job.dialect_data.empty())  // version 1: see native_target.h
      job.dialect_data = native_dialect_data_for(job.target, target_.exec_command);
    if (job.group != file_group_)
      return where + ".group_name: " + in_quotes(job.group) + " is not the file's group " +
             in_quotes(file_group_);
    if (job.id.empty()) return where + ".id: required";
    if (status st = validate_job(job); !st.ok()) return where + ": " + st.message();
    if (auto r = check_secret(where, "otp_token", job.otp_secret); !r.empty()) return r;
    for (auto [name, value] : {std::pair{"anchor_ms", job.anchor_ms},
                               std::pair{"created_ms", job.created_ms},
                               std::pair{"updated_ms", job.updated_ms}})
      if (auto r = check_instant(where, name, value); !r.empty()) return r;
    auto [it, fresh] = job_index_.emplace(job.id, frames_.back().count);
    if (!fresh)
      return where + ".id: duplicate job id " + in_quotes(job.id) + " (also jobs[" +
             std::to_string(it->second) + "])";
    return {};
  }

  refusal finish_func() {
    const func_spec& func = group_->funcs.back();
    std::string where = path();
    if (func.group != file_group_)
      return where + ".group_name: " + in_quotes(func.group) + " is not the file's group " +
             in_quotes(file_group_);
    if (status st = validate_func(func); !st.ok()) return where + "." + st.message();
    if (auto r = check_secret(where, "secret", func.secret); !r.empty()) return r;
    if (auto r = check_instant(where, "created_ms", func.created_ms); !r.empty()) return r;
    auto [it, fresh] = func_index_.emplace(func.name, frames_.back().count);
    if (!fresh)
      return where + ".name: duplicate func " + in_quotes(func.name) + " (also funcs[" +
             std::to_string(it->second) + "])";
    return {};
  }

  refusal finish_pool() {
    const run_pool_spec& pool = group_->pools.back();
    std::string where = path();
    if (status st = validate_run_pool(pool); !st.ok()) return where + "." + st.message();
    for (auto [name, value] : {std::pair{"created_ms", pool.created_ms}, std::pair{"updated_ms", pool.updated_ms}})
      if (auto r = check_instant(where, name, value); !r.empty()) return r;
    auto [it, fresh] = pool_index_.emplace(pool.name, frames_.back().count);
    if (!fresh)
      return where + ".name: duplicate pool " + in_quotes(pool.name) + " (also pools[" +
             std::to_string(it->second) + "])";
    return {};
  }

  // The count per kind is checked as each document ends, its kind known only then.
  refusal finish_document() {
    const dumped_document& d = group_->documents.back();
    std::string where = path();
    if (status st = validate_group_document(d.kind, d.document); !st.ok()) return where + "." + st.message();
    for (auto [name, value] : {std::pair{"created_ms", d.document.created_ms}, std::pair{"updated_ms", d.document.updated_ms}})
      if (auto r = check_instant(where, name, value); !r.empty()) return r;
    if (++documents_per_kind_[d.kind] > k_max_group_documents)
      return where + ".kind: more than " + std::to_string(k_max_group_documents) + " documents of kind " +
             in_quotes(d.kind) + " (a group's most)";
    auto [it, fresh] = document_index_.emplace(d.kind + "/" + d.document.name, frames_.back().count);
    if (!fresh)
      return where + ".name: duplicate document " + in_quotes(d.document.name) + " of kind " + in_quotes(d.kind) +
             " (also documents[" + std::to_string(it->second) + "])";
    return {};
  }

  refusal finish_group() {
    if (group_->group.name != file_group_)
      return "group.name: " + in_quotes(group_->group.name) + " is not the file's group " +
             in_quotes(file_group_);
    if (auto r = check_secret("group", "secret", group_->group.secret); !r.empty()) return r;
    return check_instant("group", "created_ms", group_->group.created_ms);
  }

  // -- member variables --

  std::string_view file_group_;
  group_dump* group_;
  dump_manifest* manifest_;
  std::size_t max_groups_;
  decode_budget* budget_;
  std::vector<frame> frames_;
  dump_target target_;  // the target of the job being read
  uint32_t root_seen_ = 0;  // the root's members seen, a bit each (take_root_member)
  static constexpr uint32_t k_pools_seen = 1u << 3;
  static constexpr uint32_t k_documents_seen = 1u << 4;
  std::unordered_map<std::string, std::size_t> job_index_;   // job id -> index in jobs
  std::unordered_map<std::string, std::size_t> func_index_;  // func name -> index in funcs
  std::unordered_map<std::string, std::size_t> pool_index_;  // pool name -> index in pools
  std::unordered_map<std::string, std::size_t> document_index_;      // "kind/name" -> index in documents
  std::unordered_map<std::string, std::size_t> documents_per_kind_;  // kind -> documents read
  std::string error_;
};

status parse(std::istream& text, dump_json_reader& reader) {
  try {
    if (nlohmann::json::sax_parse(text, &reader)) return {};
  } catch (const std::exception& e) {  // the parser reports through parse_error; defensive only
    return status::invalid_argument(std::string("invalid JSON: ") + e.what());
  }
  return status::invalid_argument(reader.error().empty() ? "invalid JSON" : reader.error());
}

}  // namespace

std::size_t json_token_guard::accept(std::string_view block) {
  if (tripped_) return 0;
  auto number_byte = [](char c) {
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
  };
  for (std::size_t i = 0; i < block.size(); ++i) {
    char c = block[i];
    bool grows = false;
    if (state_ == state::in_number) {
      if (number_byte(c)) grows = true;
      else state_ = state::between;  // and this byte may open a string
    }
    if (!grows) {
      switch (state_) {
        case state::between:
          if (c == '"') {
            state_ = state::in_string;
            token_bytes_ = 0;
          } else if (number_byte(c)) {
            state_ = state::in_number;
            token_bytes_ = 0;
            grows = true;
          }
          break;
        case state::in_string:
          if (c == '"') {
            state_ = state::between;
          } else {
            if (c == '\\') state_ = state::after_backslash;
            grows = true;
          }
          break;
        case state::after_backslash:
          state_ = state::in_string;
          grows = true;
          break;
        case state::in_number: break;  // handled above
      }
    }
    if (grows && ++token_bytes_ > max_bytes_) {
      tripped_ = true;
      return i;
    }
  }
  return block.size();
}

status_or<group_dump> decode_group_file(std::istream& text, std::string_view file_group,
                                        decode_budget* budget) {
  group_dump out;
  dump_json_reader reader(file_group, &out, nullptr, 0, budget);
  if (status st = parse(text, reader); !st.ok()) return st;
  return out;
}

status_or<dump_manifest> decode_manifest(std::istream& text, std::size_t max_groups,
                                         decode_budget* budget) {
  dump_manifest out;
  dump_json_reader reader({}, nullptr, &out, max_groups, budget);
  if (status st = parse(text, reader); !st.ok()) return st;
  return out;
}

}  // namespace mainspring
