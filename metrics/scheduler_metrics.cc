#include "metrics/scheduler_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/metric_family.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <iterator>
#include <utility>
#include <vector>

#include "metrics/http_metrics.h"
#include "metrics/process_stats.h"

#ifndef MAINSPRING_VERSION
#define MAINSPRING_VERSION "unknown"
#endif

namespace mainspring {

namespace {

using prometheus::Histogram;
using prometheus::MetricFamily;
using prometheus::MetricType;

static_assert(static_cast<std::size_t>(executor_kind::noop) == 4,
              "scheduler_metrics::k_executors must cover every executor_kind");

// -- bucket boundaries (seconds unless said otherwise) --
// constexpr arrays rather than vectors: a scheduler_metrics built during static initialization
// elsewhere must not see them unconstructed.

// 100 µs to 60 s: the lateness targets are p99 under 5 ms and p99.9 under 20 ms, so the buckets
// are dense around both (a quantile is read between two bounds); a stalled process shows as seconds.
constexpr double k_lateness_buckets[] = {
    0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.003, 0.004, 0.005, 0.0075, 0.01, 0.015, 0.02,
    0.025,  0.05,    0.1,    0.25,  0.5,   1,     2.5,   5,     10,     30,   60};
// A no-op run takes microseconds, a shell job can take up to the 24 h timeout.
constexpr double k_run_duration_buckets[] = {
    0.0001, 0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 86400};
// Mutations per WriteBatch: powers of two up to a group commit of many thousands.
constexpr double k_batch_size_buckets[] = {1,   2,   4,    8,    16,   32,   64,   128,
                                           256, 512, 1024, 2048, 4096, 8192, 16384};
// A commit without fsync is tens of µs, a synced one about 150 µs on this machine's disk.
constexpr double k_commit_duration_buckets[] = {
    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1};

template <std::size_t N>
Histogram::BucketBoundaries bounds(const double (&b)[N]) {
  return Histogram::BucketBoundaries(b, b + N);
}

// The outcome index of a finished run, or -1 for states that are not outcomes.
int outcome_index(run_state s) {
  switch (s) {
    case run_state::succeeded: return 0;
    case run_state::failed: return 1;
    case run_state::timed_out: return 2;
    case run_state::running:
    case run_state::skipped: return -1;
  }
  return -1;
}

constexpr run_state k_outcome_states[] = {run_state::succeeded, run_state::failed,
                                          run_state::timed_out};

double non_negative(double x) { return x >= 0 ? x : 0; }  // NaN -> 0 too

// -- families built at scrape time from the snapshot and /proc --

MetricFamily single(std::string name, std::string help, MetricType type, double value) {
  prometheus::ClientMetric m;
  if (type == MetricType::Counter) {
    m.counter.value = value;
  } else {
    m.gauge.value = value;
  }
  return MetricFamily{std::move(name), std::move(help), type, {std::move(m)}};
}

// Three gauges per pool, labelled {group, pool}: its runs in flight, its limit and its switch.
void append_run_pools(std::vector<MetricFamily>& out, const std::vector<run_pool_gauge>& pools) {
  MetricFamily running{"mainspring_run_pool_running", "Runs of a run pool's jobs in flight.", MetricType::Gauge, {}};
  MetricFamily limit{"mainspring_run_pool_max_running",
                     "A run pool's limit of runs at once over all its jobs (0 = no limit).", MetricType::Gauge, {}};
  MetricFamily enabled{"mainspring_run_pool_enabled", "1 while a run pool lets its jobs' runs start, 0 while it is disabled.",
                       MetricType::Gauge, {}};
  for (const auto& p : pools) {
    prometheus::ClientMetric m;
    m.label = {{"group", p.group}, {"pool", p.pool}};
    m.gauge.value = static_cast<double>(p.running);
    running.metric.push_back(m);
    m.gauge.value = static_cast<double>(p.max_running);
    limit.metric.push_back(m);
    m.gauge.value = p.enabled ? 1 : 0;
    enabled.metric.push_back(std::move(m));
  }
  out.push_back(std::move(running));
  out.push_back(std::move(limit));
  out.push_back(std::move(enabled));
}

void append_snapshot(std::vector<MetricFamily>& out, const scheduler_snapshot& s) {
  MetricFamily jobs{"mainspring_jobs", "Jobs by lifecycle state.", MetricType::Gauge, {}};
  for (auto [state, value] : {std::pair{"active", s.jobs_active},
                              std::pair{"paused", s.jobs_paused},
                              std::pair{"done", s.jobs_done}}) {
    prometheus::ClientMetric m;
    m.label = {{"state", state}};
    m.gauge.value = static_cast<double>(value);
    jobs.metric.push_back(std::move(m));
  }
  out.push_back(std::move(jobs));
  out.push_back(single("mainspring_timer_wheel_pending_timers", "Timers armed in the timing wheel.",
                       MetricType::Gauge, static_cast<double>(s.timer_wheel_pending_timers)));
  out.push_back(single("mainspring_fire_backlog",
                       "Due fires the clock holds back because as many as it lets out are being handled: "
                       "the firing backlog (each waits for a slot or becomes a misfire).",
                       MetricType::Gauge, static_cast<double>(s.fires_held)));
  out.push_back(single("mainspring_fires_in_flight", "Fire messages sent to jobs and not yet handled (bounded).",
                       MetricType::Gauge, static_cast<double>(s.fires_in_flight)));
  out.push_back(single("mainspring_clock_last_pass_timestamp_seconds",
                       "When the clock last looked for due timers (unix seconds): at least once a second while it "
                       "runs, so time() minus this growing past a few seconds means the clock is stuck.",
                       MetricType::Gauge, static_cast<double>(s.clock_last_pass_ms) / 1000));
  out.push_back(single("mainspring_runs_in_flight", "Runs handed to an executor, not yet finished.",
                       MetricType::Gauge, static_cast<double>(s.runs_in_flight)));
  out.push_back(single("mainspring_runs_queued", "Runs waiting for an executor slot.",
                       MetricType::Gauge, static_cast<double>(s.runs_queued)));
  // By reason; their sum is every skip. A total beyond the reasons (none today) shows as "other".
  MetricFamily skipped{"mainspring_runs_skipped_total",
                       "Fires skipped: overlap (concurrency forbid, a run in flight), misfire (missed, "
                       "dropped by the misfire policy), no_node (REMOTE@* without a live node), scheduler_paused "
                       "(the whole scheduler was paused), queue_full (the job's runs at once at its limit and its queue full), "
                       "pool_full (its run pool's runs at once at the pool's limit), pool_disabled (its run pool disabled).",
                       MetricType::Counter, {}};
  uint64_t by_reason = 0;
  const char* names[] = {"overlap", "misfire", "no_node", "scheduler_paused", "queue_full", "pool_full",
                         "pool_disabled"};
  static_assert(std::size(names) == std::tuple_size_v<decltype(s.runs_skipped_by_reason)>);
  for (std::size_t i = 0; i < s.runs_skipped_by_reason.size(); ++i) {
    prometheus::ClientMetric m;
    m.label = {{"reason", names[i]}};
    m.counter.value = static_cast<double>(s.runs_skipped_by_reason[i]);
    by_reason += s.runs_skipped_by_reason[i];
    skipped.metric.push_back(std::move(m));
  }
  if (s.runs_skipped_total > by_reason) {
    prometheus::ClientMetric m;
    m.label = {{"reason", "other"}};
    m.counter.value = static_cast<double>(s.runs_skipped_total - by_reason);
    skipped.metric.push_back(std::move(m));
  }
  out.push_back(std::move(skipped));
  // Plain counters and gauges of the snapshot, one sample each.
  const struct {
    const char* name;
    const char* help;
    MetricType type;
    uint64_t value;
  } plain[] = {
      {"mainspring_run_retries_total", "Retry runs started.",
       MetricType::Counter, s.run_retries_total},
      {"mainspring_runs_waited_total", "Runs that waited in their job's queue because the job was at its runs at once.",
       MetricType::Counter, s.runs_waited_total},
      {"mainspring_chain_misses_total", "Follow-up jobs (chain, chain_error) that did not exist when their job ended.",
       MetricType::Counter, s.chain_misses_total},
      {"mainspring_run_hooks_sent_total", "Run hook POSTs sent (a job's web_hook, at start and end).",
       MetricType::Counter, s.run_hooks_sent_total},
      {"mainspring_run_hooks_failed_total", "Run hook POSTs that got no 2xx answer.",
       MetricType::Counter, s.run_hooks_failed_total},
      {"mainspring_actors", "Live actors (registry, groups, jobs, clock).",
       MetricType::Gauge, s.actors},
      {"mainspring_nodes_up", "Worker nodes connected now.",
       MetricType::Gauge, s.nodes_up},
      {"mainspring_node_auth_failures_total", "Worker node joins refused: unknown group or wrong secret.",
       MetricType::Counter, s.node_auth_failures_total},
      {"mainspring_node_connections_refused_total", "Connections to the node listener refused over its connection cap.",
       MetricType::Counter, s.node_connections_refused_total},
      {"mainspring_node_oversize_messages_total", "Node connections closed for a message over the size cap.",
       MetricType::Counter, s.node_oversize_frames_total},
      {"mainspring_node_tls_failures_total", "Node connections whose TLS handshake failed.",
       MetricType::Counter, s.node_tls_failures_total},
      {"mainspring_storage_queued_batches", "Writes waiting for the storage committer: the backlog, bounded for lazy writes.",
       MetricType::Gauge, s.storage_queued_batches},
      {"mainspring_storage_dropped_writes_total", "Lazy writes (run records, heartbeats) dropped because the committer was too far behind.",
       MetricType::Counter, s.storage_dropped_writes_total},
      {"mainspring_storage_failed_writes_total", "Writes the disk refused (full or failing): changes answered 503, run records not kept.",
       MetricType::Counter, s.storage_failed_writes_total},
  };
  for (const auto& m : plain) out.push_back(single(m.name, m.help, m.type, static_cast<double>(m.value)));
  append_run_pools(out, s.run_pools);
}

void append_process(std::vector<MetricFamily>& out, const process_stats& p) {
  out.push_back(single("process_cpu_seconds_total",
                       "Total user and system CPU time spent in seconds.", MetricType::Counter,
                       p.cpu_seconds));
  out.push_back(single("process_resident_memory_bytes", "Resident memory size in bytes.",
                       MetricType::Gauge, static_cast<double>(p.resident_memory_bytes)));
  out.push_back(single("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                       MetricType::Gauge, static_cast<double>(p.virtual_memory_bytes)));
  out.push_back(single("process_open_fds", "Number of open file descriptors.", MetricType::Gauge,
                       static_cast<double>(p.open_fds)));
  if (p.max_fds > 0) {
    out.push_back(single("process_max_fds", "Maximum number of open file descriptors.",
                         MetricType::Gauge, static_cast<double>(p.max_fds)));
  }
  out.push_back(single("process_start_time_seconds",
                       "Start time of the process since unix epoch in seconds.", MetricType::Gauge,
                       p.start_time_seconds));
}

}  // namespace

// -- constructors --

scheduler_metrics::scheduler_metrics() : scheduler_metrics(MAINSPRING_VERSION) {}

scheduler_metrics::scheduler_metrics(std::string version)
    : registry_(std::make_unique<prometheus::Registry>()) {
  register_metrics(version);
  http_ = std::make_unique<http_metrics>(*registry_);
}

scheduler_metrics::~scheduler_metrics() = default;

// Every labelled child is created here, so the push paths only follow a pointer.
void scheduler_metrics::register_metrics(const std::string& version) {
  for (std::size_t e = 0; e < k_executors; ++e) {
    lateness_.push_back(std::make_unique<sharded_histogram>(lateness_bucket_bounds()));
    duration_.push_back(std::make_unique<sharded_histogram>(
        std::vector<double>(std::begin(k_run_duration_buckets), std::end(k_run_duration_buckets))));
  }

  storage_commits_ = &prometheus::BuildCounter()
                          .Name("mainspring_storage_commits_total")
                          .Help("Storage write batches committed.")
                          .Register(*registry_)
                          .Add({});
  storage_batch_size_ = &prometheus::BuildHistogram()
                             .Name("mainspring_storage_batch_size")
                             .Help("Mutations (puts and deletes) per committed write batch.")
                             .Register(*registry_)
                             .Add({}, bounds(k_batch_size_buckets));
  storage_commit_duration_ = &prometheus::BuildHistogram()
                                  .Name("mainspring_storage_commit_duration_seconds")
                                  .Help("Time to commit one write batch.")
                                  .Register(*registry_)
                                  .Add({}, bounds(k_commit_duration_buckets));

  api_key_failures_ = &prometheus::BuildCounter()
                           .Name("mainspring_api_key_failures_total")
                           .Help("Requests refused for their API key, by listener and reason.")
                           .Register(*registry_);

  prometheus::BuildGauge()
      .Name("mainspring_build_info")
      .Help("Always 1; the version label says which build is running.")
      .Register(*registry_)
      .Add({{"version", version}})
      .Set(1);
}

// -- the fire path --

void scheduler_metrics::on_run_started(executor_kind executor, double lateness_s) {
  const auto e = static_cast<std::size_t>(executor);
  if (e >= k_executors) return;
  lateness_[e]->observe(non_negative(lateness_s));
}

void scheduler_metrics::on_run_finished(executor_kind executor, run_state outcome,
                                        double duration_s) {
  const auto e = static_cast<std::size_t>(executor);
  const int o = outcome_index(outcome);
  if (e >= k_executors || o < 0) return;
  runs_[e][static_cast<std::size_t>(o)].add();
  duration_[e]->observe(non_negative(duration_s));
}

// -- storage and HTTP --

void scheduler_metrics::on_storage_commit(std::size_t mutations, double duration_s) {
  storage_commits_->Increment();
  storage_batch_size_->Observe(static_cast<double>(mutations));
  storage_commit_duration_->Observe(non_negative(duration_s));
}

void scheduler_metrics::on_http_request(std::string_view route, std::string_view method,
                                        int status, double duration_s) {
  http_->observe(route, method, status, duration_s);
}

void scheduler_metrics::on_api_key_failure(std::string_view listener, std::string_view reason) {
  // Family::Add finds the series under the family's own mutex, creating it the first time.
  api_key_failures_->Add({{"listener", std::string(listener)}, {"reason", std::string(reason)}}).Increment();
}

// -- totals --

metrics_totals scheduler_metrics::totals() const {
  metrics_totals t;
  t.lateness_cumulative.assign(std::size(k_lateness_buckets) + 1, 0);
  for (std::size_t e = 0; e < k_executors; ++e) {
    t.runs_succeeded += runs_[e][0].value();
    t.runs_failed += runs_[e][1].value() + runs_[e][2].value();
    auto buckets = lateness_[e]->collect().histogram.bucket;
    for (std::size_t b = 0; b < buckets.size() && b < t.lateness_cumulative.size(); ++b)
      t.lateness_cumulative[b] += buckets[b].cumulative_count;
  }
  t.storage_commits = static_cast<uint64_t>(storage_commits_->Value());
  return t;
}

std::vector<double> scheduler_metrics::lateness_bucket_bounds() {
  return {std::begin(k_lateness_buckets), std::end(k_lateness_buckets)};
}

// -- scraping --

// The families prometheus-cpp registered before, same names, help, labels and bucket bounds.
void scheduler_metrics::append_fire_path(std::vector<MetricFamily>& out) const {
  MetricFamily runs{"mainspring_job_runs_total", "Finished runs by executor and outcome.", MetricType::Counter, {}};
  MetricFamily lateness{"mainspring_schedule_lateness_seconds",
                        "Time from a run's planned time to its start, by executor.", MetricType::Histogram, {}};
  MetricFamily duration{"mainspring_job_run_duration_seconds", "Time from a run's start to its end, by executor.",
                        MetricType::Histogram, {}};
  for (std::size_t e = 0; e < k_executors; ++e) {
    const std::string executor = executor_kind_name(static_cast<executor_kind>(e));
    for (std::size_t o = 0; o < k_outcomes; ++o) {
      prometheus::ClientMetric m;
      m.label = {{"executor", executor}, {"outcome", run_state_name(k_outcome_states[o])}};
      m.counter.value = static_cast<double>(runs_[e][o].value());
      runs.metric.push_back(std::move(m));
    }
    prometheus::ClientMetric l = lateness_[e]->collect();
    l.label = {{"executor", executor}};
    lateness.metric.push_back(std::move(l));
    prometheus::ClientMetric d = duration_[e]->collect();
    d.label = {{"executor", executor}};
    duration.metric.push_back(std::move(d));
  }
  out.push_back(std::move(runs));
  out.push_back(std::move(lateness));
  out.push_back(std::move(duration));
}

void scheduler_metrics::set_snapshot_source(std::function<scheduler_snapshot()> source) {
  std::lock_guard<std::mutex> lock(scrape_mutex_);
  snapshot_source_ = std::move(source);
}

std::string scheduler_metrics::scrape() {
  std::lock_guard<std::mutex> lock(scrape_mutex_);
  std::vector<MetricFamily> families = registry_->Collect();
  append_fire_path(families);
  // prometheus-cpp keeps a family's series in a hash map; sorted, the text is stable and diffable.
  for (MetricFamily& family : families) {
    std::sort(family.metric.begin(), family.metric.end(),
              [](const auto& a, const auto& b) { return a.label < b.label; });
  }
  append_snapshot(families, snapshot_source_ ? snapshot_source_() : scheduler_snapshot{});
  // A /proc failure (no /proc in a sandbox) drops the process_* lines, not the scrape.
  if (auto process = read_process_stats(); process.ok()) append_process(families, process.value());
  return prometheus::TextSerializer().Serialize(families);
}

}  // namespace mainspring
