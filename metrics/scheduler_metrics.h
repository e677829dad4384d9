// scheduler_metrics: every Prometheus metric Mainspring exposes, and the text GET /metrics sends.
//
// One object per process, shared by reference. Events are pushed where they happen, on cheap
// paths; figures the scheduler already keeps (job counts, pending timers, ...) are pulled at
// scrape time from a snapshot source, so the fire path never pays for them.
//
//   pushed by the fire path (any thread, lock-free: metrics/sharded_histogram.h):
//     on_run_started   -> mainspring_schedule_lateness_seconds{executor}        histogram
//     on_run_finished  -> mainspring_job_runs_total{executor,outcome}           counter
//                         mainspring_job_run_duration_seconds{executor}         histogram
//   pushed by the storage commit thread, once per WriteBatch:
//     on_storage_commit -> mainspring_storage_commits_total, mainspring_storage_batch_size,
//                          mainspring_storage_commit_duration_seconds
//   pushed by the HTTP server, once per reply (see metrics/http_metrics.h):
//     on_http_request  -> mainspring_http_requests_total{route,method,status},
//                         mainspring_http_request_duration_seconds{route,method}
//   pushed by the API key check, once per refused key:
//     on_api_key_failure -> mainspring_api_key_failures_total{listener,reason}   counter
//   pulled at each scrape (scheduler_snapshot): mainspring_jobs{state},
//     mainspring_timer_wheel_pending_timers, mainspring_fire_backlog, mainspring_fires_in_flight,
//     mainspring_runs_in_flight, mainspring_runs_queued,
//     mainspring_runs_skipped_total, mainspring_run_retries_total, mainspring_actors,
//     mainspring_run_pool_running{group,pool}, mainspring_run_pool_max_running{group,pool},
//     mainspring_run_pool_enabled{group,pool}
//   read from /proc at each scrape: process_cpu_seconds_total, process_resident_memory_bytes,
//     process_virtual_memory_bytes, process_open_fds, process_max_fds, process_start_time_seconds
//   constant: mainspring_build_info{version} 1
//
// No metric has a job label: a million jobs must not mean a million series. The run pool gauges
// have a series per pool, which an admin call makes (at most k_max_run_pools_per_group a group).
//
// Example:
//   scheduler_metrics metrics;
//   metrics.set_snapshot_source([&stats] { return stats.snapshot(); });
//   metrics.on_run_started(executor_kind::noop, 0.0004);
//   metrics.on_run_finished(executor_kind::noop, run_state::succeeded, 0.00002);
//   std::string body = metrics.scrape();   // Content-Type: text/plain; version=0.0.4
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/job.h"
#include "core/run_record.h"
#include "metrics/sharded_histogram.h"

namespace prometheus {
struct MetricFamily;
class Counter;
class Histogram;
class Registry;
template <typename T>
class Family;
}  // namespace prometheus

namespace mainspring {

class http_metrics;

// The Content-Type of scrape()'s text.
inline constexpr std::string_view k_metrics_content_type =
    "text/plain; version=0.0.4; charset=utf-8";

// One run pool (core/run_pool.h) as its gauges show it.
struct run_pool_gauge {
  std::string group;
  std::string pool;
  uint64_t running = 0;      // runs of its jobs in flight
  uint64_t max_running = 0;  // 0 = no limit
  bool enabled = true;
};

// Figures read at scrape time. Totals (the *_total fields) must never go down.
struct scheduler_snapshot {
  uint64_t jobs_active = 0;
  uint64_t jobs_paused = 0;
  uint64_t jobs_done = 0;
  uint64_t timer_wheel_pending_timers = 0;
  uint64_t fires_held = 0;       // due timers the clock holds back (back-pressure)
  uint64_t fires_in_flight = 0;  // fire messages sent, not yet handled by their job
  int64_t clock_last_pass_ms = 0;  // the clock's last pass over its timers (unix ms; 0 = none yet)
  uint64_t runs_in_flight = 0;       // handed to an executor, not yet finished
  uint64_t runs_queued = 0;          // waiting for an executor slot
  uint64_t runs_skipped_total = 0;   // fires skipped, all reasons (see runs_skipped_by_reason)
  // Fires skipped by reason, labelled with these names: overlap, misfire, no_node,
  // scheduler_paused, queue_full, pool_full, pool_disabled.
  std::array<uint64_t, 7> runs_skipped_by_reason{};
  uint64_t run_retries_total = 0;    // retry runs started
  // -- job controls (core/job_controls.h) --
  uint64_t runs_waited_total = 0;      // runs that waited in their job's queue
  uint64_t chain_misses_total = 0;     // follow-up jobs missing when their job ended
  uint64_t run_hooks_sent_total = 0;   // run hook POSTs sent
  uint64_t run_hooks_failed_total = 0; // run hook POSTs that got no 2xx answer
  uint64_t actors = 0;
  // -- worker nodes --
  uint64_t nodes_up = 0;
  uint64_t node_auth_failures_total = 0;       // joins refused (wrong secret, unknown group)
  uint64_t node_connections_refused_total = 0; // over the node listener's connection cap
  uint64_t node_oversize_frames_total = 0;     // messages over k_max_node_message_bytes
  uint64_t node_tls_failures_total = 0;        // TLS handshakes that failed
  // -- storage backlog --
  uint64_t storage_queued_batches = 0;         // writes waiting for the committer
  uint64_t storage_dropped_writes_total = 0;   // lazy writes dropped: the committer was behind
  uint64_t storage_failed_writes_total = 0;    // writes (changes, run records) the disk refused
  // -- run pools: one entry per pool of every group (at most k_max_run_pools_per_group each) --
  std::vector<run_pool_gauge> run_pools;
};

// Running totals of the pushed figures, summed over executors, for the dashboard's history
// (metrics/activity_history.h). Every field only grows while the process lives.
struct metrics_totals {
  uint64_t runs_succeeded = 0;
  uint64_t runs_failed = 0;     // failed + timed out
  uint64_t storage_commits = 0;
  // Lateness observations per bucket of lateness_bucket_bounds(), cumulative as Prometheus keeps
  // them (index i counts observations <= bound i); the last entry is +Inf, i.e. every run.
  std::vector<uint64_t> lateness_cumulative;
};

class scheduler_metrics {
 public:
  // -- constructors --
  // build_info carries MAINSPRING_VERSION.
  scheduler_metrics();
  explicit scheduler_metrics(std::string version);
  ~scheduler_metrics();
  scheduler_metrics(const scheduler_metrics&) = delete;
  scheduler_metrics& operator=(const scheduler_metrics&) = delete;

  // -- the fire path: any thread, no allocation, no lookup --
  // Each series was created in the constructor and is reached through arrays indexed by the
  // enums. A counter add is one relaxed atomic add on the calling thread's shard; a histogram
  // observation a bucket search and two such adds (sharded_histogram), no lock.
  // A run was handed to its executor `lateness_s` seconds after its planned time (negative
  // values count as 0). Call it for every run that starts, scheduled or retried; manual runs
  // have no plan and are best left out.
  void on_run_started(executor_kind executor, double lateness_s);
  // A run ended. `outcome` is succeeded, failed or timed_out; running and skipped are not run
  // outcomes and are ignored (skips are counted through the snapshot).
  void on_run_finished(executor_kind executor, run_state outcome, double duration_s);

  // -- storage: the commit thread --
  // One WriteBatch of `mutations` puts/deletes was committed in `duration_s`.
  void on_storage_commit(std::size_t mutations, double duration_s);

  // -- HTTP: the server, once per reply --
  // `route` is the router's pattern ("/v1/{group}/job/list"), "" when none matched; never the
  // raw path. Thread-safe (a short mutex).
  void on_http_request(std::string_view route, std::string_view method, int status,
                       double duration_s);
  // A request's API key was refused (actors/api_key_registry.h): `listener` is the dialect's
  // name, `reason` one of missing, unknown, wrong_secret, disabled, forbidden. Both come from
  // fixed sets, never from the request. Thread-safe.
  void on_api_key_failure(std::string_view listener, std::string_view reason);

  // -- totals (the dashboard's history reads them every few seconds) --
  // Reads the counters and histograms the push paths fill; no lock beyond each series' own.
  metrics_totals totals() const;
  // The upper bounds (seconds) of the lateness buckets, without the final +Inf.
  static std::vector<double> lateness_bucket_bounds();

  // -- scraping --
  // Sets what scrape() calls for the pulled figures. It runs on the scraping thread, once per
  // scrape, so it must be thread-safe and cheap (read atomics; no actor round trip on a hot
  // actor). Without a source those figures are reported as 0.
  void set_snapshot_source(std::function<scheduler_snapshot()> source);

  // The text exposition format (version 0.0.4) of every metric. Thread-safe; scrapes are
  // serialized against each other but never block the push paths above for long.
  std::string scrape();

 private:
  static constexpr std::size_t k_executors = 5;  // executor_kind::http .. noop
  static constexpr std::size_t k_outcomes = 3;   // succeeded, failed, timed_out

  void register_metrics(const std::string& version);
  void append_fire_path(std::vector<prometheus::MetricFamily>& out) const;

  // -- member variables --
  std::unique_ptr<prometheus::Registry> registry_;
  // The fire path's series, outside the registry: scrape() adds their families.
  std::array<std::array<sharded_counter, k_outcomes>, k_executors> runs_;
  std::vector<std::unique_ptr<sharded_histogram>> lateness_;  // by executor
  std::vector<std::unique_ptr<sharded_histogram>> duration_;  // by executor
  prometheus::Counter* storage_commits_ = nullptr;
  prometheus::Histogram* storage_batch_size_ = nullptr;
  prometheus::Histogram* storage_commit_duration_ = nullptr;
  std::unique_ptr<http_metrics> http_;
  prometheus::Family<prometheus::Counter>* api_key_failures_ = nullptr;
  std::mutex scrape_mutex_;
  std::function<scheduler_snapshot()> snapshot_source_;  // guarded by scrape_mutex_
};

}  // namespace mainspring
