// job_json: Mainspring runs as Cronicle jobs.
//
// A Cronicle job is one run of an event. Its id is "j<event id>_<run id>" (only word characters,
// as Cronicle's job ids; the event and the run are found from it without a lookup table). Its
// fields are Cronicle's: the event's fields, then id, event, event_title, plugin_title,
// category_title, hostname, source, time_start, time_end, elapsed (seconds, fractions kept),
// progress, complete, code, description, log_file_size, pid, cpu, mem, perf.
//
// code and description follow Cronicle's Plugins: 0 on success ("" for shell scripts, "Success
// (HTTP 200 OK)" for urlplug); a shell script's exit code and "Script exited with code: N",
// followed by ": <the first line of its stderr>" when it has a short one; an
// HTTP status of 400 and more as the code, with the HTTP executor's reason; a timeout or an abort
// code 1 with "Job Aborted: ..." ("Exceeded maximum run time (1 hour)", as Cronicle words it).
//
// Example:
//   std::string id = job_id_of("e0kq1z3ab01", 2128387064142495744);
//   auto parts = parse_job_id(id);          // {"e0kq1z3ab01", 2128387064142495744}
//   json job = job_json(run, event, timeout_ms, "host-1", now_ms);
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "actors/scheduler_api.h"
#include "core/run_record.h"
#include "http/cronicle/event_json.h"

namespace mainspring::http::cronicle {

std::string job_id_of(std::string_view event_id, uint64_t run_id);
// {event id, run id}; nullopt for anything job_id_of cannot have made.
std::optional<std::pair<std::string, uint64_t>> parse_job_id(std::string_view job_id);


// A job's `now` (unix seconds): the time it was planned for, as Cronicle's job.now is the
// scheduler's minute or the launch time, fixed for the job's life (and JOB_NOW in its script).
// Falls back to its start for a run recorded without a plan time.
int64_t job_now_s(const run_record& run);

// A number, or for a script a signal ended the signal's name ("SIGKILL": Cronicle's shell plugin
// takes Node's `code || signal`).
nlohmann::json job_code(const run_record& run, std::string_view plugin);
std::string job_description(const run_record& run, std::string_view plugin, int64_t timeout_ms);

// The event as its job runs: event_json of `run` (scheduler_api::run_view: the job with the run's
// own fields from run_event / update_job) where that differs from `event` (job_detail's view):
// timeout, retries, retry_delay, chain, chain_error, web_hook (its URL), the resource limits and
// a shellplug's script. A plugin or params other than a script of its own are not in the run's
// spec in Cronicle's terms (only as the executor's target) and show as the event's.
nlohmann::json event_as_run(const job_view& event, const job_view& run, const event_context& ctx);

// The job as get_job_status and get_active_jobs show it. `event` is the event as event_json shows
// it (or null when the event is gone); `timeout_ms` the job's limit; `now_ms` the time of the call
// (a job in flight's elapsed time); `live` what a job in flight shows of itself (its `pid` and
// `progress`, its `cpu` and `mem` samples and what its script's reports set so far,
// scheduler_api::live_run; 0 and {} without). A finished
// job carries what its script reported (run_record::reported: perf, table, html, label, chain*,
// notify_*, a success's description, a code that is not an integer), as Cronicle sets each key of
// a job's reports on the job.
nlohmann::json job_json(const run_record& run, const nlohmann::json& event, int64_t timeout_ms,
                        const std::string& hostname, int64_t now_ms, const std::optional<run_live>& live = std::nullopt);

// Cronicle relaunches a failed job under its own id for each retry (job.js finishJob), so a
// client polling that id sees the job in progress until its last try ends. Here each try is a
// run of its own (attempt 1, 2, ... with the first try's plan time and node). The tries of one
// Cronicle job are a chain: the runs of one event with the same plan time and node whose
// attempts follow each other, each after the first started as a retry.
//
// For `runs` (any order, any events): each run's id -> the run id of its chain's first try (its
// own for a first try).
std::map<uint64_t, uint64_t> first_tries(const std::vector<run_record>& runs);

// `runs` as Cronicle has its jobs: each chain as its last try, carrying the first try's run id
// (the Cronicle job id a client knows). Runs keep their relative order.
void fold_retries(std::vector<run_record>& runs);

// True when `run` was started as a retry of an earlier try (attempt 1, 2, ...).
bool is_retry(const run_record& run);

// True when `retry` (waiting for its delay) is the next try after `run`, the try that failed.
bool retry_follows(const retry_due& retry, const run_record& run);

// True when `run` is a failed try whose retry waits for its retry_delay (one of `due`, its
// event's): Cronicle holds the job in its queue then, neither active nor stored.
bool awaits_retry(const run_record& run, const std::vector<retry_due>& due);

// Finished runs in the order of Cronicle's history lists: the job that ended last first (Cronicle
// unshifts a job's stub onto logs/completed when it finishes), the newer run first on a tie.
void order_by_completion(std::vector<run_record>& runs);

// A row of get_history / get_event_history: the stub Cronicle keeps of a finished job (with the
// perf and label its script reported).
nlohmann::json history_row(const run_record& run, const nlohmann::json& event, int64_t timeout_ms,
                           const std::string& hostname);

}  // namespace mainspring::http::cronicle
