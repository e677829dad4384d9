// master_state: get_master_state's `state`, Cronicle's scheduler state, from what the core knows
// of each event.
//
// Cronicle keeps one "cursor" per event (lib/scheduler.js): the start of the last minute its
// scheduler has looked at for the event (unix seconds), moved up to the current minute at every
// minute tick, left where it was while the scheduler is disabled, and one minute before a fire it
// has not launched yet. Mainspring's scheduler plans each event's next fire instead; the cursor
// is read from that:
//   - the scheduler paused as a whole (update_master_state): the minute the pause began (the
//     fires from then on are those it replays on resume), or the event's creation minute when
//     it was created since;
//   - an active event whose next fire is due and not yet handled: the minute before that fire;
//   - any other event (its fires up to now handled; a paused event, which goes on from the
//     minute it is enabled again; an event run on demand only): the current minute.
// Next to it, Cronicle's `jobCodes` (each event's last finished job's code, as its Schedule page
// colours events) and its empty `flagged_jobs`.
//
// Example:
//   json state = master_state(views, {.enabled = true, .now_ms = to_unix_ms(now_ms())});
//   // {"enabled":1,"cursors":{"e1":1700000040},"jobCodes":{"e1":0},"flagged_jobs":{}}
#pragma once

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/scheduler_api.h"

namespace mainspring::http::cronicle {

struct scheduler_state {
  bool enabled = true;
  int64_t paused_since_ms = 0;  // scheduler_api::scheduler_paused_since_ms (0 while it runs)
  int64_t now_ms = 0;           // unix ms
};

// The cursor of event `v` (unix seconds, a minute's start) in `scheduler`.
int64_t event_cursor_s(const job_view& v, const scheduler_state& scheduler);

// Cronicle's state object for the events `events`.
nlohmann::json master_state(const std::vector<job_view>& events, const scheduler_state& scheduler);

}  // namespace mainspring::http::cronicle
