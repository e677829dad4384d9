#include "storage/codec.h"

#include "core/native_target.h"

#include <algorithm>
#include <cereal/archives/binary.hpp>
#include <istream>
#include <map>
#include <ostream>
#include <streambuf>
#include <type_traits>
#include <variant>
#include <vector>

namespace mainspring {
namespace {

// -- streams over our own buffers --
// cereal's binary archives only call rdbuf()->sputn / sgetn, so two tiny streambufs let one
// archive per thread be reused for every value (building an iostream per value costs more than
// encoding a job).

class string_sink : public std::streambuf {
 public:
  void reset(std::string* out) { out_ = out; }

 protected:
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    out_->append(s, static_cast<std::size_t>(n));
    return n;
  }
  int_type overflow(int_type c) override {
    if (!traits_type::eq_int_type(c, traits_type::eof()))
      out_->push_back(traits_type::to_char_type(c));
    return traits_type::not_eof(c);
  }

 private:
  std::string* out_ = nullptr;
};

class view_source : public std::streambuf {
 public:
  void reset(std::string_view bytes) {
    char* p = const_cast<char*>(bytes.data());  // the get area is only read
    setg(p, p, p + bytes.size());
  }
  std::size_t remaining() const { return static_cast<std::size_t>(egptr() - gptr()); }
};

// Thrown inside this file only; decode() turns it into a status.
struct corrupt_value {
  const char* reason;
};

// Largest value of each stored enum. REQUIRES: updated when an enum gains a value.
constexpr uint8_t last_value(concurrency_policy) {
  return static_cast<uint8_t>(concurrency_policy::forbid);
}
constexpr uint8_t last_value(misfire_policy) {
  return static_cast<uint8_t>(misfire_policy::all);
}
constexpr uint8_t last_value(run_state) {
  return static_cast<uint8_t>(run_state::skipped);
}
constexpr uint8_t last_value(run_trigger) {
  return static_cast<uint8_t>(run_trigger::parent);
}
constexpr uint8_t last_value(executor_kind) {
  return static_cast<uint8_t>(executor_kind::noop);
}

// -- an executor target's fields, per alternative, for both directions (H may be const) --

template <class Io, class H>
void target_fields(Io& io, H& t) {
  using T = std::remove_const_t<H>;
  if constexpr (std::is_same_v<T, http_target>) {
    io(t.method);
    io(t.url);
    io(t.headers);
    io(t.body);
    // The first expected status (0: none), where formats before 6 kept the only one; the others
    // follow in http_more_codes.
    if constexpr (std::is_const_v<H>) {
      const int first = t.expect_codes.empty() ? 0 : t.expect_codes.front();
      io(first);
    } else {
      int first = 0;
      io(first);
      t.expect_codes.clear();
      if (first != 0) t.expect_codes.push_back(first);
    }
    io(t.expect_body);
    io(t.signed_query);
  } else if constexpr (std::is_same_v<T, shell_target>) {
    io(t.command);
    io(t.shell);
    io(t.env);
    io(t.cwd);
  } else if constexpr (std::is_same_v<T, lua_target>) {
    io(t.source);
  } else if constexpr (std::is_same_v<T, remote_target>) {
    io(t.nodes);
    io(t.command);
  } else {
    static_assert(std::is_same_v<T, noop_target>, "an executor_target alternative without fields here");
  }
}

// An empty target of `kind`, for the reader to fill.
executor_target empty_target(executor_kind kind) {
  switch (kind) {
    case executor_kind::http: return http_target{};
    case executor_kind::shell: return shell_target{};
    case executor_kind::lua: return lua_target{};
    case executor_kind::remote: return remote_target{};
    case executor_kind::noop: return noop_target{};
  }
  return noop_target{};
}

constexpr uint32_t k_max_string_bytes = 64u << 20;

// -- writer and reader: the same field lists drive both --

class field_writer {
 public:
  explicit field_writer(cereal::BinaryOutputArchive& ar) : ar_(ar) {}

  void operator()(const std::string& s) {
    ar_(static_cast<uint32_t>(s.size()));
    ar_(cereal::binary_data(s.data(), s.size()));
  }
  void operator()(bool b) { ar_(static_cast<uint8_t>(b ? 1 : 0)); }
  template <class T>
  requires(std::is_arithmetic_v<T> && !std::is_same_v<T, bool>) void operator()(T v) { ar_(v); }
  template <class E>
  requires std::is_enum_v<E>
  void operator()(E e) { ar_(static_cast<uint8_t>(e)); }
  void operator()(const std::map<std::string, std::string>& m) {
    ar_(static_cast<uint32_t>(m.size()));
    for (const auto& [k, v] : m) {
      (*this)(k);
      (*this)(v);
    }
  }
  void operator()(const std::vector<std::pair<std::string, std::string>>& pairs) {
    ar_(static_cast<uint32_t>(pairs.size()));
    for (const auto& [k, v] : pairs) {
      (*this)(k);
      (*this)(v);
    }
  }
  void operator()(const std::vector<int32_t>& list) {
    ar_(static_cast<uint32_t>(list.size()));
    for (int32_t v : list) ar_(v);
  }
  void operator()(const std::vector<std::string>& list) {
    ar_(static_cast<uint32_t>(list.size()));
    for (const auto& item : list) (*this)(item);
  }
  void operator()(const executor_target& t) {
    (*this)(kind_of(t));
    std::visit([this](const auto& alternative) { target_fields(*this, alternative); }, t);
  }
  template <class T>
  void operator()(const std::optional<T>& o) {
    (*this)(o.has_value());
    if (o) (*this)(*o);
  }

 private:
  cereal::BinaryOutputArchive& ar_;
};

class field_reader {
 public:
  field_reader(cereal::BinaryInputArchive& ar, view_source& src) : ar_(ar), src_(src) {}

  void operator()(std::string& s) {
    uint32_t n = 0;
    ar_(n);
    // Check before allocating: a flipped length must not ask for gigabytes.
    if (n > src_.remaining() || n > k_max_string_bytes)
      throw corrupt_value{"string length overruns the value"};
    s.resize(n);
    ar_(cereal::binary_data(s.data(), n));
  }
  void operator()(bool& b) {
    uint8_t v = 0;
    ar_(v);
    if (v > 1) throw corrupt_value{"bad boolean"};
    b = v == 1;
  }
  template <class T>
  requires(std::is_arithmetic_v<T> && !std::is_same_v<T, bool>) void operator()(T& v) { ar_(v); }
  template <class E>
  requires std::is_enum_v<E>
  void operator()(E& e) {
    uint8_t v = 0;
    ar_(v);
    if (v > last_value(E{})) throw corrupt_value{"enum value out of range"};
    e = static_cast<E>(v);
  }
  void operator()(std::map<std::string, std::string>& m) {
    uint32_t n = 0;
    ar_(n);
    if (n > src_.remaining() / 8)
      throw corrupt_value{"map size overruns the value"};  // 2 lengths each
    m.clear();
    for (uint32_t i = 0; i < n; ++i) {
      std::string k, v;
      (*this)(k);
      (*this)(v);
      m.insert_or_assign(m.end(), std::move(k), std::move(v));
    }
  }
  void operator()(std::vector<std::pair<std::string, std::string>>& pairs) {
    uint32_t n = count(8);  // 2 lengths each
    pairs.clear();
    pairs.reserve(n);
    for (uint32_t i = 0; i < n; ++i) {
      auto& [k, v] = pairs.emplace_back();
      (*this)(k);
      (*this)(v);
    }
  }
  void operator()(std::vector<int32_t>& list) {
    list.assign(count(4), 0);
    for (auto& v : list) ar_(v);
  }
  void operator()(std::vector<std::string>& list) {
    uint32_t n = count(4);
    list.assign(n, std::string());
    for (auto& item : list) (*this)(item);
  }
  void operator()(executor_target& t) {
    executor_kind kind{};
    (*this)(kind);
    t = empty_target(kind);
    std::visit([this](auto& alternative) { target_fields(*this, alternative); }, t);
  }
  template <class T>
  void operator()(std::optional<T>& o) {
    bool present = false;
    (*this)(present);
    o.reset();
    if (present) (*this)(o.emplace());
  }

 private:
  // A collection's element count, checked against the bytes left (`min_bytes` per element).
  uint32_t count(std::size_t min_bytes) {
    uint32_t n = 0;
    ar_(n);
    if (n > src_.remaining() / min_bytes) throw corrupt_value{"collection size overruns the value"};
    return n;
  }

  cereal::BinaryInputArchive& ar_;
  view_source& src_;
};

// Format 1 kept the target as the native API wrote it: request_url, then exec_command.
template <class Io, class J>
void native_target_fields(Io& io, J& j) {
  std::string request_url, exec_command;
  io(request_url);
  io(exec_command);
  if constexpr (!std::is_const_v<J>) {
    auto target = parse_native_target(request_url, exec_command);
    if (!target.ok()) throw corrupt_value{"a format 1 target that does not parse"};
    j.target = std::move(target).value();
    j.dialect_data = native_dialect_data_for(j.target, exec_command);
  }
}

// Format 3 added a REMOTE@ target's env and allocated flag, after the format 2 fields: a reader
// knows the target's kind by then, and other kinds have nothing here.
template <class Io, class T>
void remote_extra_fields(Io& io, T& target) {
  if (kind_of(target) != executor_kind::remote) return;
  auto& remote = std::get<remote_target>(target);
  io(remote.env);
  io(remote.allocated);
}

// Format 4 added an HTTP target's redirects and body matches, after the format 3 fields.
template <class Io, class T>
void http_extra_fields(Io& io, T& target) {
  if (kind_of(target) != executor_kind::http) return;
  auto& http = std::get<http_target>(target);
  io(http.follow_redirects);
  io(http.success_match);
  io(http.error_match);
}

// Job format 6 (and run_override layout 2) added an HTTP target's expected statuses after the
// first (Dkron's expectCode "200,206").
template <class Io, class T>
void http_more_codes(Io& io, T& target) {
  if (kind_of(target) != executor_kind::http) return;
  auto& http = std::get<http_target>(target);
  std::vector<int32_t> rest;
  if constexpr (std::is_const_v<T>) {
    if (http.expect_codes.size() > 1) rest.assign(http.expect_codes.begin() + 1, http.expect_codes.end());
    io(rest);
  } else {
    io(rest);
    // 0 marks "no status" in the first slot; it is no status anywhere (so values read back to a
    // fixed point whatever the bytes said).
    for (int32_t code : rest)
      if (code != 0) http.expect_codes.push_back(code);
  }
}

// Job format 7 (and run_override layout 3) added a shell target's stdin input.
template <class Io, class T>
void shell_input(Io& io, T& target) {
  if (kind_of(target) != executor_kind::shell) return;
  io(std::get<shell_target>(target).input);
}

// Job format 8 (and run_override layout 4) added how a shell target's output is read: one byte,
// bit 0 stderr_apart, bit 1 progress_lines, bit 2 annotate_lines, bit 3 json_lines (a value with
// any other bit is corrupt), then its input_format.
template <class Io, class T>
void shell_output_fields(Io& io, T& target) {
  if (kind_of(target) != executor_kind::shell) return;
  auto& shell = std::get<shell_target>(target);
  if constexpr (std::is_const_v<T>) {
    const uint8_t flags = (shell.stderr_apart ? 1 : 0) | (shell.progress_lines ? 2 : 0) |
                          (shell.annotate_lines ? 4 : 0) | (shell.json_lines ? 8 : 0);
    io(flags);
  } else {
    uint8_t flags = 0;
    io(flags);
    if (flags > 15) throw corrupt_value{"unknown shell output flags"};
    shell.stderr_apart = flags & 1;
    shell.progress_lines = flags & 2;
    shell.annotate_lines = flags & 4;
    shell.json_lines = flags & 8;
  }
  io(shell.input_format);
}

// Format 4 added the job's controls (core/job_controls.h).
template <class Io, class C>
void controls_fields(Io& io, C& c) {
  io(c.max_running);
  io(c.queue);
  io(c.queue_max);
  io(c.on_success);
  io(c.on_failure);
  io(c.hook_url);
  io(c.hook_format);
  io(c.cpu_limit_percent);
  io(c.cpu_sustain_s);
  io(c.memory_limit_bytes);
  io(c.memory_sustain_s);
  io(c.log_max_bytes);
}

// A run's own fields (core/job.h: run_override): the target with the fields later job formats
// added to it, then the rest. Layout 2 (k_override_format 2, waiting format 2) added the
// expected statuses after the first, layout 3 a shell target's input, layout 4 its output flags.
template <class Io, class O>
void override_fields(Io& io, O& o, uint8_t layout) {
  io(o.target);
  if (o.target) {
    remote_extra_fields(io, *o.target);
    http_extra_fields(io, *o.target);
    if (layout >= 2) http_more_codes(io, *o.target);
    if (layout >= 3) shell_input(io, *o.target);
    if (layout >= 4) shell_output_fields(io, *o.target);
  }
  io(o.timeout_ms);
  io(o.retries);
  io(o.retry_delay_ms);
  io(o.controls.on_success);
  io(o.controls.on_failure);
  io(o.controls.hook_url);
  io(o.controls.hook_format);
  io(o.controls.cpu_limit_percent);
  io(o.controls.cpu_sustain_s);
  io(o.controls.memory_limit_bytes);
  io(o.controls.memory_sustain_s);
  io(o.controls.log_max_bytes);
}

// An optional run_override in `layout` (a waiting run's own fields).
template <class Io, class O>
void optional_override_fields(Io& io, O& o, uint8_t layout) {
  if constexpr (std::is_const_v<O>) {
    io(o.has_value());
    if (o) override_fields(io, *o, layout);
  } else {
    bool present = false;
    io(present);
    o.reset();
    if (present) override_fields(io, o.emplace(), layout);
  }
}

struct writer_state {
  string_sink sink;
  std::ostream os{&sink};
  cereal::BinaryOutputArchive ar{os};
};
struct reader_state {
  view_source src;
  std::istream is{&src};
  cereal::BinaryInputArchive ar{is};
};

// -- field lists, in stored order; `version` selects the layout of older values --
// Each codec names its record and version and lists the fields once, for both directions.

struct group_codec {
  static constexpr const char* k_name = "group_spec";
  static constexpr uint8_t k_version = k_group_format;
  template <class Io, class G>
  static void fields(Io& io, G& g, uint8_t /*version*/) {
    io(g.name);
    io(g.secret);
    io(g.created_ms);
  }
};

struct job_codec {
  static constexpr const char* k_name = "job_spec";
  static constexpr uint8_t k_version = k_job_format;
  template <class Io, class J>
  static void fields(Io& io, J& j, uint8_t version) {
    io(j.id);
    io(j.group);
    io(j.name);
    io(j.schedule);
    io(j.timezone);
    io(j.exec_time_s);
    if (version >= 2) io(j.target);
    else native_target_fields(io, j);
    io(j.timeout_ms);
    io(j.retries);
    io(j.retry_delay_ms);
    io(j.concurrency);
    io(j.misfire);
    io(j.memo);
    io(j.metadata);
    io(j.paused);
    io(j.otp_secret);
    io(j.created_ms);
    io(j.updated_ms);
    io(j.done);
    io(j.anchor_ms);
    if (version < 2) return;
    io(j.parent_job);
    io(j.ephemeral);
    io(j.expires_at_ms);
    io(j.dialect_data);
    if (version >= 3) remote_extra_fields(io, j.target);
    if (version < 4) return;
    http_extra_fields(io, j.target);
    controls_fields(io, j.controls);
    if (version >= 5) io(j.controls.retry_aborted);
    if (version >= 6) http_more_codes(io, j.target);
    if (version >= 7) shell_input(io, j.target);
    if (version >= 8) shell_output_fields(io, j.target);
    if (version >= 9) io(j.revision);
    if (version >= 10) io(j.paused_at_s);
    if (version >= 11) io(j.controls.pool);
  }
};

// Run formats 1 and 2 (formats 3 and 4 are read and written by storage/run_value.cc).
struct run_codec {
  static constexpr const char* k_name = "run_record";
  static constexpr uint8_t k_version = k_run_format;  // 3 and 4 never reach it (decode below)
  template <class Io, class R>
  static void fields(Io& io, R& r, uint8_t version) {
    io(r.run_id);
    io(r.job_id);
    io(r.group);
    io(r.trigger);
    io(r.attempt);
    io(r.state);
    io(r.plan_ms);
    io(r.start_ms);
    io(r.end_ms);
    io(r.code);
    io(r.output_tail);
    io(r.error);
    if (version >= 2) io(r.node);
  }
};

struct cause_codec {
  static constexpr const char* k_name = "run_cause";
  static constexpr uint8_t k_version = k_cause_format;
  template <class Io, class C>
  static void fields(Io& io, C& c, uint8_t version) {
    io(c.by);
    io(c.after_job);
    io(c.after_name);
    io(c.after_run_id);
    io(c.after_kind);
    io(c.after_state);
    io(c.after_code);
    io(c.after_error);
    if (version >= 2) {
      io(c.after_data);
      io(c.after_params);
    }
  }
};

// An optional cause inside another record, in cause_codec's fields of `cause_version` (which the
// record's format implies).
template <class Io, class P>
void optional_cause_fields(Io& io, P& cause, uint8_t cause_version) {
  if constexpr (std::is_const_v<P>) {
    io(cause != nullptr);
    if (cause) cause_codec::fields(io, *cause, cause_version);
  } else {
    bool present = false;
    io(present);
    cause.reset();
    if (present) {
      auto read = std::make_shared<run_cause>();
      cause_codec::fields(io, *read, cause_version);
      cause = std::move(read);
    }
  }
}

struct waiting_codec {
  static constexpr const char* k_name = "waiting_record";
  static constexpr uint8_t k_version = k_waiting_format;
  template <class Io, class W>
  static void fields(Io& io, W& w, uint8_t version) {
    io(w.group);
    io(w.job_id);
    io(w.id);
    io(w.trigger);
    io(w.plan_ms);
    io(w.attempt);
    // Formats 2 and 3 name their override layout; 4 adds the cause to layout 3, 5 has layout 4,
    // 6 the cause's format 2 (its chain data).
    optional_override_fields(io, w.change, version <= 3 ? version : static_cast<uint8_t>(std::min(version - 1, 4)));
    if (version >= 4) optional_cause_fields(io, w.cause, version >= 6 ? 2 : 1);
    if (version >= 7) io(w.node);
  }
};

struct run_pool_codec {
  static constexpr const char* k_name = "run_pool_spec";
  static constexpr uint8_t k_version = k_run_pool_format;
  template <class Io, class P>
  static void fields(Io& io, P& p, uint8_t /*version*/) {
    io(p.name);
    io(p.enabled);
    io(p.max_running);
    io(p.hook_url);
    io(p.hook_format);
    io(p.cpu_limit_percent);
    io(p.cpu_sustain_s);
    io(p.memory_limit_bytes);
    io(p.memory_sustain_s);
    io(p.dialect_data);
    io(p.created_ms);
    io(p.updated_ms);
  }
};

// A group's pools: each one's own value (run_pool_codec), so that a pool format can grow alone.
struct run_pool_list_wire {
  std::vector<std::string> values;
};
struct run_pool_list_codec {
  static constexpr const char* k_name = "run_pool_list";
  static constexpr uint8_t k_version = k_run_pool_list_format;
  template <class Io, class L>
  static void fields(Io& io, L& l, uint8_t /*version*/) {
    io(l.values);
  }
};

struct group_document_codec {
  static constexpr const char* k_name = "group_document";
  static constexpr uint8_t k_version = k_group_documents_format;
  template <class Io, class D>
  static void fields(Io& io, D& d, uint8_t /*version*/) {
    io(d.name);
    io(d.json_text);
    io(d.created_ms);
    io(d.updated_ms);
  }
};

// A group's documents of one kind: each one's own value, as a group's pools.
struct group_documents_wire {
  std::string group;
  std::string kind;
  std::vector<std::string> values;
};
struct group_documents_codec {
  static constexpr const char* k_name = "group_documents";
  static constexpr uint8_t k_version = k_group_documents_format;
  template <class Io, class W>
  static void fields(Io& io, W& w, uint8_t /*version*/) {
    io(w.group);
    io(w.kind);
    io(w.values);
  }
};

// A deleted job's record holds its job as a job value of its own (with its own format byte), so
// that job formats to come read it as they read a live job.
struct deleted_job_wire {
  int64_t deleted_ms = 0;
  std::string job_value;
};

struct deleted_job_codec {
  static constexpr const char* k_name = "deleted_job_record";
  static constexpr uint8_t k_version = k_deleted_job_format;
  template <class Io, class D>
  static void fields(Io& io, D& d, uint8_t /*version*/) {
    io(d.deleted_ms);
    io(d.job_value);
  }
};

struct override_codec {
  static constexpr const char* k_name = "run_override";
  static constexpr uint8_t k_version = k_override_format;
  template <class Io, class O>
  static void fields(Io& io, O& o, uint8_t version) {
    override_fields(io, o, version);
  }
};

struct func_codec {
  static constexpr const char* k_name = "func_spec";
  static constexpr uint8_t k_version = k_func_format;
  template <class Io, class F>
  static void fields(Io& io, F& f, uint8_t /*version*/) {
    io(f.group);
    io(f.name);
    io(f.lua_body);
    io(f.use_otp);
    io(f.disable_group_otp);
    io(f.memo);
    io(f.secret);
    io(f.created_ms);
  }
};

struct audit_codec {
  static constexpr const char* k_name = "audit_entry";
  static constexpr uint8_t k_version = k_audit_format;
  template <class Io, class A>
  static void fields(Io& io, A& a, uint8_t version) {
    io(a.time_ms);
    io(a.api);
    io(a.key_id);
    io(a.action);
    io(a.group);
    io(a.job_id);
    io(a.detail);
    if (version >= 2) io(a.client_ip);
  }
};

struct node_codec {
  static constexpr const char* k_name = "node_spec";
  static constexpr uint8_t k_version = k_node_format;
  template <class Io, class N>
  static void fields(Io& io, N& n, uint8_t version) {
    io(n.id);
    io(n.group);
    io(n.hostname);
    io(n.ip);
    io(n.mac);
    io(n.broadcast_addr);
    io(n.grpc_listen);
    io(n.machine_code);
    io(n.otp_secret);
    io(n.registered_ms);
    io(n.last_seen_ms);
    if (version >= 2) io(n.tags);
  }
};

struct api_key_codec {
  static constexpr const char* k_name = "api_key_record";
  static constexpr uint8_t k_version = k_api_key_format;
  template <class Io, class K>
  static void fields(Io& io, K& k, uint8_t version) {
    io(k.key_id);
    io(k.secret_hash);
    io(k.api);
    io(k.group);
    io(k.memo);
    io(k.created_ms);
    io(k.disabled);
    if (version < 2) return;
    io(k.title);
    io(k.privileges);
    io(k.last_used_ms);
  }
};

template <class Codec, class Record>
std::string encode_record(const Record& r) {
  thread_local writer_state st;
  std::string out;
  out.reserve(128);
  out.push_back(static_cast<char>(Codec::k_version));
  st.sink.reset(&out);
  field_writer w(st.ar);
  Codec::fields(w, r, Codec::k_version);
  st.sink.reset(nullptr);
  return out;
}

status corrupt(const char* record, const std::string& why) {
  return status::internal(std::string("corrupt ") + record + " value: " + why);
}

template <class Codec, class Record>
status decode_record(std::string_view bytes, Record* out) {
  const char* name = Codec::k_name;
  if (bytes.empty()) return corrupt(name, "empty");
  const auto version = static_cast<uint8_t>(bytes[0]);
  if (version == 0) return corrupt(name, "format version 0");
  if (version > Codec::k_version) {
    return status::failed_precondition(std::string(name) + " value has format version " +
                                       std::to_string(version) + ", newer than this build reads (" +
                                       std::to_string(Codec::k_version) +
                                       "): run a newer Mainspring");
  }
  thread_local reader_state st;
  st.src.reset(bytes.substr(1));
  try {
    field_reader r(st.ar, st.src);
    *out = Record{};  // fields an older format lacks read as their defaults, whatever *out held
    Codec::fields(r, *out, version);
  } catch (const corrupt_value& e) {
    return corrupt(name, e.reason);
  } catch (const std::exception& e) {  // cereal::Exception on a short read, bad_alloc
    return corrupt(name, e.what());
  } catch (...) {
    return corrupt(name, "unknown error");
  }
  if (st.src.remaining() != 0) {
    return corrupt(name, std::to_string(st.src.remaining()) + " trailing bytes");
  }
  return {};
}

}  // namespace

std::string encode(const waiting_record& w) {
  return encode_record<waiting_codec>(w);
}
status decode(std::string_view b, waiting_record* out) {
  return decode_record<waiting_codec>(b, out);
}

std::string encode(const run_override& o) {
  return encode_record<override_codec>(o);
}
status decode(std::string_view b, run_override* out) {
  return decode_record<override_codec>(b, out);
}

std::string encode(const run_cause& c) {
  return encode_record<cause_codec>(c);
}
status decode(std::string_view b, run_cause* out) {
  return decode_record<cause_codec>(b, out);
}

std::string encode(const run_pool_spec& p) {
  return encode_record<run_pool_codec>(p);
}
status decode(std::string_view b, run_pool_spec* out) {
  return decode_record<run_pool_codec>(b, out);
}
std::string encode_run_pools(const std::vector<run_pool_spec>& pools) {
  run_pool_list_wire wire;
  for (const auto& p : pools) wire.values.push_back(encode(p));
  return encode_record<run_pool_list_codec>(wire);
}
std::string encode(const group_documents_value& d) {
  group_documents_wire wire{d.group, d.kind, {}};
  for (const auto& doc : d.documents) wire.values.push_back(encode_record<group_document_codec>(doc));
  return encode_record<group_documents_codec>(wire);
}
status decode(std::string_view b, group_documents_value* out) {
  group_documents_wire wire;
  if (status st = decode_record<group_documents_codec>(b, &wire); !st.ok()) return st;
  out->group = std::move(wire.group);
  out->kind = std::move(wire.kind);
  out->documents.clear();
  for (const auto& v : wire.values)
    if (status st = decode_record<group_document_codec>(v, &out->documents.emplace_back()); !st.ok()) return st;
  return {};
}
status decode_run_pools(std::string_view b, std::vector<run_pool_spec>* out) {
  run_pool_list_wire wire;
  if (status st = decode_record<run_pool_list_codec>(b, &wire); !st.ok()) return st;
  out->clear();
  for (const auto& v : wire.values)
    if (status st = decode(v, &out->emplace_back()); !st.ok()) return st;
  return {};
}

std::string encode(const deleted_job_record& d) {
  return encode_record<deleted_job_codec>(deleted_job_wire{d.deleted_ms, encode(d.job)});
}
status decode(std::string_view b, deleted_job_record* out) {
  deleted_job_wire wire;
  if (status st = decode_record<deleted_job_codec>(b, &wire); !st.ok()) return st;
  out->deleted_ms = wire.deleted_ms;
  return decode(wire.job_value, &out->job);
}

std::string encode(const group_spec& g) {
  return encode_record<group_codec>(g);
}
std::string encode(const job_spec& j) {
  return encode_record<job_codec>(j);
}
std::string encode(const run_record& r) {
  return encode_run_value(r);
}
std::string encode(const func_spec& f) {
  return encode_record<func_codec>(f);
}
std::string encode(const audit_entry& a) {
  return encode_record<audit_codec>(a);
}
std::string encode(const node_spec& n) {
  return encode_record<node_codec>(n);
}
std::string encode(const api_key_record& k) {
  return encode_record<api_key_codec>(k);
}

status decode(std::string_view b, group_spec* out) {
  return decode_record<group_codec>(b, out);
}
status decode(std::string_view b, job_spec* out) {
  return decode_record<job_codec>(b, out);
}
status decode(std::string_view b, run_record* out) {
  // Formats 3 and 4 are not cereal's (storage/run_value.h); 1 and 2 are, and carry the identity.
  if (is_slot_run_value(b) || (!b.empty() && static_cast<uint8_t>(b[0]) == k_run_value_format_keyed)) {
    *out = run_record{};
    return decode_run_value(b, out);
  }
  return decode_record<run_codec>(b, out);
}
status decode(std::string_view b, func_spec* out) {
  return decode_record<func_codec>(b, out);
}
status decode(std::string_view b, audit_entry* out) {
  return decode_record<audit_codec>(b, out);
}
status decode(std::string_view b, node_spec* out) {
  return decode_record<node_codec>(b, out);
}
status decode(std::string_view b, api_key_record* out) {
  return decode_record<api_key_codec>(b, out);
}

}  // namespace mainspring
