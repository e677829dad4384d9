#include "core/compact_job_spec.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

namespace mainspring {

// Every job holds one, a million of them in a large server: a field that grows it should find
// room in padding first (revision, kind_, paused_at_s).
static_assert(sizeof(void*) != 8 || sizeof(compact_job_spec) <= 96, "compact_job_spec grew past 96 bytes");

namespace {

uint32_t read_u32(const char* at) {
  uint32_t v;
  std::memcpy(&v, at, sizeof v);
  return v;
}

void write_u32(char* at, uint32_t v) { std::memcpy(at, &v, sizeof v); }

// Bytes of a packed text with `n` strings whose last one ends at `end`.
std::size_t packed_size(uint32_t n, uint32_t end) { return sizeof(uint32_t) * (1 + n) + end; }

// A field added to job_spec must be added here too (members, constructor, unpack()), or it would
// be lost when a job actor stores its spec.
static_assert(sizeof(job_spec) == 928, "job_spec changed: update compact_job_spec to match");

// -- the target as strings: the fixed ones of its kind, then name/value pairs or node ids --

void append_pairs(const name_value_list& pairs, std::vector<std::string_view>& out) {
  for (const auto& [name, value] : pairs) {
    out.push_back(name);
    out.push_back(value);
  }
}

// A flag as flatten() keeps it: "1" when set, "" when not (unflatten reads non-empty as set).
std::string_view flag(bool set) { return set ? std::string_view("1") : std::string_view(); }

// Appends the strings of `t` to `out`; `number` keeps the text of expect_codes ("200,206")
// alive meanwhile.
void flatten(const executor_target& t, std::vector<std::string_view>& out, std::string& number) {
  struct visitor {
    std::vector<std::string_view>& out;
    std::string& number;
    void operator()(const http_target& h) {
      number = expect_codes_text(h.expect_codes);
      out.insert(out.end(), {h.method, h.url, h.body, h.expect_body, number, flag(h.signed_query),
                             flag(h.follow_redirects), h.success_match, h.error_match});
      append_pairs(h.headers, out);
    }
    void operator()(const shell_target& sh) {
      out.insert(out.end(), {sh.command, sh.shell, sh.cwd, sh.input, flag(sh.stderr_apart), flag(sh.progress_lines),
                             flag(sh.annotate_lines), flag(sh.json_lines), sh.input_format});
      append_pairs(sh.env, out);
    }
    void operator()(const lua_target& l) { out.push_back(l.source); }
    void operator()(const remote_target& r) {
      number = std::to_string(r.env.size());
      out.insert(out.end(), {r.command, flag(r.allocated), number});
      append_pairs(r.env, out);
      out.insert(out.end(), r.nodes.begin(), r.nodes.end());
    }
    void operator()(const noop_target&) {}
  };
  std::visit(visitor{out, number}, t);
}

name_value_list pairs_of(const std::vector<std::string_view>& texts, std::size_t from) {
  name_value_list out;
  for (std::size_t i = from; i + 1 < texts.size(); i += 2) out.emplace_back(texts[i], texts[i + 1]);
  return out;
}

// The inverse of flatten. REQUIRES: `texts` came from flatten() of a target of kind `kind`.
executor_target unflatten(executor_kind kind, const std::vector<std::string_view>& texts) {
  auto at = [&](std::size_t i) { return i < texts.size() ? std::string(texts[i]) : std::string(); };
  switch (kind) {
    case executor_kind::http: {
      http_target h;
      h.method = at(0);
      h.url = at(1);
      h.body = at(2);
      h.expect_body = at(3);
      h.expect_codes = parse_expect_codes_text(texts.size() > 4 ? texts[4] : std::string_view()).value_or(std::vector<int>{});
      h.signed_query = !at(5).empty();
      h.follow_redirects = !at(6).empty();
      h.success_match = at(7);
      h.error_match = at(8);
      h.headers = pairs_of(texts, 9);
      return h;
    }
    case executor_kind::shell:
      return shell_target{at(0),          at(1),          pairs_of(texts, 9), at(2),         at(3),
                          !at(4).empty(), !at(5).empty(), !at(6).empty(),     !at(7).empty(), at(8)};
    case executor_kind::lua:
      return lua_target{at(0)};
    case executor_kind::remote: {
      remote_target r;
      r.command = at(0);
      r.allocated = !at(1).empty();
      const std::size_t env_end = 3 + 2 * static_cast<std::size_t>(std::atoi(at(2).c_str()));
      for (std::size_t i = 3; i + 1 < env_end && i + 1 < texts.size(); i += 2)
        r.env.emplace_back(texts[i], texts[i + 1]);
      for (std::size_t i = env_end; i < texts.size(); ++i) r.nodes.emplace_back(texts[i]);
      return r;
    }
    case executor_kind::noop:
      return noop_target{};
  }
  return noop_target{};
}

}  // namespace

compact_job_spec::compact_job_spec(const job_spec& spec)
    : exec_time_s(spec.exec_time_s),
      timeout_ms(spec.timeout_ms),
      retry_delay_ms(spec.retry_delay_ms),
      anchor_ms(spec.anchor_ms),
      created_ms(spec.created_ms),
      updated_ms(spec.updated_ms),
      expires_at_ms(spec.expires_at_ms),
      retries(spec.retries),
      concurrency(spec.concurrency),
      misfire(spec.misfire),
      paused(spec.paused),
      done(spec.done),
      ephemeral(spec.ephemeral),
      paused_at_s(static_cast<uint32_t>(std::clamp<int64_t>(spec.paused_at_s, 0, std::numeric_limits<uint32_t>::max()))),
      kind_(static_cast<uint8_t>(kind_of(spec.target))),
      revision(static_cast<uint32_t>(std::min<uint64_t>(spec.revision, std::numeric_limits<uint32_t>::max()))) {
  if (!spec.controls.is_default()) controls_ = std::make_unique<const job_controls>(spec.controls);
  std::vector<std::string_view> texts = {spec.id,       spec.group,      spec.name,
                                         spec.schedule, spec.timezone,   spec.memo,
                                         spec.otp_secret, spec.parent_job, spec.dialect_data};
  std::string number;
  flatten(spec.target, texts, number);
  target_texts_ = static_cast<uint16_t>(texts.size() - k_fields);
  for (const auto& [key, value] : spec.metadata) {
    texts.push_back(key);
    texts.push_back(value);
  }
  // validate_job() bounds every field (256 KiB of command at most), so 32-bit offsets suffice.
  const auto n = static_cast<uint32_t>(texts.size());
  uint32_t end = 0;
  for (auto t : texts) end += static_cast<uint32_t>(t.size());
  packed_ = std::make_unique_for_overwrite<char[]>(packed_size(n, end));
  char* header = packed_.get();
  char* out = header + sizeof(uint32_t) * (1 + n);
  write_u32(header, n);
  end = 0;
  for (uint32_t i = 0; i < n; ++i) {
    // An empty view may have a null data(): memcpy must not be handed one, even for 0 bytes.
    if (!texts[i].empty()) std::memcpy(out + end, texts[i].data(), texts[i].size());
    end += static_cast<uint32_t>(texts[i].size());
    write_u32(header + sizeof(uint32_t) * (1 + i), end);
  }
}

compact_job_spec::compact_job_spec(const compact_job_spec& other) { *this = other; }

compact_job_spec& compact_job_spec::operator=(const compact_job_spec& other) {
  if (this == &other) return *this;
  exec_time_s = other.exec_time_s;
  timeout_ms = other.timeout_ms;
  retry_delay_ms = other.retry_delay_ms;
  anchor_ms = other.anchor_ms;
  created_ms = other.created_ms;
  updated_ms = other.updated_ms;
  expires_at_ms = other.expires_at_ms;
  revision = other.revision;
  retries = other.retries;
  concurrency = other.concurrency;
  misfire = other.misfire;
  paused = other.paused;
  done = other.done;
  ephemeral = other.ephemeral;
  paused_at_s = other.paused_at_s;
  kind_ = other.kind_;
  target_texts_ = other.target_texts_;
  controls_ = other.controls_ ? std::make_unique<const job_controls>(*other.controls_) : nullptr;
  packed_.reset();
  if (other.packed_) {
    uint32_t n = other.text_count();
    std::size_t size = packed_size(n, read_u32(other.packed_.get() + sizeof(uint32_t) * n));
    packed_ = std::make_unique_for_overwrite<char[]>(size);
    std::memcpy(packed_.get(), other.packed_.get(), size);
  }
  return *this;
}

uint32_t compact_job_spec::text_count() const { return packed_ ? read_u32(packed_.get()) : 0; }

std::string_view compact_job_spec::text(uint32_t i) const {
  if (i >= text_count()) return {};
  const char* header = packed_.get();
  const char* texts = header + sizeof(uint32_t) * (1 + text_count());
  uint32_t begin = i == 0 ? 0 : read_u32(header + sizeof(uint32_t) * i);
  uint32_t end = read_u32(header + sizeof(uint32_t) * (1 + i));
  return {texts + begin, end - begin};
}

const job_controls& compact_job_spec::controls() const {
  static const job_controls k_default;
  return controls_ ? *controls_ : k_default;
}

executor_target compact_job_spec::target() const {
  std::vector<std::string_view> texts;
  texts.reserve(target_texts_);
  for (uint32_t i = k_fields; i < k_fields + target_texts_; ++i) texts.push_back(text(i));
  return unflatten(kind(), texts);
}

job_spec compact_job_spec::unpack() const {
  job_spec spec;
  spec.id = id();
  spec.group = group();
  spec.name = name();
  spec.schedule = schedule();
  spec.timezone = timezone();
  spec.memo = memo();
  spec.otp_secret = otp_secret();
  spec.parent_job = parent_job();
  spec.dialect_data = dialect_data();
  spec.target = target();
  for (uint32_t i = k_fields + target_texts_; i + 1 < text_count(); i += 2)
    spec.metadata.emplace(std::string(text(i)), std::string(text(i + 1)));
  spec.exec_time_s = exec_time_s;
  spec.timeout_ms = timeout_ms;
  spec.retry_delay_ms = retry_delay_ms;
  spec.anchor_ms = anchor_ms;
  spec.created_ms = created_ms;
  spec.updated_ms = updated_ms;
  spec.expires_at_ms = expires_at_ms;
  spec.revision = revision;
  spec.retries = retries;
  spec.concurrency = concurrency;
  spec.misfire = misfire;
  spec.paused = paused;
  spec.done = done;
  spec.ephemeral = ephemeral;
  spec.paused_at_s = paused_at_s;
  spec.controls = controls();
  return spec;
}

}  // namespace mainspring
