// overview.js: the landing page: jobs by state, runs and failures, lateness percentiles, runs in
// flight and queued, worker nodes, storage, and the chart of the last hour. Polls GET /v1/stats.

import { api } from "./api.js";
import { activityChart } from "./chart.js";
import { formatCount, formatRate, formatSeconds, h, replace } from "./dom.js";

const POLL_MS = 3000;

function card(label, value, detail, cls = "") {
  return h("div", { class: `card ${cls}` }, h("div", { class: "card-label" }, label),
           h("div", { class: "card-value" }, value), detail ? h("div", { class: "card-detail" }, detail) : null);
}

function draw(body, s) {
  const hour = s.last_hour, minute = s.last_minute;
  replace(body,
    h("section", { class: "cards", "aria-label": "Jobs" },
      card("Jobs", formatCount(s.jobs.total), `${formatCount(s.groups)} group(s)`),
      card("Active", formatCount(s.jobs.active)),
      card("Paused", formatCount(s.jobs.paused)),
      card("Done", formatCount(s.jobs.done))),
    h("section", { class: "cards", "aria-label": "Runs" },
      card("Runs (last minute)", formatRate(minute.runs_per_s), `${formatCount(minute.runs)} runs`),
      card("Runs (last hour)", formatCount(hour.runs), formatRate(hour.runs_per_s)),
      card("Failures (last hour)", formatCount(hour.failures), formatRate(hour.failures_per_s), hour.failures ? "warn" : ""),
      card("In flight / queued", `${formatCount(s.runs.in_flight)} / ${formatCount(s.runs.queued)}`,
           s.runs.fires_held ? `${formatCount(s.runs.fires_held)} fires held back` : "no backlog")),
    h("section", { class: "cards", "aria-label": "Lateness and infrastructure" },
      card("Lateness p50 / p90 / p99 (hour)",
           `${formatSeconds(hour.lateness_p50_s)} / ${formatSeconds(hour.lateness_p90_s)} / ${formatSeconds(hour.lateness_p99_s)}`,
           `last minute p99 ${formatSeconds(minute.lateness_p99_s)}`),
      card("Worker nodes up / down", `${s.nodes.up} / ${s.nodes.down}`, null, s.nodes.down ? "warn" : ""),
      card("Storage commits", formatRate(minute.storage_commits_per_s),
           `${formatCount(s.storage.queued_batches)} queued, ${formatCount(s.storage.failed_writes)} failed`,
           s.storage.failed_writes ? "warn" : "")),
    h("section", { class: "panel" }, h("h2", {}, "Last hour"), activityChart(s.slots),
      h("p", { class: "legend" }, h("span", { class: "key key-bar" }), "runs per 10 s ",
        h("span", { class: "key key-fail" }), "failures ", h("span", { class: "key key-late" }), "p99 lateness")));
}

export function overviewView(main) {
  const status = h("p", { class: "muted", id: "overview-updated" }, "");
  const body = h("div", { id: "overview" }, h("p", { class: "muted" }, "Loading…"));
  replace(main, h("h1", {}, "Overview"), status, body);
  let stopped = false, timer = null;
  async function poll() {
    if (document.hidden) { timer = setTimeout(poll, POLL_MS); return; }  // a background tab costs nothing
    try {
      const s = await api.get("/v1/stats");
      if (stopped) return;
      draw(body, s);
      status.textContent = `Updated ${new Date(s.time_ms).toLocaleTimeString()}; refreshes every ${POLL_MS / 1000} s`;
    } catch (e) {
      if (!stopped) status.textContent = `Cannot read the stats: ${e.message}`;
    }
    if (!stopped) timer = setTimeout(poll, POLL_MS);
  }
  poll();
  return () => { stopped = true; clearTimeout(timer); };
}
