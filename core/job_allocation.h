// job_allocation: which worker server of a runtime runs each job, placed as Cloudtask's center
// places them (its `jobsalloc` table), and the consistent-hash ring that decides it.
//
// A Cloudtask runtime (location) is a pool of worker servers, each known by a key. Every enabled
// job of the runtime runs on exactly one live server: the owner of the job id on a
// consistent-hash ring over the server keys. The table job -> server carries a version that the
// workers poll, and a per-job version that tells a worker to reload a job whose definition
// changed. When a server goes away only its jobs move (to the live servers); when one joins, the
// jobs that now hash to it move to it and nothing else moves; with no live server the jobs stay
// known but unallocated, and are placed again when a server comes back.
//
// Example:
//   job_allocation table;
//   table.set_servers({"529ae1f4-d7ea-45e0-0f3f-32aefaba281c", "517ae088-779c-4520-b23f-e5f0c341081d"});
//   if (auto st = table.add_job("e7994ade7a32b13b4a51788d"); !st.ok()) return st;
//   std::optional<std::string> server = table.server_of("e7994ade7a32b13b4a51788d");
//   for (const job_allocation_entry& e : table.entries()) render(e.job_id, e.server_key, e.version);
//   render_version(table.version());   // the jobsalloc answer's "version"
//
// The ring is Cloudtask's (cloudtask/libtools gounits/algorithm/consistent.go, used by the
// center's cache/nodes.go with 50 virtual nodes): each server puts 50 points on a 32-bit circle
// at crc32_ieee("<server key>|<i>") for i in 0..49, a job id hashes to crc32_ieee(job id), and
// its owner is the server of the largest point strictly below that hash, wrapping to the largest
// point on the circle. So a table built here places every job on the server the center would.
// A job may name the servers it is limited to (Cloudtask's job `servers`); it then runs on one of
// those that are live, chosen as the center's HashLocationRangeWorker does: for each entry of the
// list, in its order, the key of every live server the entry names (names_server: its IP
// address, or its key or host name ignoring case; an entry naming two servers gives both, two
// entries naming one server give it twice), then those keys sorted and indexed by
// crc32_ieee(job id) modulo their count. With none of them live it is unallocated.
// Two differences, both so that the answer depends on the set of servers alone: when two
// servers' points land on the same hash the smaller key owns it (the center keeps whichever
// server registered last, and removing either server drops the point for both), and entries()
// is ordered by job id (the center's list is in insertion order).
//
// Not thread-safe: one owner (an actor) mutates and reads it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"

namespace mainspring {

// -- limits --
// The center's ring: NewConsisten(50) in cloudtask-center cache/nodes.go.
inline constexpr int k_cloudtask_virtual_nodes = 50;
// Server keys are UUIDs and job ids 24 hex digits in Cloudtask; these only bound the sizes.
inline constexpr size_t k_max_server_key_bytes = 256;
inline constexpr size_t k_max_allocation_job_id_bytes = 256;
// An entry of a job's server list: a key, a host name (at most 253 bytes in DNS) or an address.
inline constexpr size_t k_max_server_entry_bytes = 256;

// CRC-32 as in IEEE 802.3 (reflected, polynomial 0xEDB88320, initial and final xor ~0): Go's
// crc32.ChecksumIEEE and zlib's crc32(). crc32_ieee("123456789") == 0xCBF43926.
uint32_t crc32_ieee(std::string_view bytes);

// A consistent-hash ring over a set of member keys, with Cloudtask's hash, point keys and lookup
// (see the file comment).
class hash_ring {
 public:
  // -- constructors --

  // REQUIRES: virtual_nodes >= 1.
  explicit hash_ring(int virtual_nodes = k_cloudtask_virtual_nodes);

  // -- changes --

  // Makes `members` the ring's members, replacing the previous ones. Duplicates count once.
  // REQUIRES: no member is empty.
  void set_members(const std::vector<std::string>& members);

  // -- queries --

  // The member that owns `key`, or nullopt when the ring has no members. The view stays valid
  // until the next set_members().
  std::optional<std::string_view> owner_of(std::string_view key) const;

  // The members, sorted and without duplicates.
  const std::vector<std::string>& members() const { return members_; }
  bool empty() const { return members_.empty(); }
  int virtual_nodes() const { return virtual_nodes_; }

  // The text hashed for a member's `index`-th point: "<member>|<index>" (consistent.go eltKey).
  static std::string point_key(std::string_view member, int index);

 private:
  struct point {
    uint32_t hash;
    uint32_t member;  // index into members_
  };

  // -- member variables --
  int virtual_nodes_;
  std::vector<std::string> members_;
  std::vector<point> points_;  // ascending hash, one point per distinct hash
};

// A live server as a job's server list may name it. The center takes an entry for a worker when
// it is the worker's IPAddr or, ignoring case, its Name; a Mainspring node is named by its id (the
// key) and by the host name its agent reports, so either matches.
struct live_server {
  std::string key;
  std::string ip;        // "" = unknown: no entry names it by address
  std::string hostname;  // "" = none

  bool operator==(const live_server&) const = default;
};

// Whether `entry` of a job's server list names `server`: `entry` is its IP address, or its key
// or host name in ASCII letters of any case.
bool names_server(std::string_view entry, const live_server& server);

// Whether `entry` may stand in a job's server list: 1 to k_max_server_entry_bytes printable
// ASCII characters other than ',' (the native REMOTE@*a,b text separates entries with it).
bool is_valid_server_entry(std::string_view entry);

// One row of the jobsalloc answer.
struct job_allocation_entry {
  std::string job_id;
  std::string server_key;
  // As add_job() gave it (1 by default); grows when update_job() or touch_job() says its definition
  // changed. Moving the job to another server does not change it (as in the center's
  // SetAllocJobsKey).
  uint64_t version = 1;

  bool operator==(const job_allocation_entry&) const = default;
};

// What one set_servers() or set_live_servers() call did to the jobs.
struct reallocation {
  size_t moved = 0;        // placed before and after, on another server now
  size_t allocated = 0;    // unallocated before, placed now
  size_t unallocated = 0;  // placed before, no live server now

  bool changed() const { return moved + allocated + unallocated > 0; }
};

// The allocation table of one runtime: its jobs, its live servers and who runs what.
class job_allocation {
 public:
  // -- constructors --

  // REQUIRES: virtual_nodes >= 1. Only tests want other than Cloudtask's 50. version() starts at
  // `first_version` (the owner's choice: one that is above any earlier table's of the runtime).
  explicit job_allocation(int virtual_nodes = k_cloudtask_virtual_nodes, uint64_t first_version = 0);

  // -- changes --
  // Each call that changes entries() adds one to version(); a call that changes nothing there
  // (adding a job while no server is live, a server set that moves no job) leaves it alone.

  // Makes `live` the runtime's live servers (a key given twice counts once, with its first
  // names) and places every job on its ring owner among them, or among those its server list
  // names. Fails with invalid_argument, changing nothing, if a key is empty or longer than
  // k_max_server_key_bytes.
  status_or<reallocation> set_live_servers(const std::vector<live_server>& live);
  // The same for servers known by their keys alone (no address or host name).
  status_or<reallocation> set_servers(const std::vector<std::string>& live_server_keys);

  // Adds a job with entry version `version` (1 for a job never edited; the owner passes the job's
  // own, which is stored with it and never goes back), placed on its ring owner (unallocated if
  // no server is live), or, when `servers` is not empty, on one of the live servers it names
  // (see the file comment). Fails with invalid_argument for an empty or over-long id or an entry
  // that is not is_valid_server_entry(), already_exists for a known id.
  status add_job(std::string_view job_id, std::vector<std::string> servers = {}, uint64_t version = 1);

  // Replaces the servers a job is limited to ({} = any), places it again, and adds one to its
  // entry version, or makes it `version` when given (the center's SingleJobAlloc then
  // UpdateAllocJob after an edit). Fails with not_found for an unknown id, invalid_argument for a
  // bad server entry.
  status update_job(std::string_view job_id, std::vector<std::string> servers,
                    std::optional<uint64_t> version = std::nullopt);

  // Forgets a job. Fails with not_found for an unknown id.
  status remove_job(std::string_view job_id);

  // Records that a job's definition changed, so that its worker reloads it: adds one to its
  // entry version (the center's UpdateAllocJobs). Fails with not_found for an unknown id.
  status touch_job(std::string_view job_id);

  // -- queries --

  // The key of the server that runs `job_id`, or nullopt if the job is unknown or unallocated.
  std::optional<std::string> server_of(std::string_view job_id) const;

  // Whether `job_id` was added (and not removed), allocated or not.
  bool contains(std::string_view job_id) const;

  // The jobsalloc table: one entry per allocated job, ordered by job id. Unallocated jobs are
  // not in it (the center drops a job it cannot place from its table).
  std::vector<job_allocation_entry> entries() const;

  // The ids of the known jobs that no server runs (no server is live), ordered.
  std::vector<std::string> unallocated_jobs() const;

  // The ids of the jobs `server_key` runs, ordered.
  std::vector<std::string> jobs_on(std::string_view server_key) const;

  // first_version for a new table; grows by one with each change to entries(), so two answers of
  // one table with the same version are the same.
  uint64_t version() const { return version_; }

  // The live servers, sorted and without duplicates.
  const std::vector<std::string>& servers() const { return ring_.members(); }

  // Known jobs, allocated or not.
  size_t job_count() const { return jobs_.size(); }

 private:
  struct job_record {
    std::optional<std::string> server_key;  // nullopt: unallocated
    uint64_t version = 1;
    std::vector<std::string> servers;       // as the job lists them; empty: any server
  };

  // Where `job_id` runs now, given its record's server limit: nullopt when nowhere.
  std::optional<std::string> place(std::string_view job_id, const job_record& record) const;
  // Moves `record` to place(); answers whether its server changed, counting into *counts.
  bool replace(std::string_view job_id, job_record& record, reallocation* counts) const;

  // -- member variables --
  hash_ring ring_;
  std::vector<live_server> live_;  // by key, one per key
  // Indexes into live_ by what names a server (names_server): its IP address, and its key and
  // host name upper-cased.
  std::unordered_map<std::string, std::vector<uint32_t>> by_ip_;
  std::unordered_map<std::string, std::vector<uint32_t>> by_name_;
  std::map<std::string, job_record, std::less<>> jobs_;
  uint64_t version_ = 0;
};

}  // namespace mainspring
