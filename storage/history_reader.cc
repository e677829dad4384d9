#include "storage/history_reader.h"

#include <algorithm>
#include <utility>

#include "storage/run_value.h"

namespace mainspring {

void history_reader::add(std::string_view value) {
  // Format 3 values hold no run id (it was in their key): only a schema 1 store has them.
  if (!is_slot_run_value(value)) return;
  if (!decode_run_value_without_texts(value, &scratch_, &scratch_tally_).ok()) return;
  const uint64_t id = scratch_.run_id;
  const int64_t end = scratch_.end_ms;
  if (!any_ || end > newest_end_ms_ || (end == newest_end_ms_ && id > newest_id_)) {
    any_ = true;
    newest_end_ms_ = end;
    newest_id_ = id;
    newest_value_.assign(value);
  }
  if (scratch_tally_) {
    const uint64_t runs = scratch_tally_->runs();
    if (!tally_ || runs > tally_->runs() || (runs == tally_->runs() && id > tally_run_id_)) {
      tally_ = scratch_tally_;
      tally_run_id_ = id;
    }
  } else {
    untallied_.push_back({id, scratch_.state, scratch_.trigger, end});
  }
}

std::optional<stored_history> history_reader::finish() {
  std::optional<stored_history> out;
  if (any_) {
    stored_history h;
    const uint64_t covered = tally_ ? tally_->newest_started_id : 0;
    if (tally_) h.tally = *tally_;
    auto& runs = untallied_;
    std::sort(runs.begin(), runs.end(),
              [](const untallied_run& a, const untallied_run& b) { return a.run_id < b.run_id; });
    runs.erase(std::unique(runs.begin(), runs.end(),
                           [](const untallied_run& a, const untallied_run& b) { return a.run_id == b.run_id; }),
               runs.end());
    for (const auto& r : runs)
      if (!tally_ || r.run_id > covered) h.untallied.push_back(r);
    run_record newest;
    if (decode_run_value(newest_value_, &newest).ok()) h.newest = std::move(newest);
    out = std::move(h);
  }
  untallied_.clear();
  tally_.reset();
  tally_run_id_ = 0;
  newest_end_ms_ = 0;
  newest_id_ = 0;
  any_ = false;
  return out;
}

}  // namespace mainspring
