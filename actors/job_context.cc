#include "actors/job_context.h"

#include <spdlog/spdlog.h>

#include "actors/messages.h"
#include "executors/executor_pool.h"
#include "storage/state_store.h"

namespace mainspring {

status_or<std::shared_ptr<const zoned_schedule>> job_context::timing_of(const job_spec& job) const {
  return schedules.get(job.schedule, job.timezone.empty() ? default_zone.name() : job.timezone);
}

status job_context::pool_accepts(const job_spec& job) const {
  return pool->accepts(job.target, job.name);
}

status job_context::admissible(const job_spec& job) const {
  if (auto st = validate_job(job); !st.ok()) return st;
  return pool_accepts(job);
}

void persist(const job_context* ctx, mutation_batch batch, std::function<void(status)> then) {
  if (!ctx->store) {
    if (then) then(status{});
    return;
  }
  ctx->store->commit(std::move(batch), [then = std::move(then)](status st) {
    if (!st.ok()) spdlog::error("state store: {}", st.message());
    if (then) then(std::move(st));
  });
}

void persist_then(const job_context* ctx, const caf::actor& owner, mutation_batch batch,
                  std::function<void(status)> then) {
  auto deliver = [owner, then = std::move(then)](status st) mutable {
    caf::anon_send(owner, written_atom::value,
                   actor_task([then = std::move(then), st = std::move(st)]() mutable { then(std::move(st)); }));
  };
  if (!ctx->store) return deliver(status{});
  persist(ctx, std::move(batch), std::move(deliver));
}

const char* skip_reason_name(skip_reason r) {
  switch (r) {
    case skip_reason::overlap: return "overlap";
    case skip_reason::misfire: return "misfire";
    case skip_reason::no_node: return "no_node";
    case skip_reason::scheduler_paused: return "scheduler_paused";
    case skip_reason::queue_full: return "queue_full";
    case skip_reason::pool_full: return "pool_full";
    case skip_reason::pool_disabled: return "pool_disabled";
  }
  return "overlap";
}

void persist_lazily(const job_context* ctx, mutation_batch batch) {
  if (!ctx->store) return;
  batch.set_durable(false);
  ctx->store->commit(std::move(batch), nullptr);
}

void drop_in_flight_markers(const job_context* ctx, const std::vector<run_record>& runs) {
  mutation_batch batch;
  for (const auto& run : runs) batch.delete_in_flight(run.group, run.job_id, run.run_id);
  if (!batch.empty()) persist_lazily(ctx, std::move(batch));
}

}  // namespace mainspring
