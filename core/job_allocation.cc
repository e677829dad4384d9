#include "core/job_allocation.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cctype>
#include <utility>

namespace mainspring {
namespace {

// -- crc32 --

constexpr uint32_t k_crc32_ieee_polynomial = 0xEDB88320u;  // 0x04C11DB7 bit-reversed

constexpr std::array<uint32_t, 256> make_crc32_table() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int bit = 0; bit < 8; ++bit) c = (c & 1u) ? (c >> 1) ^ k_crc32_ieee_polynomial : c >> 1;
    table[i] = c;
  }
  return table;
}

constexpr std::array<uint32_t, 256> k_crc32_table = make_crc32_table();

// -- validation --

status check_key(std::string_view what, std::string_view key, size_t max_bytes) {
  if (key.empty()) return status::invalid_argument(std::string(what) + ": must not be empty");
  if (key.size() > max_bytes) {
    return status::invalid_argument(std::string(what) + ": longer than " +
                                    std::to_string(max_bytes) + " bytes: " +
                                    std::string(key.substr(0, 32)) + "...");
  }
  return {};
}

status check_job_id(std::string_view job_id) {
  return check_key("jobid", job_id, k_max_allocation_job_id_bytes);
}

// `servers` checked; kept in their order, repeats and all, as they count in the choice.
status_or<std::vector<std::string>> checked_servers(std::vector<std::string> servers) {
  for (const std::string& entry : servers) {
    if (!is_valid_server_entry(entry))
      return status::invalid_argument("servers: not a server's name or address: " + entry.substr(0, 32));
  }
  return servers;
}

// Letters compared as Go's strings.ToUpper compares them; entries and names here are ASCII.
bool same_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::toupper(static_cast<unsigned char>(x)) == std::toupper(static_cast<unsigned char>(y));
         });
}

std::string upper_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

bool names_server(std::string_view entry, const live_server& server) {
  return (!server.ip.empty() && entry == server.ip) || same_ignoring_case(entry, server.key) ||
         (!server.hostname.empty() && same_ignoring_case(entry, server.hostname));
}

bool is_valid_server_entry(std::string_view entry) {
  if (entry.empty() || entry.size() > k_max_server_entry_bytes) return false;
  return std::all_of(entry.begin(), entry.end(), [](char c) { return c > ' ' && c < 0x7f && c != ','; });
}

uint32_t crc32_ieee(std::string_view bytes) {
  uint32_t c = ~0u;
  for (char ch : bytes) c = k_crc32_table[(c ^ static_cast<unsigned char>(ch)) & 0xFFu] ^ (c >> 8);
  return ~c;
}

// -- hash_ring --

hash_ring::hash_ring(int virtual_nodes) : virtual_nodes_(virtual_nodes) {
  assert(virtual_nodes >= 1);
}

std::string hash_ring::point_key(std::string_view member, int index) {
  std::string key(member);
  key += '|';
  key += std::to_string(index);
  return key;
}

void hash_ring::set_members(const std::vector<std::string>& members) {
  members_ = members;
  std::sort(members_.begin(), members_.end());
  members_.erase(std::unique(members_.begin(), members_.end()), members_.end());

  points_.clear();
  points_.reserve(members_.size() * static_cast<size_t>(virtual_nodes_));
  for (uint32_t m = 0; m < members_.size(); ++m) {
    assert(!members_[m].empty());
    for (int i = 0; i < virtual_nodes_; ++i) {
      points_.push_back({crc32_ieee(point_key(members_[m], i)), m});
    }
  }
  // members_ is sorted, so ordering equal hashes by member index puts the smallest key first,
  // and unique() keeps it: the owner of a shared point does not depend on arrival order.
  std::sort(points_.begin(), points_.end(), [](const point& a, const point& b) {
    return a.hash != b.hash ? a.hash < b.hash : a.member < b.member;
  });
  points_.erase(std::unique(points_.begin(), points_.end(),
                            [](const point& a, const point& b) { return a.hash == b.hash; }),
                points_.end());
}

std::optional<std::string_view> hash_ring::owner_of(std::string_view key) const {
  if (points_.empty()) return std::nullopt;
  const uint32_t h = crc32_ieee(key);
  // consistent.go search(): sort.Search for the first point >= h, then one step back, wrapping
  // to the last point. So the owner is the largest point strictly below h.
  auto first_not_below = std::lower_bound(points_.begin(), points_.end(), h,
                                          [](const point& p, uint32_t v) { return p.hash < v; });
  const point& owner = first_not_below == points_.begin() ? points_.back() : *(first_not_below - 1);
  return members_[owner.member];
}

// -- job_allocation --

job_allocation::job_allocation(int virtual_nodes, uint64_t first_version)
    : ring_(virtual_nodes), version_(first_version) {}

std::optional<std::string> job_allocation::place(std::string_view job_id, const job_record& record) const {
  if (record.servers.empty()) {
    std::optional<std::string_view> owner = ring_.owner_of(job_id);
    if (!owner) return std::nullopt;
    return std::string(*owner);
  }
  // HashLocationRangeWorker: each entry's live servers, their keys sorted, by crc32 modulo count.
  // The index finds them without a pass over every live server per entry (names_server's rule).
  std::vector<std::string_view> named;
  std::vector<uint32_t> hits;
  auto add_hits = [&hits](const auto& index, const std::string& name) {
    auto it = index.find(name);
    if (it != index.end()) hits.insert(hits.end(), it->second.begin(), it->second.end());
  };
  for (const std::string& entry : record.servers) {
    hits.clear();
    add_hits(by_ip_, entry);
    add_hits(by_name_, upper_ascii(entry));
    std::sort(hits.begin(), hits.end());
    hits.erase(std::unique(hits.begin(), hits.end()), hits.end());  // one per server an entry names
    for (uint32_t i : hits) named.push_back(live_[i].key);
  }
  if (named.empty()) return std::nullopt;
  std::sort(named.begin(), named.end());
  return std::string(named[crc32_ieee(job_id) % named.size()]);
}

bool job_allocation::replace(std::string_view job_id, job_record& record, reallocation* counts) const {
  std::optional<std::string> now = place(job_id, record);
  if (now == record.server_key) return false;
  if (!now) ++counts->unallocated;
  else if (!record.server_key) ++counts->allocated;
  else ++counts->moved;
  record.server_key = std::move(now);
  return true;
}

status_or<reallocation> job_allocation::set_servers(const std::vector<std::string>& live_server_keys) {
  std::vector<live_server> live;
  live.reserve(live_server_keys.size());
  for (const std::string& key : live_server_keys) live.push_back({key, "", ""});
  return set_live_servers(live);
}

status_or<reallocation> job_allocation::set_live_servers(const std::vector<live_server>& live) {
  std::vector<std::string> keys;
  keys.reserve(live.size());
  for (const live_server& server : live) {
    if (auto st = check_key("server key", server.key, k_max_server_key_bytes); !st.ok()) return st;
    keys.push_back(server.key);
  }
  ring_.set_members(keys);
  live_ = live;
  std::stable_sort(live_.begin(), live_.end(), [](const live_server& a, const live_server& b) { return a.key < b.key; });
  auto same_key = [](const live_server& a, const live_server& b) { return a.key == b.key; };
  live_.erase(std::unique(live_.begin(), live_.end(), same_key), live_.end());
  by_ip_.clear();
  by_name_.clear();
  for (uint32_t i = 0; i < live_.size(); ++i) {
    const live_server& server = live_[i];
    if (!server.ip.empty()) by_ip_[server.ip].push_back(i);
    by_name_[upper_ascii(server.key)].push_back(i);
    if (!server.hostname.empty()) by_name_[upper_ascii(server.hostname)].push_back(i);
  }

  reallocation result;
  for (auto& [job_id, record] : jobs_) replace(job_id, record, &result);
  if (result.changed()) ++version_;
  return result;
}

status job_allocation::add_job(std::string_view job_id, std::vector<std::string> servers, uint64_t version) {
  if (auto st = check_job_id(job_id); !st.ok()) return st;
  auto limit = checked_servers(std::move(servers));
  if (!limit.ok()) return limit.status();
  if (jobs_.find(job_id) != jobs_.end()) {
    return status::already_exists("jobid: already allocated in this runtime: " + std::string(job_id));
  }
  job_record record;
  record.version = version;
  record.servers = std::move(limit).value();
  record.server_key = place(job_id, record);
  if (record.server_key) ++version_;
  jobs_.emplace(std::string(job_id), std::move(record));
  return {};
}

status job_allocation::update_job(std::string_view job_id, std::vector<std::string> servers,
                                  std::optional<uint64_t> version) {
  auto it = jobs_.find(job_id);
  if (it == jobs_.end()) return status::not_found("jobid: not in this runtime: " + std::string(job_id));
  auto limit = checked_servers(std::move(servers));
  if (!limit.ok()) return limit.status();
  job_record& record = it->second;
  record.servers = std::move(limit).value();
  reallocation ignored;
  const bool was_placed = record.server_key.has_value();
  const bool moved = replace(job_id, record, &ignored);
  record.version = version ? *version : record.version + 1;
  if (was_placed || moved) ++version_;
  return {};
}

status job_allocation::remove_job(std::string_view job_id) {
  auto it = jobs_.find(job_id);
  if (it == jobs_.end()) return status::not_found("jobid: not in this runtime: " + std::string(job_id));
  if (it->second.server_key) ++version_;
  jobs_.erase(it);
  return {};
}

status job_allocation::touch_job(std::string_view job_id) {
  auto it = jobs_.find(job_id);
  if (it == jobs_.end()) return status::not_found("jobid: not in this runtime: " + std::string(job_id));
  ++it->second.version;
  if (it->second.server_key) ++version_;
  return {};
}

std::optional<std::string> job_allocation::server_of(std::string_view job_id) const {
  auto it = jobs_.find(job_id);
  if (it == jobs_.end()) return std::nullopt;
  return it->second.server_key;
}

bool job_allocation::contains(std::string_view job_id) const {
  return jobs_.find(job_id) != jobs_.end();
}

std::vector<job_allocation_entry> job_allocation::entries() const {
  std::vector<job_allocation_entry> out;
  out.reserve(jobs_.size());
  for (const auto& [job_id, record] : jobs_) {
    if (record.server_key) out.push_back({job_id, *record.server_key, record.version});
  }
  return out;
}

std::vector<std::string> job_allocation::unallocated_jobs() const {
  std::vector<std::string> out;
  for (const auto& [job_id, record] : jobs_) {
    if (!record.server_key) out.push_back(job_id);
  }
  return out;
}

std::vector<std::string> job_allocation::jobs_on(std::string_view server_key) const {
  std::vector<std::string> out;
  for (const auto& [job_id, record] : jobs_) {
    if (record.server_key && *record.server_key == server_key) out.push_back(job_id);
  }
  return out;
}

}  // namespace mainspring
