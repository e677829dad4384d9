// job_context: what every group and job actor shares, owned by the runtime and outliving them.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <caf/actor.hpp>

#include "core/id_generator.h"
#include "core/job.h"
#include "core/run_record.h"
#include "core/schedule_cache.h"
#include "core/status.h"
#include "core/time_zone.h"

namespace mainspring {

class executor_pool;
class group_routes;
class lingering_jobs;
class run_pools;
class group_documents;
class list_worker;
class scheduler_metrics;
class state_store;
class mutation_batch;

// Per-job history kept in memory: the newest runs, oldest dropped first.
inline constexpr std::size_t k_run_history_per_job = 100;

// Why a fire did not run (mainspring_runs_skipped_total{reason}).
enum class skip_reason : uint8_t {
  overlap,  // concurrency forbid, and the previous run is still in flight
  misfire,  // the fire was missed (server down or far behind) and the misfire policy drops it
  no_node,  // a REMOTE@* job whose group has no live node to run it
  scheduler_paused,  // the whole scheduler is paused (scheduler_api::set_scheduler_enabled)
  queue_full,  // the job's runs at once are at its max_running and its queue is full
  pool_full,   // its run pool's runs at once are at the pool's max_running (core/run_pool.h)
  pool_disabled,  // its run pool is disabled
};
inline constexpr std::size_t k_skip_reasons = 7;
// "overlap", "misfire", "no_node", "scheduler_paused", "queue_full", "pool_full", "pool_disabled"
const char* skip_reason_name(skip_reason r);

// Counters the metrics layer reads without a message round trip.
struct scheduler_stats {
  std::atomic<uint64_t> runs_started{0};
  std::atomic<uint64_t> runs_finished{0};
  std::atomic<uint64_t> runs_skipped{0};  // all reasons
  std::array<std::atomic<uint64_t>, k_skip_reasons> runs_skipped_by_reason{};
  std::atomic<uint64_t> retries{0};
  // Job controls (core/job_controls.h): runs that waited in a job's queue, follow-up jobs that
  // were missing when their job ended, run hooks posted and those that failed.
  std::atomic<uint64_t> runs_waited{0};
  std::atomic<uint64_t> chain_misses{0};
  std::atomic<uint64_t> run_hooks_sent{0};
  std::atomic<uint64_t> run_hooks_failed{0};
  // Jobs by phase; their sum is the number of job actors.
  std::atomic<int64_t> jobs_active{0};
  std::atomic<int64_t> jobs_paused{0};
  std::atomic<int64_t> jobs_done{0};
  std::atomic<int64_t> groups{0};
  // Worker nodes.
  std::atomic<int64_t> nodes_up{0};
  std::atomic<int64_t> nodes{0};  // node actors alive, up or down
  std::atomic<uint64_t> node_auth_failures{0};  // joins refused: wrong proof, unknown group
  // The whole scheduler is paused: scheduled fires and catch-up runs are skipped.
  std::atomic<bool> scheduler_paused{false};
  // When that pause began (unix ms; 0 while running): the fires after it are replayed on resume
  // as each job's misfire policy says; a fire planned before it runs even if it arrives later.
  // Stored before scheduler_paused is set (release), so a job that sees the flag sees it.
  std::atomic<int64_t> paused_since_ms{0};

  int64_t jobs() const {
    return jobs_active.load(std::memory_order_relaxed) + jobs_paused.load(std::memory_order_relaxed) +
           jobs_done.load(std::memory_order_relaxed);
  }
};

// Shapes the body a job's run hook receives (job_controls::hook_format names one; "" is
// Mainspring's own run report). `action` is "job_start" or "job_complete". Called on the job's
// thread, only for jobs that have a hook.
using run_hook_formatter =
    std::function<std::string(std::string_view action, const run_record& run, const job_spec& job)>;

// Shapes what a shell job's command reads on stdin at a run (shell_target::input_format names
// one): `run` is the run as it starts. Called on the job's thread, only for such jobs.
using run_input_formatter = std::function<std::string(const run_record& run, const job_spec& job)>;

// A run's params given by the run it follows (run_cause::after_params: Cronicle's chain_params),
// turned into the run's own fields for `job`: nullopt when `job` is not the dialect's or the
// params change nothing it runs. Called on the job's thread.
using chain_params_mapper = std::function<std::optional<run_override>(const job_spec& job, std::string_view params)>;

struct job_context {
  caf::actor clock;
  // Jobs report successes that matter to their group (chains, ephemeral jobs) through it. Set
  // once, before any job runs.
  caf::actor registry;
  executor_pool* pool = nullptr;
  id_generator* ids = nullptr;
  time_zone default_zone = time_zone::utc();
  scheduler_stats* stats = nullptr;
  scheduler_metrics* metrics = nullptr;
  state_store* store = nullptr;  // null: nothing is persisted (unit tests)
  // Builds long lists off the actors' threads (null: groups build them in place; unit tests).
  list_worker* lists = nullptr;
  // Where the registry publishes each group's actor for the callers' threads (group_routes.h).
  group_routes* routes = nullptr;
  // Deleted jobs' actors that stay for their runs in flight (null: none stays; unit tests).
  lingering_jobs* lingering = nullptr;
  // The groups' run pools (run_pools.h); only jobs whose controls name a pool read it (null:
  // pools limit nothing; unit tests).
  run_pools* pools = nullptr;
  // The groups' documents (group_documents.h), which an import replaces (null: unit tests).
  group_documents* documents = nullptr;
  // Parsed schedules shared by the jobs (a cache: thread-safe, hence usable through const).
  mutable schedule_cache schedules;
  // --history-max-age in ms (0 = none): runs older than this are gone from the store, so the
  // runs a job remembers in memory must not bring them back.
  int64_t max_run_age_ms = 0;
  // --history-runs (0 = no limit): the store keeps each job's last this many runs to finish, so
  // the runs a job remembers beyond them are trimmed ones.
  std::size_t max_runs_per_job = 0;
  // --deleted-job-history in ms (0 = none): a deleted job that has runs keeps them listed this
  // long (mutation_batch::delete_job_keeping_runs).
  int64_t deleted_job_history_ms = 0;
  // Run hook bodies by format name, set before any job runs (a dialect's, e.g. "cronicle").
  std::map<std::string, run_hook_formatter, std::less<>> hook_formats;
  // Shell jobs' stdin by format name, set before any job runs (a dialect's, e.g. "cronicle").
  std::map<std::string, run_input_formatter, std::less<>> input_formats;
  // A chained run's params as its own fields, set before any job runs (the Cronicle dialect's;
  // null: a chained run runs as its job).
  chain_params_mapper chain_params;
  // When the previous process was last known alive (unix ms; 0 = unknown), for restored jobs.
  int64_t last_alive_ms = 0;
  // An id made before any run of this process: stored runs with smaller ids are from earlier
  // processes (ids grow), the others ones the jobs counted themselves (adopt_history).
  uint64_t process_first_id = 0;

  // The job's schedule in its zone (the server's default zone when it names none), shared.
  status_or<std::shared_ptr<const zoned_schedule>> timing_of(const job_spec& job) const;

  // ok when the executor pool runs `job` (its kind is built; a LUA@ source compiles), else why not.
  status pool_accepts(const job_spec& job) const;
  // ok when the scheduler can take `job`: valid (validate_job) and accepted by the pool. Any thread.
  status admissible(const job_spec& job) const;
};

// Commits `batch` and then calls `then` with the outcome (on the store's committer thread), or
// calls it at once when there is no store. Replies that promise durability go through here.
void persist(const job_context* ctx, mutation_batch batch, std::function<void(status)> then);

// Commits `batch`, then runs `then(outcome)` on `owner`'s thread (as a (written_atom, actor_task)
// message, also when there is no store), so that the owner applies a change only once it is
// durable and never waits for the disk. REQUIRES: `owner` handles written_atom by running the
// task, and stays alive until it has (a dropped task never answers its client).
void persist_then(const job_context* ctx, const caf::actor& owner, mutation_batch batch,
                  std::function<void(status)> then);

// Writes `batch` without waiting for a sync and without a reply (run history, heartbeats).
void persist_lazily(const job_context* ctx, mutation_batch batch);
// Deletes the in-flight markers of `runs` (storage: put_in_flight) without recording the runs:
// those of a job or group that a start no longer has.
void drop_in_flight_markers(const job_context* ctx, const std::vector<run_record>& runs);

}  // namespace mainspring
