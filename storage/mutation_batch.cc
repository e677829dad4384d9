#include "storage/mutation_batch.h"

#include "storage/codec.h"
#include "storage/run_value.h"
#include "storage/store_keys.h"

namespace mainspring {

mutation_batch& mutation_batch::put_group(const group_spec& group) {
  ops_.push_back({op_kind::put, group_key(group.name), encode(group)});
  return *this;
}

mutation_batch& mutation_batch::delete_group(std::string_view group) {
  ops_.push_back({op_kind::erase_group, std::string(group), {}});
  has_range_delete_ = true;
  return *this;
}

mutation_batch& mutation_batch::put_job(const job_spec& job) {
  ops_.push_back({op_kind::put, job_key(job.group, job.id), encode(job)});
  return *this;
}

mutation_batch& mutation_batch::delete_job(std::string_view group, std::string_view job_id) {
  // key: the job key; value: its runs prefix (the history lane drops runs queued under it).
  ops_.push_back({op_kind::erase_job, job_key(group, job_id), job_runs_prefix(group, job_id)});
  return *this;
}

mutation_batch& mutation_batch::delete_job_keeping_runs(const job_spec& job, int64_t deleted_ms) {
  // A plain erase: its runs prefix is not named, so the history lane keeps its runs queued.
  ops_.push_back({op_kind::erase, job_key(job.group, job.id), {}});
  ops_.push_back({op_kind::put, deleted_job_key(job.group, job.id), encode(deleted_job_record{deleted_ms, job})});
  return *this;
}

mutation_batch& mutation_batch::delete_runs(std::string_view group, std::string_view job_id) {
  ops_.push_back({op_kind::erase_runs, {}, job_runs_prefix(group, job_id)});
  has_range_delete_ = true;
  return *this;
}

mutation_batch& mutation_batch::put_run(const run_record& run, const run_tally* tally) {
  ops_.push_back({op_kind::put_run, job_runs_prefix(run.group, run.job_id), encode_run_value(run, tally)});
  return *this;
}

mutation_batch& mutation_batch::update_run(const run_record& run, const run_tally* tally) {
  ops_.push_back({op_kind::update_run, job_runs_prefix(run.group, run.job_id), encode_run_value(run, tally)});
  return *this;
}

mutation_batch& mutation_batch::erase_run_if(std::string slot_key, uint64_t run_id) {
  ops_.push_back({op_kind::erase_run_if, std::move(slot_key), hex16(run_id)});
  has_conditional_erase_ = true;
  return *this;
}

mutation_batch& mutation_batch::erase_orphan_run(std::string slot_key) {
  ops_.push_back({op_kind::erase_orphan_run, std::move(slot_key), {}});
  has_conditional_erase_ = true;
  return *this;
}

mutation_batch& mutation_batch::put_in_flight(const run_record& run) {
  ops_.push_back({op_kind::put, in_flight_key(run.group, run.job_id, run.run_id), encode_run_value(run)});
  return *this;
}

mutation_batch& mutation_batch::delete_in_flight(std::string_view group, std::string_view job_id, uint64_t run_id) {
  ops_.push_back({op_kind::erase, in_flight_key(group, job_id, run_id), {}});
  return *this;
}

mutation_batch& mutation_batch::put_waiting(const waiting_record& run) {
  ops_.push_back({op_kind::put, waiting_key(run.group, run.job_id, run.id), encode(run)});
  return *this;
}

mutation_batch& mutation_batch::delete_waiting(std::string_view group, std::string_view job_id, uint64_t id) {
  ops_.push_back({op_kind::erase, waiting_key(group, job_id, id), {}});
  return *this;
}

mutation_batch& mutation_batch::delete_all_waiting(std::string_view group, std::string_view job_id) {
  ops_.push_back({op_kind::erase_range, {}, job_waiting_prefix(group, job_id)});
  has_range_delete_ = true;
  return *this;
}

mutation_batch& mutation_batch::put_func(const func_spec& func) {
  ops_.push_back({op_kind::put, func_key(func.group, func.name), encode(func)});
  return *this;
}

mutation_batch& mutation_batch::delete_func(std::string_view group, std::string_view name) {
  ops_.push_back({op_kind::erase, func_key(group, name), {}});
  return *this;
}

mutation_batch& mutation_batch::put_node(const node_spec& node) {
  ops_.push_back({op_kind::put, node_key(node.group, node.id), encode(node)});
  return *this;
}

mutation_batch& mutation_batch::delete_node(std::string_view group, std::string_view node_id) {
  ops_.push_back({op_kind::erase, node_key(group, node_id), {}});
  return *this;
}

mutation_batch& mutation_batch::put_api_key(const api_key_record& key) {
  ops_.push_back({op_kind::put, api_key_key(key.key_id), encode(key)});
  return *this;
}

mutation_batch& mutation_batch::delete_api_key(std::string_view key_id) {
  ops_.push_back({op_kind::erase, api_key_key(key_id), {}});
  return *this;
}

mutation_batch& mutation_batch::put_audit(const audit_entry& entry) {
  ops_.push_back({op_kind::put_audit, audit_time_prefix(entry.time_ms), encode(entry)});
  return *this;
}

mutation_batch& mutation_batch::put_meta(std::string_view name, std::string_view value) {
  ops_.push_back({op_kind::put, meta_key(name), std::string(value)});
  return *this;
}

}  // namespace mainspring
