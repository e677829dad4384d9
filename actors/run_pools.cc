// The run pools' definitions and slot counts, under one lock.
#include "actors/run_pools.h"

#include <algorithm>
#include <utility>

#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "actors/messages.h"
#include "core/time_types.h"
#include "storage/store_keys.h"

namespace mainspring {

std::string run_pools_meta(std::string_view group) {
  return std::string(k_run_pools_meta_prefix) + escape_key_part(group);
}

run_pools::pool_entry* run_pools::entry(std::string_view group, std::string_view name) {
  auto g = groups_.find(group);
  if (g == groups_.end()) return nullptr;
  auto p = g->second.pools.find(name);
  return p == g->second.pools.end() ? nullptr : &p->second;
}

const run_pools::pool_entry* run_pools::entry(std::string_view group, std::string_view name) const {
  return const_cast<run_pools*>(this)->entry(group, name);
}

std::vector<caf::actor> run_pools::take_waiters(pool_entry& p) {
  std::vector<caf::actor> out;
  out.swap(p.waiters);
  return out;
}

void run_pools::wake(const std::vector<caf::actor>& waiters) {
  for (const auto& w : waiters) caf::anon_send(w, pool_slot_atom::value);
}

void run_pools::restore(const std::string& group, std::vector<run_pool_spec> pools) {
  std::vector<caf::actor> woken;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto& g = groups_[group];
    std::map<std::string, pool_entry, std::less<>> next;
    for (auto& p : pools) {
      pool_entry e;
      if (auto old = g.pools.find(p.name); old != g.pools.end()) {
        e = std::move(old->second);
        auto w = take_waiters(e);
        woken.insert(woken.end(), w.begin(), w.end());
      }
      e.spec = std::move(p);
      next[e.spec.name] = std::move(e);
    }
    for (auto& [name, gone] : g.pools) {
      if (next.count(name)) continue;
      auto w = take_waiters(gone);
      woken.insert(woken.end(), w.begin(), w.end());
    }
    g.pools = std::move(next);
  }
  wake(woken);
}

std::vector<run_pool_spec> run_pools::list(std::string_view group) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<run_pool_spec> out;
  if (auto g = groups_.find(group); g != groups_.end())
    for (const auto& [name, p] : g->second.pools) out.push_back(p.spec);
  return out;
}

std::optional<run_pool_spec> run_pools::find(std::string_view group, std::string_view name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const pool_entry* e = entry(group, name);
  if (!e) return std::nullopt;
  return e->spec;
}

std::optional<run_pool_spec> run_pools::defaults(std::string_view group, std::string_view name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const pool_entry* e = entry(group, name);
  if (!e || !has_pool_defaults(e->spec)) return std::nullopt;
  run_pool_spec d;
  d.name = e->spec.name;
  d.hook_url = e->spec.hook_url;
  d.hook_format = e->spec.hook_format;
  d.cpu_limit_percent = e->spec.cpu_limit_percent;
  d.cpu_sustain_s = e->spec.cpu_sustain_s;
  d.memory_limit_bytes = e->spec.memory_limit_bytes;
  d.memory_sustain_s = e->spec.memory_sustain_s;
  return d;
}

void run_pools::put(const std::string& group, run_pool_spec pool) {
  std::vector<caf::actor> woken;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto& e = groups_[group].pools[pool.name];
    e.spec = std::move(pool);
    woken = take_waiters(e);
  }
  wake(woken);
}

bool run_pools::erase(std::string_view group, std::string_view name) {
  std::vector<caf::actor> woken;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto g = groups_.find(group);
    if (g == groups_.end()) return false;
    auto p = g->second.pools.find(name);
    if (p == g->second.pools.end()) return false;
    woken = take_waiters(p->second);  // a pool that is gone limits nothing: they may start
    g->second.pools.erase(p);
  }
  wake(woken);
  return true;
}

bool run_pools::erase_group(std::string_view group) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto g = groups_.find(group);
  if (g == groups_.end()) return false;
  const bool had_pools = !g->second.pools.empty();
  groups_.erase(g);
  return had_pools;
}

std::unique_lock<std::mutex> run_pools::lock_writes() { return std::unique_lock<std::mutex>(writes_); }

bool run_pools::importing(std::string_view group) const { return importing_.count(group) != 0; }

void run_pools::begin_import(const std::string& group) {
  std::lock_guard<std::mutex> lock(writes_);
  importing_.insert(group);
}

void run_pools::end_import(const std::string& group, std::optional<std::vector<run_pool_spec>> pools) {
  std::lock_guard<std::mutex> lock(writes_);
  if (pools) restore(group, std::move(*pools));
  importing_.erase(group);
}

pool_admission run_pools::try_take(const std::string& group, const std::string& job_id, const std::string& name,
                                   const caf::actor& waiter) {
  std::lock_guard<std::mutex> lock(mutex_);
  pool_entry* e = entry(group, name);
  if (!e) return pool_admission::start;
  const pool_admission a = pool_admission_for(e->spec, e->running);
  if (a == pool_admission::start) {
    ++e->running;
    ++groups_[group].held[job_id][name];
  } else if (waiter && std::find(e->waiters.begin(), e->waiters.end(), waiter) == e->waiters.end()) {
    e->waiters.push_back(waiter);
  }
  return a;
}

void run_pools::take(const std::string& group, const std::string& job_id, const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  pool_entry* e = entry(group, name);
  if (!e) return;
  ++e->running;
  ++groups_[group].held[job_id][name];
}

bool run_pools::give_back(const std::string& group, const std::string& job_id) {
  std::vector<caf::actor> woken;
  bool still_holds = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto g = groups_.find(group);
    if (g == groups_.end()) return false;
    auto h = g->second.held.find(job_id);
    if (h == g->second.held.end()) return false;
    auto slot = h->second.begin();  // never empty: emptied entries are erased
    if (auto p = g->second.pools.find(slot->first); p != g->second.pools.end()) {
      if (p->second.running > 0) --p->second.running;
      woken = take_waiters(p->second);
    }
    if (--slot->second == 0) h->second.erase(slot);
    if (h->second.empty()) g->second.held.erase(h);
    else still_holds = true;
  }
  wake(woken);
  return still_holds;
}

std::size_t run_pools::running(std::string_view group, std::string_view name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const pool_entry* e = entry(group, name);
  return e ? e->running : 0;
}

std::vector<run_pools::pool_count> run_pools::counts() const {
  std::vector<pool_count> out;
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [group, g] : groups_)
    for (const auto& [name, e] : g.pools) out.push_back({group, name, e.running, e.spec.max_running, e.spec.enabled});
  return out;
}

void run_pools::note_refusal(const std::string& group, const std::string& name, const char* reason) {
  const int64_t now = to_unix_ms(now_ms());
  uint64_t n = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    pool_entry* e = entry(group, name);
    if (!e) return;
    ++e->refusals_unlogged;
    if (now - e->last_logged_ms < k_pool_refusal_log_interval_ms) return;
    n = std::exchange(e->refusals_unlogged, 0);
    e->last_logged_ms = now;
  }
  spdlog::info("run pool {}/{}: {} scheduled fire(s) skipped ({}; mainspring_runs_skipped_total counts each)", group,
               name, n, reason);
}

}  // namespace mainspring
