// The messages Mainspring's actors exchange: atoms, and the CAF type declarations for payloads.
//
// Requests from the HTTP side carry their reply callback (reply_fn / done_fn from
// scheduler_api.h) along the chain registry -> group -> job; whichever actor can answer calls it.
// Nothing here crosses a process boundary, so callbacks are allowed as "unsafe" message types.
//
// Example:
//   caf::anon_send(registry, add_job_atom::value, audit_entry{...}, std::move(spec),
//                  reply_fn<std::string>{...});
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/scheduler_api.h"
#include "core/job.h"
#include "core/run_record.h"
#include "core/run_tally.h"
#include "executors/run.h"
#include "storage/dump_archive.h"
#include "storage/mutation_batch.h"
#include "storage/records.h"

namespace mainspring {

// -- clock --
using arm_atom = caf::atom_constant<caf::atom("arm")>;
using disarm_atom = caf::atom_constant<caf::atom("disarm")>;
using fire_atom = caf::atom_constant<caf::atom("fire")>;
using stop_atom = caf::atom_constant<caf::atom("stop")>;

// -- groups --
using reg_group_atom = caf::atom_constant<caf::atom("reggroup")>;
using rm_group_atom = caf::atom_constant<caf::atom("rmgroup")>;
using groups_atom = caf::atom_constant<caf::atom("groups")>;
using group_info_atom = caf::atom_constant<caf::atom("groupinfo")>;
// What a group holds (jobs, funcs, writes in flight): an import replaces only a group holding none.
using holdings_atom = caf::atom_constant<caf::atom("holdings")>;

// -- jobs --
using add_job_atom = caf::atom_constant<caf::atom("addjob")>;        // answers the id
using create_job_atom = caf::atom_constant<caf::atom("createjob")>;  // answers the job_view
using edit_job_atom = caf::atom_constant<caf::atom("editjob")>;
using pause_atom = caf::atom_constant<caf::atom("pause")>;
using activate_atom = caf::atom_constant<caf::atom("activate")>;
using delete_atom = caf::atom_constant<caf::atom("delete")>;
using clear_atom = caf::atom_constant<caf::atom("clear")>;
using delete_name_atom = caf::atom_constant<caf::atom("delname")>;
using list_atom = caf::atom_constant<caf::atom("list")>;
using in_flight_atom = caf::atom_constant<caf::atom("inflight")>;  // a group's runs in flight
using retries_due_atom = caf::atom_constant<caf::atom("retriesdue")>;  // its retries waiting
using page_atom = caf::atom_constant<caf::atom("page")>;  // one page of a group's jobs
using view_atom = caf::atom_constant<caf::atom("view")>;
using run_now_atom = caf::atom_constant<caf::atom("runnow")>;
using abort_atom = caf::atom_constant<caf::atom("abortruns")>;  // end a job's runs in flight
using update_run_atom = caf::atom_constant<caf::atom("updaterun")>;  // change one run in flight
using flush_queue_atom = caf::atom_constant<caf::atom("flushqueue")>;  // drop a job's waiting runs
// run_pools -> job: a slot of its run pool may be free (or the pool changed): start what waits
using pool_slot_atom = caf::atom_constant<caf::atom("poolslot")>;
using clear_runs_atom = caf::atom_constant<caf::atom("clearruns")>;  // forget a job's finished runs
using rewind_atom = caf::atom_constant<caf::atom("rewind")>;  // replay a job's fires since a past time
using executions_atom = caf::atom_constant<caf::atom("execs")>;
using forget_runs_atom = caf::atom_constant<caf::atom("forgetruns")>;  // runs erased from the history
using run_done_atom = caf::atom_constant<caf::atom("rundone")>;
using renamed_atom = caf::atom_constant<caf::atom("renamed")>;
using import_atom = caf::atom_constant<caf::atom("import")>;
using catch_up_atom = caf::atom_constant<caf::atom("catchup")>;  // misfire runs of a restored job
using restore_atom = caf::atom_constant<caf::atom("restore")>;   // stored jobs, streamed at start-up
using restore_waiting_atom = caf::atom_constant<caf::atom("restwait")>;  // a job's stored queue, at start-up
using restore_in_flight_atom = caf::atom_constant<caf::atom("restflight")>;  // a job's runs cut short, at start-up
using restore_history_atom = caf::atom_constant<caf::atom("resthist")>;  // a job's stored tally, after start-up
using histories_read_atom = caf::atom_constant<caf::atom("histread")>;   // every stored tally was given
using restored_atom = caf::atom_constant<caf::atom("restored")>;  // start-up: the stored jobs were all streamed
// -- chains and lifetime (job_spec::parent_job, ephemeral) --
using dependents_atom = caf::atom_constant<caf::atom("dependents")>;  // group -> job: someone depends on you
using succeeded_atom = caf::atom_constant<caf::atom("succeeded")>;    // job -> group: a run succeeded
using run_after_atom = caf::atom_constant<caf::atom("runafter")>;     // group -> job: run, after (run_cause)
using follow_atom = caf::atom_constant<caf::atom("follow")>;          // job -> group: run this job next
// job -> registry -> group: a deleted job's run ended; its record, unless the id names another job
using deleted_run_atom = caf::atom_constant<caf::atom("deletedrun")>;
// runtime -> registry -> groups -> jobs: the scheduler resumed; fires since then are missed ones.
using replay_atom = caf::atom_constant<caf::atom("replay")>;

// -- funcs --
using add_func_atom = caf::atom_constant<caf::atom("addfunc")>;
using delete_func_atom = caf::atom_constant<caf::atom("delfunc")>;
using funcs_atom = caf::atom_constant<caf::atom("funcs")>;
using call_func_atom = caf::atom_constant<caf::atom("callfunc")>;

// -- worker nodes (the wire messages are in node_protocol.h) --
using node_dispatch_atom = caf::atom_constant<caf::atom("nodedisp")>;  // a run for a node: registry -> nodes
using node_list_atom = caf::atom_constant<caf::atom("nodelist")>;
using node_restore_atom = caf::atom_constant<caf::atom("noderest")>;  // stored nodes, at start-up
using join_result_atom = caf::atom_constant<caf::atom("joinres")>;    // node -> gateway
using tick_atom = caf::atom_constant<caf::atom("tick")>;
// A run of an earlier process that a node still runs (node_running in node_protocol.h):
// node -> registry -> group -> job: (adopt_run_atom, [group,] run_record, node) asks the job to
// take it in flight; the job, or the registry or group finding no job, answers the node
// (adopted_atom, run_id, job): the job's actor when it took the run, null otherwise.
using adopt_run_atom = caf::atom_constant<caf::atom("adoptrun")>;
using adopted_atom = caf::atom_constant<caf::atom("adopted")>;
// -- placing REMOTE@* jobs on nodes (core/job_allocation.h) --
// job -> registry -> node registry: (alloc_sync_atom, [group,] job_id, job, wanted, servers,
// entry_version): entry_version is the job's revision + 1 (core/job.h)
using alloc_sync_atom = caf::atom_constant<caf::atom("allocsync")>;
using alloc_node_atom = caf::atom_constant<caf::atom("allocnode")>;    // node registry -> job: run on this node
using alloc_leave_atom = caf::atom_constant<caf::atom("allocleave")>;  // group -> ...: these jobs are deleted
using node_status_atom = caf::atom_constant<caf::atom("nodestat")>;   // node -> node registry: up or down, ip, hostname
using alloc_view_atom = caf::atom_constant<caf::atom("allocview")>;   // the allocation table, for the APIs

// -- durable changes (persist_then in job_context.h) --
// store -> the actor that asked for a write: (written_atom, actor_task) runs the task, which
// applies the change (or not) and answers the client, on the actor's own thread.
using written_atom = caf::atom_constant<caf::atom("written")>;
using actor_task = std::function<void()>;

// Which of a job's two timers fired: its schedule, or a pending retry.
enum class timer_kind : uint8_t { schedule = 0, retry = 1 };

}  // namespace mainspring

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mainspring::job_spec)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mainspring::stored_history)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mainspring::run_override)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mainspring::manual_run)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::shared_ptr<const mainspring::run_cause>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mainspring::actor_task)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mainspring::job_visitor)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mainspring::mutation_batch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<mainspring::job_spec>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<mainspring::waiting_record>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mainspring::audit_entry)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mainspring::group_spec)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mainspring::func_spec)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mainspring::func_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<mainspring::func_spec>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mainspring::reply_fn<std::vector<mainspring::func_spec>>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<mainspring::group_dump>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mainspring::reply_fn<mainspring::dump_file>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mainspring::reply_fn<std::vector<mainspring::audit_entry>>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<mainspring::run_record>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mainspring::job_patch)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mainspring::job_view)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mainspring::run_outcome)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mainspring::run_record)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mainspring::run_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mainspring::run_callback)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mainspring::node_spec)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<mainspring::node_spec>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mainspring::node_view)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mainspring::reply_fn<std::vector<mainspring::node_view>>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mainspring::reply_fn<mainspring::allocation_view>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mainspring::job_page_query)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mainspring::reply_fn<mainspring::job_page>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mainspring::timer_kind)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mainspring::done_fn)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mainspring::reply_fn<std::string>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mainspring::reply_fn<std::size_t>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mainspring::reply_fn<mainspring::job_view>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mainspring::reply_fn<mainspring::group_spec>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mainspring::reply_fn<std::vector<std::string>>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mainspring::reply_fn<std::vector<mainspring::job_view>>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mainspring::reply_fn<std::vector<mainspring::run_record>>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(mainspring::reply_fn<std::vector<mainspring::waiting_retry>>)
