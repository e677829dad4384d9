#include "storage/store_keys.h"

namespace mainspring {
namespace {

std::string join(std::string_view head, std::string_view a) {
  std::string out(head);
  out += escape_key_part(a);
  return out;
}

std::string join(std::string_view head, std::string_view a, std::string_view b) {
  std::string out = join(head, a);
  out += '/';
  out += escape_key_part(b);
  return out;
}

}  // namespace

std::string escape_key_part(std::string_view part) {
  if (part.find_first_of("%/") == std::string_view::npos) return std::string(part);
  std::string out;
  out.reserve(part.size() + 8);
  for (char c : part) {
    if (c == '%') {
      out += "%25";
    } else if (c == '/') {
      out += "%2F";
    } else {
      out += c;
    }
  }
  return out;
}

bool unescape_key_part(std::string_view part, std::string* out) {
  out->clear();
  out->reserve(part.size());
  for (std::size_t i = 0; i < part.size(); ++i) {
    const char c = part[i];
    if (c == '/') return false;
    if (c != '%') {
      *out += c;
      continue;
    }
    const std::string_view code = part.substr(i, 3);
    if (code == "%25") {
      *out += '%';
    } else if (code == "%2F") {
      *out += '/';
    } else {
      return false;
    }
    i += 2;
  }
  return true;
}

std::string hex16(uint64_t v) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) out[static_cast<std::size_t>(i)] = k_digits[v & 0xf];
  return out;
}

namespace {

// `text` as exactly `digits` lower-case hex digits.
bool parse_hex_digits(std::string_view text, std::size_t digits, uint64_t* out) {
  if (text.size() != digits) return false;
  uint64_t v = 0;
  for (char c : text) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else {
      return false;
    }
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  *out = v;
  return true;
}

// The job's runs prefix and the last `digits` hex digits of a run key, after a '/'.
bool split_run_key_digits(std::string_view key, std::size_t digits, std::string_view* job_prefix, uint64_t* v) {
  if (key.size() < k_run_prefix.size() + digits + 1 || key.substr(0, k_run_prefix.size()) != k_run_prefix)
    return false;
  const std::size_t slash = key.size() - digits - 1;
  if (key[slash] != '/' || !parse_hex_digits(key.substr(slash + 1), digits, v)) return false;
  *job_prefix = key.substr(0, slash + 1);
  return true;
}

}  // namespace

bool parse_hex16(std::string_view text, uint64_t* out) {
  return parse_hex_digits(text, 16, out);
}

std::string group_key(std::string_view group) {
  return join(k_group_prefix, group);
}
std::string job_key(std::string_view group, std::string_view job_id) {
  return join(k_job_prefix, group, job_id);
}
std::string group_jobs_prefix(std::string_view group) {
  return join(k_job_prefix, group) + '/';
}

std::string run_slot_key(std::string_view runs_prefix, uint32_t slot) {
  std::string out;
  out.reserve(runs_prefix.size() + 8);
  out.append(runs_prefix);
  append_run_slot(out, slot);
  return out;
}

void append_run_slot(std::string& key, uint32_t slot) {
  static constexpr char k_digits[] = "0123456789abcdef";
  char digits[8];
  for (int i = 7; i >= 0; --i, slot >>= 4) digits[i] = k_digits[slot & 0xf];
  key.append(digits, sizeof digits);
}
std::string job_runs_prefix(std::string_view group, std::string_view job_id) {
  return join(k_run_prefix, group, job_id) + '/';
}
std::string group_runs_prefix(std::string_view group) {
  return join(k_run_prefix, group) + '/';
}

std::string func_key(std::string_view group, std::string_view name) {
  return join(k_func_prefix, group, name);
}
std::string group_funcs_prefix(std::string_view group) {
  return join(k_func_prefix, group) + '/';
}

std::string audit_time_prefix(int64_t time_ms) {
  std::string out(k_audit_prefix);
  out += hex16(time_ms < 0 ? 0 : static_cast<uint64_t>(time_ms));
  out += '/';
  return out;
}

std::string node_key(std::string_view group, std::string_view node_id) {
  return join(k_node_prefix, group, node_id);
}
std::string group_nodes_prefix(std::string_view group) {
  return join(k_node_prefix, group) + '/';
}
std::string api_key_key(std::string_view key_id) {
  return join(k_api_key_prefix, key_id);
}

std::string waiting_key(std::string_view group, std::string_view job_id, uint64_t id) {
  return job_waiting_prefix(group, job_id) + hex16(id);
}
std::string job_waiting_prefix(std::string_view group, std::string_view job_id) {
  return join(k_waiting_prefix, group, job_id) + '/';
}
std::string group_waiting_prefix(std::string_view group) {
  return join(k_waiting_prefix, group) + '/';
}

std::string in_flight_key(std::string_view group, std::string_view job_id, uint64_t run_id) {
  return join(k_in_flight_prefix, group, job_id) + '/' + hex16(run_id);
}
std::string group_in_flight_prefix(std::string_view group) {
  return join(k_in_flight_prefix, group) + '/';
}

bool split_in_flight_key(std::string_view key, std::string* group, std::string* job_id, uint64_t* run_id) {
  // i/<g>/<j>/<16 hex>: the parts are escaped, so the only '/' are the separators.
  if (key.size() < k_in_flight_prefix.size() + 20 || key.substr(0, k_in_flight_prefix.size()) != k_in_flight_prefix ||
      key[key.size() - 17] != '/' || !parse_hex16(key.substr(key.size() - 16), run_id))
    return false;
  std::string_view owner = key.substr(k_in_flight_prefix.size(), key.size() - k_in_flight_prefix.size() - 17);
  const std::size_t slash = owner.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == owner.size()) return false;
  return unescape_key_part(owner.substr(0, slash), group) && unescape_key_part(owner.substr(slash + 1), job_id);
}

std::string deleted_job_key(std::string_view group, std::string_view job_id) {
  return join(k_deleted_job_prefix, group, job_id);
}
std::string group_deleted_jobs_prefix(std::string_view group) {
  return join(k_deleted_job_prefix, group) + '/';
}

std::string prefix_end(std::string_view prefix) {
  std::string out(prefix);
  out.back() = static_cast<char>(static_cast<unsigned char>(out.back()) + 1);
  return out;
}

bool split_run_key(std::string_view key, std::string_view* job_prefix, uint32_t* slot) {
  uint64_t v = 0;
  if (!split_run_key_digits(key, 8, job_prefix, &v)) return false;
  *slot = static_cast<uint32_t>(v);
  return true;
}

bool split_legacy_run_key(std::string_view key, std::string_view* job_prefix, uint64_t* run_id) {
  return split_run_key_digits(key, 16, job_prefix, run_id);
}

bool split_any_run_key(std::string_view key, std::string_view* job_prefix) {
  uint64_t ignored = 0;
  return split_run_key_digits(key, 8, job_prefix, &ignored) || split_run_key_digits(key, 16, job_prefix, &ignored);
}

bool run_owner_of_runs_prefix(std::string_view runs_prefix, std::string* group, std::string* job_id) {
  if (runs_prefix.size() < k_run_prefix.size() + 3 || runs_prefix.substr(0, k_run_prefix.size()) != k_run_prefix ||
      runs_prefix.back() != '/')
    return false;
  std::string_view rest = runs_prefix.substr(k_run_prefix.size(), runs_prefix.size() - k_run_prefix.size() - 1);
  const std::size_t slash = rest.find('/');  // escaped parts hold no '/'
  if (slash == std::string_view::npos) return false;
  return unescape_key_part(rest.substr(0, slash), group) && unescape_key_part(rest.substr(slash + 1), job_id);
}

bool audit_seq_of(std::string_view key, uint64_t* seq) {
  // a/<16 hex>/<16 hex>
  if (key.size() != k_audit_prefix.size() + 33 ||
      key.substr(0, k_audit_prefix.size()) != k_audit_prefix) {
    return false;
  }
  return parse_hex16(key.substr(key.size() - 16), seq);
}

std::string meta_key(std::string_view name) { return "m/" + std::string(name); }

namespace {

// `kind` + the "<g>/<j>" of a job's runs prefix.
std::string owner_key_of_runs_prefix(std::string_view kind, std::string_view runs_prefix) {
  std::string key(kind);
  runs_prefix.remove_prefix(k_run_prefix.size());
  runs_prefix.remove_suffix(1);  // the trailing '/'
  key.append(runs_prefix);
  return key;
}

}  // namespace

std::string job_key_of_runs_prefix(std::string_view runs_prefix) {
  return owner_key_of_runs_prefix(k_job_prefix, runs_prefix);
}
std::string deleted_job_key_of_runs_prefix(std::string_view runs_prefix) {
  return owner_key_of_runs_prefix(k_deleted_job_prefix, runs_prefix);
}

}  // namespace mainspring
