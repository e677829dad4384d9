// What every executor takes and gives back: a run request and its outcome.
//
// A job actor builds a run_request when its timer fires and hands it to a runner
// (shell_runner, http_runner, ...). The runner does the work on its own threads and calls the
// completion callback exactly once, from one of its threads, with a run_outcome.
//
// Example:
//   run_request req;
//   req.run_id = 42; req.job_id = "1234ABC"; req.group = "YM55"; req.job_name = "Hello";
//   req.target = "echo hi"; req.timeout = std::chrono::seconds(5);
//   runner.start(std::move(req), [](run_outcome out) { /* record it */ });
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/run_record.h"
#include "core/time_types.h"

namespace mainspring {

// k_max_output_tail_bytes, the largest output tail kept per run, is core/run_record.h's: what a
// runner keeps is what a run record holds.
// A stopped shell run (timeout, abort, limit) gets SIGTERM, then SIGKILL after this grace unless
// configured otherwise: Cronicle's child_kill_timeout default.
inline constexpr std::chrono::milliseconds k_default_kill_grace{10'000};

enum class run_result {
  succeeded,
  failed,     // non-zero exit, non-2xx status, transport error, executor error
  timed_out,  // killed or aborted at the job's timeout
};

const char* run_result_name(run_result r);

struct run_request {
  uint64_t run_id = 0;
  std::string job_id;
  std::string group;
  std::string job_name;
  // The executor-specific target: the URL for http_runner, the shell command for shell_runner.
  std::string target;
  std::chrono::milliseconds timeout{60'000};
  sys_ms plan_time{};
  // Extra query parameters (http_runner) or environment variables (shell_runner), name -> value.
  std::vector<std::pair<std::string, std::string>> extras;
  // http_runner: the rest of the request, and what counts as success (core/executor_target.h).
  std::string method = "GET";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::vector<int> expect_codes;  // empty = any 2xx, {-1} (k_any_http_status) = any status
  std::string expect_body;  // "" = any body; else the body must contain it
  bool follow_redirects = false;  // at most k_max_http_redirects
  std::string success_match;      // ECMAScript regex the body must match ("" = none)
  std::string error_match;        // ECMAScript regex whose match fails the run ("" = none)
  // shell_runner: the interpreter run as `<shell> -c <target>` ("" = /bin/sh), and the working
  // directory ("" = the server's).
  std::string shell;
  std::string cwd;
  // shell_runner: what the command reads on stdin ("" = nothing: /dev/null).
  std::string input;
  // shell_runner: stderr on a pipe of its own (core/executor_target.h shell_target::stderr_apart):
  // a failed run's error then ends with stderr's first line (core/shell_exit.h), and unless a
  // report ended the run or sent html, a run with stderr reports it as Cronicle's "Error Output"
  // html.
  bool stderr_apart = false;
  // shell_runner: a stdout line that is only "NN%" is the run's progress (live(), run_live), not
  // output (shell_target::progress_lines).
  bool progress_lines = false;
  // shell_runner, with progress_lines: each stdout line starts with the local time it was read
  // (shell_target::annotate_lines).
  bool annotate_lines = false;
  // shell_runner, with progress_lines: a stdout line that is a JSON object is a report on the run
  // (shell_target::json_lines): a "complete" one's code and description decide its outcome, and
  // the keys Cronicle keeps are the outcome's `reported`.
  bool json_lines = false;
  // shell_runner: the job's resource limits (core/job_controls.h; 0 = none): the run is aborted
  // when its processes use more CPU (% of one core) or resident memory than allowed for longer
  // than the sustain time, or print more than log_max_bytes.
  int cpu_limit_percent = 0;
  int cpu_sustain_s = 0;
  int64_t memory_limit_bytes = 0;
  int memory_sustain_s = 0;
  int64_t log_max_bytes = 0;
  // remote_runner: the worker node of the job's group that runs req.target with /bin/bash -c,
  // and what the node echoes back so that its result can be recorded by a restarted server.
  std::string node;
  uint8_t trigger = 0;  // run_trigger
  int attempt = 0;
};

struct run_outcome {
  uint64_t run_id = 0;
  run_result result = run_result::failed;
  sys_ms start_time{};
  sys_ms end_time{};
  // Exit code of a command (-1 when killed by a signal), or the HTTP status (0 if none arrived).
  int code = 0;
  // The last k_max_output_tail_bytes of the output.
  std::string output_tail;
  // A human-readable reason when result != succeeded ("exit code 3", "HTTP 503", "timed out").
  std::string error;
  // shell_runner: what the command reported of itself (with json_lines or stderr_apart) and its
  // last usage samples (a run sampled at least once), a JSON object's text
  // (run_record::reported); "" for none.
  std::string reported;
};

using run_callback = std::function<void(run_outcome)>;

// The outcome of a run that never got going (refused, or lost with its node): failed now, with
// `error` as the reason and `code` (-1: no exit code or status).
run_outcome failed_outcome(uint64_t run_id, std::string error, int code = -1);

}  // namespace mainspring
