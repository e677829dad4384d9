// Records that only the storage layer defines: the audit log entry and the API key.
//
// group_spec and job_spec live in core/job.h, func_spec in core/func.h, node_spec in
// core/node.h and run_record in core/run_record.h because the scheduler reasons about them;
// the audit log and the API keys are kept and looked up, nothing more, so they live beside the
// store that keeps them.
//
// Example:
//   audit_entry a;
//   a.time_ms = to_unix_ms(now_ms()); a.api = "native"; a.key_id = "k1";
//   a.action = "job.add"; a.group = "YM55"; a.job_id = "12"; a.detail = R"({"name":"x"})";
//   store->commit(mutation_batch{}.put_job(job).put_audit(a), done);
//
//   api_key_record k;
//   k.key_id = "ci-deploy";
//   k.secret_hash = hex_sha256;   // of the secret shown to the user once; the secret is not kept
//   k.api = "native"; k.group = "YM55"; k.created_ms = to_unix_ms(now_ms());
//   store->commit(mutation_batch{}.put_api_key(k), done);
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/audit_entry.h"  // audit_entry, kept here (a/...)
#include "core/func.h"  // func_spec
#include "core/job.h"   // run_override
#include "core/run_record.h"  // run_trigger

namespace mainspring {

// A key id: [a-zA-Z0-9_-]{1,64}.
inline constexpr std::size_t k_max_api_key_id_bytes = 64;

// An API key a client authenticates with, stored under k/<key_id>.
struct api_key_record {
  std::string key_id;  // [a-zA-Z0-9_-]{1,k_max_api_key_id_bytes}; what the client presents
  // Lower-case hex SHA-256 of the secret (64 characters). The secret itself is NEVER stored:
  // it is shown once when the key is created; a leaked data dir or dump must not let anyone
  // authenticate.
  std::string secret_hash;
  std::string api;    // the dialect it is for ("native", "dkron", ...); "" = every dialect
  std::string group;  // the one group it may touch; "" = every group
  std::string memo;
  int64_t created_ms = 0;  // unix ms
  bool disabled = false;   // kept (and audited by key_id) but refused
  // -- format 2: Cronicle's key fields --
  std::string title;
  std::vector<std::string> privileges;  // names (core/api_key.h): "create_events", ..., "admin"
  int64_t last_used_ms = 0;             // unix ms; 0 = never. Written lazily (see api_key_registry)
};

// A run waiting in its job's queue (core/job_controls.h: queue), stored under
// q/<group>/<job>/<id> from the moment it waits until it starts or is dropped, so that a restart
// starts the runs that were waiting, in their order (Cronicle keeps its queue the same way).
struct waiting_record {
  std::string group;
  std::string job_id;
  uint64_t id = 0;  // unique, time-ordered (an id of the run id generator): the queue's order
  run_trigger trigger = run_trigger::schedule;
  int64_t plan_ms = 0;
  int attempt = 0;
  std::optional<run_override> change;  // a manual run's own fields
  std::shared_ptr<const run_cause> cause;  // what asked for it (run_record::cause), if known
  // -- format 7 --
  // The worker node it waits for room on: a REMOTE@a,b job's limit is per node. "" = a run here,
  // or a REMOTE@* job's (its node is the one allocated when it starts).
  std::string node;
};

// A deleted job whose runs are still kept, stored under x/<group>/<job> from its delete until
// store_options::deleted_job_history has passed (then the sweep erases its runs and this): so
// that a group's run history still shows what ran, as Cronicle's completed jobs and
// ndscheduler's executions do after their event or job is gone.
struct deleted_job_record {
  int64_t deleted_ms = 0;  // unix ms
  job_spec job;            // as it was when deleted
};

}  // namespace mainspring
