#include "actors/runtime_impl.h"

#include "storage/mutation_batch.h"

namespace mainspring {

void scheduler_runtime::impl::write_heartbeat(bool durable) {
  mutation_batch batch;
  batch.put_meta(k_last_alive_meta, std::to_string(to_unix_ms(now_ms())));
  if (durable) store->commit_sync(std::move(batch));
  else persist_lazily(&ctx, std::move(batch));
}

void scheduler_runtime::impl::sample_activity() {
  int64_t now = to_unix_ms(now_ms());
  if (now - last_activity_sample_ms < k_activity_slot_ms) return;
  last_activity_sample_ms = now;
  activity.record(now, metrics.totals());
}

void scheduler_runtime::impl::heartbeat_loop() {
  std::unique_lock<std::mutex> lock(heartbeat_mutex);
  while (!stopped) {
    write_heartbeat(false);
    sample_activity();
    heartbeat_wake.wait_for(lock, k_heartbeat_interval);
  }
}

}  // namespace mainspring
