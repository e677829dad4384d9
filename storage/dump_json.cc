// The writing half of dump_json.h; dump_json_read.cc reads.
#include "storage/dump_json.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <map>

#include <nlohmann/json.hpp>

#include "core/go_base64.h"
#include "core/utf8.h"

namespace mainspring {

namespace {

// -- writing --
//
// Records are written by hand rather than through nlohmann::ordered_json: building a JSON
// object per job cost about 10 µs a job, ten seconds for a million.

// `text` as a JSON string; each byte that starts no valid UTF-8 sequence becomes U+FFFD.
void append_string(std::string& out, std::string_view text) {
  static constexpr char k_hex[] = "0123456789abcdef";
  out += '"';
  for (std::size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      std::size_t n = utf8_sequence(text, i);
      if (n == 0) {
        out += "\xEF\xBF\xBD";
        ++i;
      } else {
        out.append(text.data() + i, n);
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += k_hex[c >> 4];
          out += k_hex[c & 0xf];
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
  out += '"';
}

// One JSON object on one line: {"a": 1, "b": "x"}. Member names are trusted literals.
class object_writer {
 public:
  explicit object_writer(std::string& out) : out_(out) { out_ += '{'; }
  ~object_writer() { out_ += '}'; }

  object_writer& text(std::string_view name, std::string_view value) {
    key(name);
    append_string(out_, value);
    return *this;
  }
  object_writer& integer(std::string_view name, int64_t value) {
    key(name);
    out_ += std::to_string(value);
    return *this;
  }
  object_writer& boolean(std::string_view name, bool value) {
    key(name);
    out_ += value ? "true" : "false";
    return *this;
  }
  object_writer& strings(std::string_view name, const std::map<std::string, std::string>& map) {
    key(name);
    object_writer inner(out_);
    for (const auto& [k, v] : map) {
      inner.key_text(k);
      append_string(out_, v);
    }
    return *this;
  }

 private:
  void key(std::string_view name) {
    out_ += first_ ? "\"" : ", \"";
    first_ = false;
    out_ += name;
    out_ += "\": ";
  }
  void key_text(std::string_view name) {  // an untrusted name: escaped
    out_ += first_ ? "" : ", ";
    first_ = false;
    append_string(out_, name);
    out_ += ": ";
  }

  std::string& out_;
  bool first_ = true;
};

void write_record(std::string& out, const group_spec& g) {
  object_writer(out)
      .text("name", g.name)
      .text("secret", g.secret)
      .integer("created_ms", g.created_ms);
}

std::map<std::string, std::string> as_map(const name_value_list& pairs) {
  return std::map<std::string, std::string>(pairs.begin(), pairs.end());
}

// `executor` and the target's own fields (see dump_json.h).
void write_target(object_writer& w, const executor_target& target) {
  w.text("executor", executor_kind_name(kind_of(target)));
  struct visitor {
    object_writer& w;
    void operator()(const http_target& h) {
      w.text("url", h.url)
          .text("method", h.method)
          .strings("headers", as_map(h.headers))
          .text("body", h.body)
          .integer("expect_code", h.expect_codes.empty() ? 0 : h.expect_codes.front())
          .text("expect_body", h.expect_body)
          .boolean("signed_query", h.signed_query)
          .boolean("follow_redirects", h.follow_redirects)
          .text("success_match", h.success_match)
          .text("error_match", h.error_match);
      if (h.expect_codes.size() > 1) w.text("expect_codes", expect_codes_text(h.expect_codes));
    }
    void operator()(const shell_target& sh) {
      w.text("command", sh.command).text("shell", sh.shell).text("cwd", sh.cwd).strings("env", as_map(sh.env));
      if (!sh.input.empty()) w.text("stdin_base64", base64_encode(sh.input));
      if (sh.stderr_apart) w.boolean("stderr_apart", true);
      if (sh.progress_lines) w.boolean("progress_lines", true);
      if (sh.annotate_lines) w.boolean("annotate_lines", true);
      if (sh.json_lines) w.boolean("json_lines", true);
      if (!sh.input_format.empty()) w.text("input_format", sh.input_format);
    }
    void operator()(const lua_target& l) { w.text("command", l.source); }
    void operator()(const remote_target& r) {
      std::string nodes;
      for (const auto& n : r.nodes) nodes += (nodes.empty() ? "" : ",") + n;
      w.text("nodes", nodes).text("command", r.command).strings("env", as_map(r.env)).boolean("allocated", r.allocated);
    }
    void operator()(const noop_target&) {}
  };
  std::visit(visitor{w}, target);
}

void write_record(std::string& out, const job_spec& s) {
  object_writer w(out);
  w.text("id", s.id)
      .text("group_name", s.group)
      .text("name", s.name)
      .text("interval_pattern", s.schedule)
      .text("timezone", s.timezone)
      .integer("exec_time", s.exec_time_s);
  write_target(w, s.target);
  w.integer("timeout_ms", s.timeout_ms)
      .integer("retries", s.retries)
      .integer("retry_delay_ms", s.retry_delay_ms)
      .text("concurrency", concurrency_policy_name(s.concurrency))
      .text("misfire", misfire_policy_name(s.misfire))
      .text("memo", s.memo)
      .strings("metadata", s.metadata)
      .text("parent_job", s.parent_job)
      .boolean("ephemeral", s.ephemeral)
      .integer("expires_at_ms", s.expires_at_ms)
      .text("dialect_data", s.dialect_data)
      .boolean("paused", s.paused)
      .integer("paused_at_s", s.paused_at_s)
      .boolean("done", s.done)
      .integer("anchor_ms", s.anchor_ms)
      .text("otp_token", s.otp_secret)
      .integer("created_ms", s.created_ms)
      .integer("updated_ms", s.updated_ms)
      .integer("revision", static_cast<int64_t>(std::min<uint64_t>(s.revision, std::numeric_limits<int64_t>::max())));
  const job_controls& c = s.controls;
  w.integer("max_running", c.max_running)
      .boolean("queue", c.queue)
      .integer("queue_max", c.queue_max)
      .text("on_success", c.on_success)
      .text("on_failure", c.on_failure)
      .text("hook_url", c.hook_url)
      .text("hook_format", c.hook_format)
      .integer("cpu_limit_percent", c.cpu_limit_percent)
      .integer("cpu_sustain_s", c.cpu_sustain_s)
      .integer("memory_limit_bytes", c.memory_limit_bytes)
      .integer("memory_sustain_s", c.memory_sustain_s)
      .integer("log_max_bytes", c.log_max_bytes)
      .boolean("retry_aborted", c.retry_aborted);
  // Only when set, so that a dump of jobs without one reads as before.
  if (!c.pool.empty()) w.text("pool", c.pool);
}

void write_record(std::string& out, const func_spec& f) {
  object_writer(out)
      .text("group_name", f.group)
      .text("name", f.name)
      .text("lua_body", f.lua_body)
      .boolean("use_otp", f.use_otp)
      .boolean("disable_group_otp", f.disable_group_otp)
      .text("memo", f.memo)
      .text("secret", f.secret)
      .integer("created_ms", f.created_ms);
}

void write_record(std::string& out, const run_pool_spec& p) {
  object_writer(out)
      .text("name", p.name)
      .boolean("enabled", p.enabled)
      .integer("max_running", p.max_running)
      .text("hook_url", p.hook_url)
      .text("hook_format", p.hook_format)
      .integer("cpu_limit_percent", p.cpu_limit_percent)
      .integer("cpu_sustain_s", p.cpu_sustain_s)
      .integer("memory_limit_bytes", p.memory_limit_bytes)
      .integer("memory_sustain_s", p.memory_sustain_s)
      .text("dialect_data", p.dialect_data)
      .integer("created_ms", p.created_ms)
      .integer("updated_ms", p.updated_ms);
}

void write_record(std::string& out, const dumped_document& d) {
  object_writer(out)
      .text("kind", d.kind)
      .text("name", d.document.name)
      .text("json_text", d.document.json_text)
      .integer("created_ms", d.document.created_ms)
      .integer("updated_ms", d.document.updated_ms);
}

// Hands text to a sink in pieces of about k_piece_bytes.
class piece_writer {
 public:
  explicit piece_writer(const std::function<void(std::string_view)>& sink) : sink_(sink) {}
  ~piece_writer() { flush(); }

  std::string& buffer() { return buffer_; }
  void maybe_flush() {
    if (buffer_.size() >= k_piece_bytes) flush();
  }
  void flush() {
    if (!buffer_.empty()) sink_(buffer_);
    buffer_.clear();
  }

 private:
  static constexpr std::size_t k_piece_bytes = 64 * 1024;

  const std::function<void(std::string_view)>& sink_;
  std::string buffer_;
};

// `"name": [` one record per line `]`: readable, and diffable line by line.
template <class Record>
void append_array(piece_writer& out, std::string_view name, const std::vector<Record>& records) {
  out.buffer() += "  \"";
  out.buffer() += name;
  out.buffer() += "\": [";
  for (std::size_t i = 0; i < records.size(); ++i) {
    out.buffer() += i == 0 ? "\n    " : ",\n    ";
    write_record(out.buffer(), records[i]);
    out.maybe_flush();
  }
  out.buffer() += records.empty() ? "]" : "\n  ]";
}

}  // namespace

void encode_group_file(const group_dump& group,
                       const std::function<void(std::string_view)>& sink) {
  piece_writer out(sink);
  out.buffer() += "{\n  \"group\": ";
  write_record(out.buffer(), group.group);
  out.buffer() += ",\n";
  append_array(out, "jobs", group.jobs);
  out.buffer() += ",\n";
  append_array(out, "funcs", group.funcs);
  if (group.pools_dumped) {
    out.buffer() += ",\n";
    append_array(out, "pools", group.pools);
  }
  if (group.documents_dumped) {
    out.buffer() += ",\n";
    append_array(out, "documents", group.documents);
  }
  out.buffer() += "\n}\n";
}

std::string encode_group_file(const group_dump& group) {
  std::string text;
  encode_group_file(group, [&text](std::string_view piece) { text += piece; });
  return text;
}

std::string encode_manifest(const dump_manifest& manifest) {
  nlohmann::ordered_json j;
  j["format"] = manifest.format;
  j["version"] = manifest.version;
  j["created"] = manifest.created;
  j["groups"] = manifest.groups;
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace mainspring
