// job_detail.js: one job: its spec (with its run pool, linked to the group's pools), next fire
// times (GET /v1/schedule/preview), recent runs with state, lateness, duration and output tail,
// and the actions: run now, pause, resume, edit, delete (confirmed). Polls while shown so new runs
// appear.

import { ApiError, api, seg } from "./api.js";
import { badge, formatDuration, formatTime, h, link, notify, replace } from "./dom.js";

const POLL_MS = 2500;
const RUNS_SHOWN = 20;
const NEXT_FIRES = 5;

function specList(group, job) {
  const rows = [
    ["Id", job.id], ["Name", job.name], ["Executor", job.executor], ["Target", job.request_url || "(shell)"],
    ["Command", job.exec_command], ["Schedule", job.interval_pattern], ["Time zone", job.timezone || "server default"],
    ["Timeout", `${job.timeout} s`], ["Retries", `${job.retries} (every ${job.retry_delay} s)`],
    ["Concurrency", job.concurrency], ["Misfire", job.misfire],
    ["Pool", job.controls && job.controls.pool ? link(`/g/${seg(group)}/pools`, job.controls.pool, { id: "job-pool" }) : ""],
    ["Memo", job.memo],
    ["Created", formatTime(job.created_time ? job.created_time * 1000 : null)],
    ["Updated", formatTime(job.updated_time ? job.updated_time * 1000 : null)],
  ];
  return h("dl", { class: "spec" }, rows.filter(([, v]) => v !== "" && v !== undefined && v !== null)
    .map(([k, v]) => [h("dt", {}, k), h("dd", { class: k === "Command" || k === "Schedule" ? "mono pre" : "" }, v instanceof Node ? v : String(v))]));
}

// A run asked for as of another time (POST .../run {"plan_time"}) names that time.
const AS_OF_SHOWN_MS = 1000;
function asOf(r) {
  return r.trigger === "manual" && Math.abs(r.start_time_ms - r.plan_time_ms) > AS_OF_SHOWN_MS
    ? ` (as of ${formatTime(r.plan_time_ms)})` : "";
}

// What started a run beyond its trigger (the run's `cause`): the run of another job it followed,
// linked, or the API key that asked.
function causeOf(group, r) {
  const c = r.cause;
  if (!c) return null;
  if (c.after_job_id) {
    return h("span", { class: "cause" }, " after ",
      link(`/g/${seg(group)}/job/${seg(c.after_job_id)}`, c.after_job_name || c.after_job_id), ` (${c.after_state})`);
  }
  return c.by ? h("span", { class: "cause" }, ` by ${c.by}`) : null;
}

function runsTable(group, runs) {
  if (!runs.length) return h("p", { class: "muted", id: "no-runs" }, "No runs yet.");
  return h("div", { class: "table-wrap" }, h("table", { id: "runs-table" },
    h("thead", {}, h("tr", {}, ["Run", "State", "Trigger", "Started", "Lateness", "Duration", "Code", "Output"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, runs.map((r) => h("tr", { dataset: { runId: r.run_id } },
      h("td", { class: "mono small" }, r.run_id),
      h("td", {}, badge(r.state)),
      h("td", {}, r.trigger + (r.attempt ? ` #${r.attempt}` : "") + asOf(r), causeOf(group, r)),
      h("td", {}, formatTime(r.start_time_ms)),
      h("td", { class: "num" }, r.trigger === "manual" ? "—" : formatDuration(Math.max(0, r.lateness_ms))),
      h("td", { class: "num" }, r.end_time_ms ? formatDuration(r.duration_ms) : "running"),
      h("td", { class: "num" }, String(r.code)),
      h("td", {}, r.output_tail || r.error
        ? h("details", {}, h("summary", {}, (r.error || r.output_tail).slice(0, 60)),
            r.error ? h("pre", { class: "output error-text" }, r.error) : null,
            r.output_tail ? h("pre", { class: "output" }, r.output_tail) : null)
        : h("span", { class: "muted" }, "—")))))));
}

export function jobDetailView(main, group, id) {
  const base = `/v1/${seg(group)}/job/${seg(id)}`;
  let stopped = false, timer = null, job = null;
  const header = h("div", { class: "title-row" }, h("h1", {}, "Job"));
  const actions = h("div", { class: "actions", id: "job-actions" });
  const counts = h("p", { class: "muted", id: "job-counts" });
  const spec = h("div", { class: "panel" });
  const fires = h("ol", { id: "next-fires", class: "fires" });
  const runs = h("div", { id: "runs" });

  async function act(label, fn) {
    try { await fn(); notify(label); await refresh(); } catch (err) { notify(err.message, "error"); }
  }
  const runNow = () => act("Run started", () => api.post(`${base}/run`));
  // A run now that stands for another time (a backfill): the command sees it as its plan time.
  const asOfInput = h("input", { type: "datetime-local", id: "as-of", step: "1", "aria-label": "Run as of (local time)" });
  const runAsOf = () => {
    const ms = new Date(asOfInput.value).getTime();
    if (!asOfInput.value || Number.isNaN(ms)) return notify("Choose the time the run stands for first", "error");
    return act("Run started", () => api.post(`${base}/run`, { plan_time: Math.floor(ms / 1000) }));
  };
  // Drawn once, outside the actions the polls redraw, so that typing in it is never interrupted.
  const asOfRow = h("details", { class: "as-of", id: "as-of-row" }, h("summary", {}, "Run as of another time…"),
    h("div", { class: "actions" }, asOfInput, h("button", { type: "button", id: "run-as-of", onclick: runAsOf }, "Run")));
  const pause = () => act("Job paused", () => api.post("/v1/pause/job", { group_name: group, job_id: id }));
  const resume = () => act("Job resumed", () => api.post("/v1/active/job", { group_name: group, job_id: id, next_fire: true }));
  async function remove() {
    if (!confirm(`Delete job ${job ? job.name : id}? Its run history goes too.`)) return;
    try {
      await api.post("/v1/delete/job", { group_name: group, job_id: id });
      notify("Job deleted");
      location.hash = `#/g/${seg(group)}`;
    } catch (err) { notify(err.message, "error"); }
  }

  function drawActions() {
    replace(actions,
      h("button", { type: "button", id: "run-now", class: "primary", onclick: runNow }, "Run now"),
      job.phase === "paused"
        ? h("button", { type: "button", id: "resume", onclick: resume }, "Resume")
        : h("button", { type: "button", id: "pause", onclick: pause, disabled: job.phase === "done" }, "Pause"),
      link(`/g/${seg(group)}/job/${seg(id)}/edit`, "Edit", { class: "button", id: "edit" }),
      h("button", { type: "button", id: "delete", class: "danger", onclick: remove }, "Delete"));
  }

  async function loadFires() {
    if (!job.next_fire_time) return replace(fires, h("li", { class: "muted" }, job.phase === "paused" ? "Paused: no fire planned." : "No further fire."));
    try {
      const p = await api.get("/v1/schedule/preview", { pattern: job.interval_pattern, tz: job.timezone,
                                                        exec_time: job.next_fire_time, count: NEXT_FIRES });
      replace(fires, p.fires.map((ms) => h("li", {}, formatTime(ms, p.timezone))));
    } catch (err) { replace(fires, h("li", { class: "field-error" }, err.message)); }
  }

  async function refresh() {
    const [detail, history] = await Promise.all([api.get(base), api.get(`${base}/executions`, { limit: RUNS_SHOWN })]);
    if (stopped) return;
    const firstLoad = !job || job.next_fire_time !== detail.next_fire_time || job.interval_pattern !== detail.interval_pattern;
    job = detail;
    replace(header, h("h1", {}, job.name || job.id), badge(job.phase));
    drawActions();
    counts.textContent = `${job.counts.runs} run(s): ${job.counts.successes} succeeded, ${job.counts.failures} failed, ` +
      `${job.counts.skipped} skipped, ${job.counts.running} running. Next fire: ${formatTime(job.next_fire_time ? job.next_fire_time * 1000 : null)}` +
      (job.retries_waiting || []).map((r) => ` Retry ${r.attempt} due ${formatTime(r.due_time * 1000)}.`).join("");
    replace(spec, h("h2", {}, "Spec"), specList(group, job));
    replace(runs, runsTable(group, history));
    if (firstLoad) loadFires();
  }

  async function poll() {
    if (document.hidden) { timer = setTimeout(poll, POLL_MS); return; }  // a background tab costs nothing
    try { await refresh(); } catch (err) {
      if (err instanceof ApiError && err.status === 404) {
        stopped = true;
        return replace(main, h("h1", {}, "Job not found"), h("p", {}, err.message, " ", link(`/g/${seg(group)}`, "Back to the jobs")));
      }
      notify(err.message, "error");
    }
    if (!stopped) timer = setTimeout(poll, POLL_MS);
  }

  replace(main, h("p", { class: "crumbs" }, link("/groups", "Groups"), " / ", link(`/g/${seg(group)}`, group), " / ", id),
    header, actions, asOfRow, counts,
    h("div", { class: "columns" }, spec, h("section", { class: "panel" }, h("h2", {}, "Next fires"), fires)),
    h("section", { class: "panel" }, h("h2", {}, "Recent runs"), runs));
  poll();
  return () => { stopped = true; clearTimeout(timer); };
}
