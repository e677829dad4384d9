#include "actors/runtime_restore.h"

#include <iterator>
#include <string>
#include <unordered_set>
#include <utility>

#include <spdlog/spdlog.h>

#include "actors/messages.h"
#include "actors/runtime_impl.h"
#include "core/time_types.h"
#include "storage/codec.h"

namespace mainspring {

status_or<restored_state> load_groups(state_store& store) {
  restored_state restored;
  load_visitor visitor;
  visitor.on_group = [&](group_spec&& g) { restored.groups.push_back(std::move(g)); };
  visitor.on_func = [&](func_spec&& f) {
    std::string group = f.group;
    restored.funcs[group].push_back(std::move(f));
  };
  visitor.on_node = [&](node_spec&& n) {
    std::string group = n.group;
    restored.nodes[group].push_back(std::move(n));
  };
  if (auto st = store.load_all(visitor); !st.ok()) return st;
  return restored;
}

namespace {

// Sends the records a load_visitor member (`slot`) visits to the registry as (atom, group, job id,
// records), one message per job (the store gives them in key order: job by job), after every job:
// the same sender to the same registry keeps them behind their jobs. Answers how many it sent.
template <class Record, class Atom>
status_or<std::size_t> stream_per_job(state_store& store, const caf::actor& registry, Atom atom,
                                      std::function<void(Record&&)> load_visitor::*slot,
                                      const std::function<void(Record&)>& prepare) {
  std::vector<Record> batch;
  std::size_t total = 0;
  auto flush = [&] {
    if (batch.empty()) return;
    total += batch.size();
    std::string group = batch.front().group, job = batch.front().job_id;
    caf::anon_send(registry, atom, std::move(group), std::move(job), std::exchange(batch, {}));
  };
  load_visitor visitor;
  visitor.*slot = [&](Record&& r) {
    if (!batch.empty() && (r.group != batch.front().group || r.job_id != batch.front().job_id)) flush();
    prepare(r);
    batch.push_back(std::move(r));
  };
  auto st = store.load_all(visitor);
  flush();
  if (!st.ok()) return st;
  return total;
}

// The runs that waited in their jobs' queues.
status stream_waiting_runs(state_store& store, const caf::actor& registry) {
  auto sent = stream_per_job<waiting_record>(store, registry, restore_waiting_atom::value, &load_visitor::on_waiting,
                                             [](waiting_record&) {});
  if (sent.ok() && *sent) spdlog::info("{} run(s) waiting in their jobs' queues resume", *sent);
  return sent.status();
}

// The runs in flight that a process did not record, each ended when it was last alive. The end
// is written into its marker before any job sees it: a start killed before its jobs recorded
// them (a second kill -9 within moments) leaves markers that the next start ends at the same
// time, not at the killed start's last heartbeat. All of them are read first (at most the runs
// that were in flight at once); the job actors' records then delete markers written before.
status stream_cut_short_runs(state_store& store, const caf::actor& registry, int64_t last_alive_ms) {
  const int64_t end_ms = last_alive_ms > 0 ? last_alive_ms : to_unix_ms(now_ms());
  std::vector<run_record> runs;
  load_visitor visitor;
  visitor.on_in_flight = [&](run_record&& run) { runs.push_back(std::move(run)); };
  if (auto st = store.load_all(visitor); !st.ok()) return st;
  mutation_batch ended;
  ended.set_durable(false);  // a kill leaves it in the page cache; a power loss, the old marker
  for (run_record& run : runs) {
    if (run.end_ms != 0) continue;  // ended by an earlier start
    run.end_ms = end_ms;
    ended.put_in_flight(run);
  }
  if (!ended.empty())
    if (auto st = store.commit_sync(std::move(ended)); !st.ok()) return st;
  // One message per job (the store gives them job by job), as stream_per_job sends.
  for (std::size_t first = 0; first < runs.size();) {
    std::size_t last = first + 1;
    while (last < runs.size() && runs[last].group == runs[first].group && runs[last].job_id == runs[first].job_id)
      ++last;
    std::string group = runs[first].group, job = runs[first].job_id;
    std::vector<run_record> of_job(std::make_move_iterator(runs.begin() + static_cast<std::ptrdiff_t>(first)),
                                   std::make_move_iterator(runs.begin() + static_cast<std::ptrdiff_t>(last)));
    caf::anon_send(registry, restore_in_flight_atom::value, std::move(group), std::move(job), std::move(of_job));
    first = last;
  }
  if (!runs.empty())
    spdlog::warn("{} run(s) in flight when the server last ended without recording them are recorded as "
                 "interrupted", runs.size());
  return {};
}

}  // namespace

status_or<std::size_t> stream_jobs(state_store& store, const caf::actor& registry,
                                   const std::vector<group_spec>& groups, int64_t last_alive_ms) {
  std::unordered_set<std::string> known;
  for (const auto& g : groups) known.insert(g.name);
  std::vector<job_spec> batch;
  std::string batch_group;
  std::size_t sent = 0, orphans = 0;
  auto flush = [&] {
    if (batch.empty()) return;
    sent += batch.size();
    caf::anon_send(registry, restore_atom::value, batch_group, std::exchange(batch, {}));
  };
  load_visitor visitor;
  visitor.on_job = [&](job_spec&& j) {
    if (!known.count(j.group)) return void(++orphans);
    if (j.group != batch_group || batch.size() == k_restore_stream_jobs) {
      flush();
      batch_group = j.group;
      batch.reserve(k_restore_stream_jobs);
    }
    batch.push_back(std::move(j));
  };
  auto st = store.load_all(visitor);
  flush();  // even after a failure: what was sent must be counted for readiness
  if (orphans) spdlog::warn("skipped {} stored job(s) of groups that are not stored", orphans);
  if (!st.ok()) return st;
  if (auto waiting = stream_waiting_runs(store, registry); !waiting.ok()) return waiting;
  if (auto cut_short = stream_cut_short_runs(store, registry, last_alive_ms); !cut_short.ok()) return cut_short;
  // The registry now lets requests go straight to the restored groups (registry_actor.cc).
  caf::anon_send(registry, restored_atom::value);
  return sent;
}

namespace {

// A meta value holding a unix time in ms; 0 when it is absent or unreadable.
int64_t read_time_meta(state_store& store, std::string_view key) {
  auto value = store.get_meta(key);
  if (!value.ok() || !*value) return 0;
  try {
    return std::stoll(**value);
  } catch (...) {
    return 0;
  }
}

}  // namespace

std::shared_ptr<history_relay> history_relay::start(caf::actor registry, state_store& store) {
  auto relay = std::make_shared<history_relay>();
  relay->registry_ = std::move(registry);
  store.read_histories(
      [relay](std::string group, std::string job_id, stored_history history) {
        relay->send(caf::make_message(restore_history_atom::value, std::move(group), std::move(job_id),
                                      std::move(history)));
      },
      [relay] {
        relay->send(caf::make_message(histories_read_atom::value));
        spdlog::info("the stored run counts of every job are read back");
      });
  return relay;
}

void history_relay::send(caf::message msg) {
  std::lock_guard<std::mutex> lock(mu_);
  if (registry_) caf::anon_send(registry_, std::move(msg));
}

void history_relay::stop() {
  std::lock_guard<std::mutex> lock(mu_);
  registry_ = nullptr;
}

int64_t read_last_alive(state_store& store) { return read_time_meta(store, k_last_alive_meta); }

int64_t read_scheduler_paused_since(state_store& store) {
  return read_time_meta(store, k_scheduler_paused_since_meta);
}

bool read_scheduler_paused(state_store& store) {
  auto value = store.get_meta(k_scheduler_paused_meta);
  return value.ok() && *value && **value == "1";
}

}  // namespace mainspring

namespace mainspring {

status restore_run_pools(state_store& store, const std::vector<group_spec>& groups, run_pools& pools) {
  for (const auto& g : groups) {
    auto value = store.get_meta(run_pools_meta(g.name));
    if (!value.ok()) return value.status();
    if (!*value) continue;
    std::vector<run_pool_spec> list;
    if (auto st = decode_run_pools(**value, &list); !st.ok())
      return status::internal("the run pools of group " + g.name + ": " + st.message());
    if (!list.empty()) spdlog::info("group {}: {} run pool(s)", g.name, list.size());
    pools.restore(g.name, std::move(list));
  }
  return {};
}

status restore_group_documents(state_store& store, const std::vector<group_spec>& groups, group_documents& documents) {
  std::unordered_set<std::string> known;
  for (const auto& g : groups) known.insert(g.name);
  status read;
  load_visitor visitor;
  visitor.meta_prefix = std::string(k_group_documents_meta_prefix);
  visitor.on_meta = [&](std::string_view name, std::string_view bytes) {
    if (!read.ok()) return;
    group_documents_value value;
    if (auto st = decode(bytes, &value); !st.ok()) {
      read = status::internal("the group documents " + std::string(name) + ": " + st.message());
      return;
    }
    if (value.documents.empty()) return;  // emptied: a deleted kind or a removed group
    if (!known.count(value.group)) {
      spdlog::warn("group {}: {} document(s) of kind {} left out: no such group", value.group, value.documents.size(),
                   value.kind);
      return;
    }
    spdlog::info("group {}: {} document(s) of kind {}", value.group, value.documents.size(), value.kind);
    documents.set(value.group, value.kind, std::move(value.documents));
  };
  if (auto st = store.load_all(visitor); !st.ok()) return st;
  return read;
}

}  // namespace mainspring
