// durability_helpers: what the durability tests need beyond server_process: running the
// `mainspring` binary as a command (a `serve` expected to refuse, `repair`), waiting for /ready
// after a restart, and a model of the changes a client saw acknowledged before a crash.
//
// The model is what lets a kill -9 test say "every acknowledged change is there and nothing is
// half-applied" without knowing when the kill landed: each job remembers the state its
// acknowledged requests left and, for the one request that got no answer, the state it would
// have made. After the restart the server must show one of the two, exactly.
//
// Example:
//   command_result r = run_mainspring({"repair", "--data-dir", dir}, 20s);
//   CHECK(r.exit_code == 0);
//
//   job_history h;
//   h.begin(job_seen{0, false});  // an add is on its way
//   h.acknowledge();              // ... and answered 200
//   std::string why = h.explain_mismatch(seen_in_list);  // "" when the server agrees
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/e2e/http_client.h"

namespace mainspring::e2e {

// -- running the binary --

struct command_result {
  int exit_code = -1;     // 128 + signal when killed by one (also after a timeout)
  bool timed_out = false; // it ran past the timeout and was killed
  std::string output;     // stdout and stderr interleaved
};

// Runs `$MAINSPRING_BINARY args...` to completion (killing it after `timeout`).
// Throws std::runtime_error when MAINSPRING_BINARY is unset or the process cannot be started.
command_result run_mainspring(const std::vector<std::string>& args,
                              std::chrono::milliseconds timeout);

// True once GET /ready answers 200 (restored jobs are spawned), false after `timeout`.
bool wait_ready(http_client& client, std::chrono::milliseconds timeout);

// -- a model of acknowledged changes --

// A job as the native API's job list shows it. Each edit writes name "n<version>" and memo
// "m<version>" in one request, so a job whose two fields disagree was half-applied.
struct job_seen {
  int version = 0;
  bool paused = false;
  bool operator==(const job_seen&) const = default;
};

// The job as listed, or a message saying why the item is not a job this model wrote.
struct parsed_job {
  std::optional<job_seen> job;
  std::string problem;  // e.g. "half-applied edit: name n3, memo m2"
};
parsed_job parse_listed_job(const nlohmann::json& item);

// One job's history as its (single) client saw it. nullopt state = absent (not added, or
// deleted). Not thread-safe: each client owns its jobs.
class job_history {
 public:
  // The state the acknowledged requests left.
  const std::optional<job_seen>& acked() const { return acked_; }

  // A request that would change the state to `next` is on its way.
  void begin(std::optional<job_seen> next) {
    pending_ = true;
    if_applied_ = std::move(next);
  }
  // It was answered 200: it must have been applied.
  void acknowledge() {
    acked_ = if_applied_;
    pending_ = false;
  }
  // It was answered with an error: the server says it did not apply it.
  void refuse() { pending_ = false; }
  // No answer (left pending): either state is allowed.

  // "" if `observed` (nullopt = not listed) is the acknowledged state, or the pending request's
  // state; else what is wrong.
  std::string explain_mismatch(const std::optional<job_seen>& observed) const;

 private:
  std::optional<job_seen> acked_;
  bool pending_ = false;
  std::optional<job_seen> if_applied_;
};

}  // namespace mainspring::e2e
