// workload: the building blocks every scenario uses against the native API: which server to
// drive, groups and batches of jobs (with ids the bench chooses, so that it can address any job
// later without listing), loading a batch through many connections, probing what the server says
// about itself (/metrics when it exists, else /health; RSS and CPU from /proc), and reading run
// records back for schedule-to-start lateness.
//
// Example:
//   auto server = open_server(cfg, &why);                  // fresh child or --url
//   load_client client(server->base_url);
//   job_batch batch{.group = unique_group("bfire"), .count = 100'000, .pattern = "@every 1s",
//                   .first = first_run::now};
//   register_groups(client, batch, &why);
//   load_report loaded = load_jobs(client, batch, 64, 0, 600, progress);
//   server_probe before = probe(client, server->pid);
//   ...
//   auto lateness = sample_run_records(client, batch, 2000, from_ms, to_ms, 25);
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bench/bench_config.h"
#include "bench/load_client.h"
#include "bench/percentiles.h"
#include "bench/proc_stats.h"
#include "tests/support/prometheus_text.h"
#include "tests/support/server_process.h"

namespace mainspring::bench {

// -- the server --

// How the bench starts its own server: a server loading on a busy 2-core machine can be slow to
// bind, and the free port may be taken between pick and bind.
inline const testing::server_options k_bench_server_options{std::chrono::seconds(60), 3, "mainspring-bench"};
// How long a SIGTERMed server may take to exit before it is killed (the goal is 5 s; the bench
// reports the time it took).
inline constexpr std::chrono::seconds k_stop_grace{30};

// The server one scenario drives: a fresh child when --server-binary is set, else --url.
struct server_under_test {
  std::unique_ptr<testing::server_process> spawned;  // null for an external server
  std::string base_url;
  pid_t pid = 0;                            // 0 = unknown: no RSS or CPU figures
  std::string dialect_url;                  // the --api dialect's listener (spawned servers)
  std::string dialect_key;                  // cronicle: an admin key bootstrapped at start
};
std::optional<server_under_test> open_server(const bench_config& cfg, std::string* error);

// -- groups and jobs --

// `prefix` + "_" + six random letters and digits, so that runs against a long-lived server do
// not collide. At most 12 characters of the prefix are kept (group names are at most 22,
// and a batch spread over groups appends their number).
std::string unique_group(std::string_view prefix);
bool register_group(load_client& client, const std::string& group, std::string* error);

// When a job's first run is: at once (its cadence then follows its creation time, which spreads
// a batch loaded at a steady rate evenly over the interval), never within the benchmark, or on
// whole seconds staggered across the interval (exec_time is in whole seconds: a herd per second).
enum class first_run { now, far_future, staggered_seconds, herd };

struct job_batch {
  std::string group;
  std::string id_prefix = "j";  // job i has id and name <id_prefix><i>
  std::size_t count = 0;
  std::string pattern = "@every 1h";
  std::string request_url = "NOOP@";
  std::string exec_command;     // REMOTE@ and shell jobs: the command (no JSON escaping is done)
  first_run first = first_run::far_future;
  double interval_s = 3600;     // for first_run::staggered_seconds
  int64_t herd_at_s = 0;        // for first_run::herd: every job's first run, unix s
  std::size_t groups = 1;       // jobs go round-robin to this many groups (see group_of)
  // The API the batch is created and read through: "native", or a dialect ("dkron",
  // "ndscheduler") at `api_url` (its jobs live in the dialect's group, named like it; both
  // dialects start them at their schedule's next fire).
  std::string api = "native";
  std::string api_url;
  std::string api_key;          // cronicle: sent in each body, as Cronicle's clients may
};

// The batch `b` made to go through the Dkron listener of `server`.
// The batch `b` made to go through the listener of dialect `api` ("dkron" or "ndscheduler") of
// `server`, into that dialect's group.
job_batch through_dialect(job_batch b, const server_under_test& server, const std::string& api);
// The path a dialect creates jobs at, and lists them at.
std::string create_path(const std::string& api);

// The group of job `index`: batch.group itself, or batch.group + (index % groups) when the batch
// is spread over several groups.
std::string group_of(const job_batch& batch, std::size_t index);
// Registers every group of the batch.
bool register_groups(load_client& client, const job_batch& batch, std::string* error);
std::string job_id(const job_batch& batch, std::size_t index);
// The POST /v1/add/job body of job `index`. `now_s` anchors the staggered first runs.
std::string add_job_body(const job_batch& batch, std::size_t index, int64_t now_s);

struct load_report {
  load_stats stats;
  latency_summary ack_ms;  // client-side, from send to complete answer
  std::string first_error; // the first failure's status and body, "" when none
  bool gave_up = false;    // stopped by max_seconds or by a run of failures
};

// Creates every job of `batch` (register the group first) through `clients` connections, at
// most `rate_per_s` creates per second (0 = as fast as acked). Gives up after `max_seconds`, or
// when failures outnumber successes after the first thousand answers.
load_report load_jobs(load_client& client, const job_batch& batch, std::size_t clients,
                      double rate_per_s, double max_seconds, bool progress);

// -- what the server says about itself --

struct server_probe {
  double steady_s = 0;     // when it was taken (steady clock, seconds)
  int64_t wall_ms = 0;     // the same moment, unix ms (run records use the server's wall clock)
  std::optional<prometheus_text> metrics;  // nullopt: GET /metrics is not there
  std::optional<double> jobs;            // from /metrics, else /health
  std::optional<double> pending_timers;  // from /metrics, else /health
  std::optional<uint64_t> rss_bytes;
  std::optional<double> server_cpu_s;
  double bench_cpu_s = 0;
};
server_probe probe(load_client& client, pid_t pid);

// The server's figures the bench reads from /metrics.
inline constexpr const char* k_lateness_histogram = "mainspring_schedule_lateness_seconds";
inline constexpr const char* k_runs_counter = "mainspring_job_runs_total";

// The cumulative buckets of histogram `base` in a scrape, for bucket_delta / histogram_quantile.
std::vector<histogram_bucket> histogram_buckets(const prometheus_text& scrape, std::string_view base);

// -- run records --

struct record_sample {
  std::vector<double> lateness_ms;  // scheduled runs planned inside the window
  std::size_t jobs_read = 0;
  std::size_t failed_reads = 0;
};

// Reads the newest `limit` run records of `jobs` jobs of `batch` (spread evenly over the batch)
// and keeps the scheduled runs planned in [from_ms, to_ms).
record_sample sample_run_records(load_client& client, const job_batch& batch, std::size_t jobs,
                                 int64_t from_ms, int64_t to_ms, std::size_t limit);

// -- small helpers --

// Seconds of a Go duration of the simple forms the bench uses: "500ms", "1s", "60s", "1m",
// "1h", "1m30s"; nullopt otherwise.
std::optional<double> duration_seconds(std::string_view text);
double steady_seconds();
int64_t wall_ms();
// "[bench] ..." on stderr unless quiet.
void progress_line(bool quiet, const std::string& text);

}  // namespace mainspring::bench
