// job_form.js: create or edit a job, for every executor (HTTP@, shell, LUA@, REMOTE@, NOOP@) and
// schedule kind (cron with seconds, @every, descriptors, @once, @at, @manually). Shows the next
// fires (GET /v1/schedule/preview) as the pattern is typed, and puts each server error next to
// the field it names ("interval_pattern: ..." under the pattern). Its one control is the run pool
// (controls.pool), chosen among the group's pools (GET /v1/{group}/pools).

import { api, seg } from "./api.js";
import { field, formatTime, h, link, notify, replace } from "./dom.js";

const PREVIEW_DELAY_MS = 350;
const PREVIEW_FIRES = 5;
const EXECUTORS = [["http", "HTTP call"], ["shell", "Shell command"], ["lua", "Lua function"], ["remote", "Remote (worker nodes)"], ["noop", "No-op"]];
const SCHEDULES = [["cron", "Cron (with seconds)", "0 */5 * * * *"], ["every", "Every interval", "@every 30s"],
                   ["daily", "Daily / hourly / …", "@daily"], ["once", "Once", "@once"], ["at", "At a time", "@at 2030-01-01T09:00:00Z"],
                   ["manual", "Manually only", "@manually"]];
// Server field names -> the input that shows their errors.
const FIELD_OF = { name: "f-name", job_id: "f-job_id", interval_pattern: "f-pattern", timezone: "f-timezone",
                   exec_time: "f-first", request_url: "f-target", exec_command: "f-command", timeout: "f-timeout",
                   retries: "f-retries", retry_delay: "f-retry_delay", concurrency: "f-concurrency",
                   misfire: "f-misfire", memo: "f-memo", executor_config: "f-target", pool: "f-pool" };

const options = (list, value) => list.map(([v, text]) => h("option", { value: v, selected: v === value }, text));

function executorOf(job) {
  const url = job.request_url || "";
  if (url.startsWith("HTTP@")) return ["http", url.slice(5)];
  if (url.startsWith("LUA@")) return ["lua", ""];
  if (url.startsWith("REMOTE@")) return ["remote", url.slice(7)];
  if (url.startsWith("NOOP@")) return ["noop", ""];
  return ["shell", ""];
}

function scheduleKindOf(pattern) {
  const p = pattern.trim().toLowerCase();
  if (p.startsWith("@every")) return "every";
  if (p === "@once") return "once";
  if (p.startsWith("@at")) return "at";
  if (p === "@manually") return "manual";
  if (p.startsWith("@")) return "daily";
  return "cron";
}

function zones() {
  try { return Intl.supportedValuesOf("timeZone"); } catch { return ["UTC"]; }
}

export async function jobFormView(main, group, id) {
  let job = null;
  if (id) {
    try { job = await api.get(`/v1/${seg(group)}/job/${seg(id)}`); } catch (err) {
      return replace(main, h("h1", {}, "Edit job"), h("p", { class: "field-error" }, err.message));
    }
  }
  // The group's pools to choose from; the job's own is kept a choice even if the list fails.
  const currentPool = job && job.controls ? job.controls.pool : "";
  let pools = [], poolsError = "";
  try { pools = (await api.get(`/v1/${seg(group)}/pools`)).map((p) => p.name); } catch (err) { poolsError = err.message; }
  if (currentPool && !pools.includes(currentPool)) pools.push(currentPool);
  const [kind, target] = job ? executorOf(job) : ["http", ""];
  const pattern = job ? job.interval_pattern : "@every 30s";
  const inputs = {
    name: h("input", { value: job ? job.name : "", required: true, maxlength: 128, autocomplete: "off" }),
    job_id: h("input", { value: "", pattern: "[A-Za-z0-9_]{1,22}", autocomplete: "off", placeholder: "generated when empty" }),
    executor: h("select", {}, options(EXECUTORS, kind)),
    target: h("input", { value: target, autocomplete: "off" }),
    command: h("textarea", { rows: 4, spellcheck: "false" }),
    scheduleKind: h("select", {}, options(SCHEDULES, scheduleKindOf(pattern))),
    pattern: h("input", { value: pattern, required: true, autocomplete: "off", spellcheck: "false", class: "mono" }),
    timezone: h("input", { value: job ? job.timezone : "", list: "zone-list", autocomplete: "off", placeholder: "server default" }),
    first: h("select", {}, options(job ? [["keep", "Keep the plan"], ["now", "Now"], ["at", "At a time…"]]
                                        : [["now", "Now"], ["at", "At a time…"]], job ? "keep" : "now")),
    firstAt: h("input", { type: "datetime-local", step: 1 }),
    timeout: h("input", { type: "number", min: 1, max: 86400, value: job ? job.timeout : 60 }),
    retries: h("input", { type: "number", min: 0, max: 100, value: job ? job.retries : 0 }),
    retry_delay: h("input", { type: "number", min: 0, value: job ? job.retry_delay : 0 }),
    concurrency: h("select", {}, options([["allow", "Allow overlapping runs"], ["forbid", "Skip a fire while a run is in flight"]], job ? job.concurrency : "allow")),
    misfire: h("select", {}, options([["skip", "Skip missed fires"], ["once", "Run once for missed fires"], ["all", "Run every missed fire"]], job ? job.misfire : "skip")),
    memo: h("textarea", { rows: 2, maxlength: 4096 }),
    pool: h("select", {}, options([["", "None"], ...pools.map((name) => [name, name])], currentPool)),
  };
  inputs.command.value = job ? job.exec_command : "";
  inputs.memo.value = job ? job.memo : "";
  const preview = h("ol", { id: "preview-fires", class: "fires", "aria-live": "polite" });
  const formError = h("p", { class: "field-error", id: "form-error", role: "alert" });

  const targetField = field("f-target", "URL", inputs.target);
  const commandField = field("f-command", "Command", inputs.command);
  const firstAtField = field("f-first_at", "First run at (your local time)", inputs.firstAt);

  function syncExecutor() {
    const k = inputs.executor.value;
    targetField.hidden = !(k === "http" || k === "remote");
    targetField.querySelector("label").textContent = k === "remote" ? "Worker nodes (ids, comma-separated; or * to place the job, then ids, host names or IPs to choose among)" : "URL (http:// or https://)";
    commandField.hidden = k === "http" || k === "noop";
    commandField.querySelector("label").textContent = k === "lua" ? "Lua source (defines a function named like the job)" : "Command (/bin/sh -c)";
  }
  function syncFirst() { firstAtField.hidden = inputs.first.value !== "at"; }

  function execTime() {
    if (inputs.first.value === "now") return 0;
    if (inputs.first.value === "at") return inputs.firstAt.value ? Math.floor(new Date(inputs.firstAt.value).getTime() / 1000) : 0;
    return undefined;  // keep
  }

  function clearErrors() {
    main.querySelectorAll(".field-error").forEach((e) => { e.textContent = ""; });
    main.querySelectorAll("[aria-invalid]").forEach((e) => e.removeAttribute("aria-invalid"));
  }
  // Shows `message` at the field it names, or above the buttons when it names none.
  function showError(message) {
    const name = message.replace(/^controls(: |\.)/, "").split(":")[0].trim();  // "controls: pool: ..." names the pool
    const inputId = FIELD_OF[name];
    const box = inputId && document.getElementById(`${inputId}-error`);
    if (box && !box.closest("[hidden]")) {
      box.textContent = message;
      const input = document.getElementById(inputId);
      input.setAttribute("aria-invalid", "true");
      input.focus();
    } else {
      formError.textContent = message;
    }
  }

  let previewTimer = null, previewSeq = 0;
  async function updatePreview() {
    const mine = ++previewSeq;
    const errorBox = document.getElementById("f-pattern-error");
    try {
      const p = await api.get("/v1/schedule/preview", { pattern: inputs.pattern.value.trim(), tz: inputs.timezone.value.trim(),
                                                        exec_time: execTime() ?? -1, count: PREVIEW_FIRES });
      if (mine !== previewSeq) return;
      errorBox.textContent = "";
      inputs.pattern.removeAttribute("aria-invalid");
      replace(preview, p.fires.length ? p.fires.map((ms) => h("li", {}, formatTime(ms, p.timezone)))
                                      : h("li", { class: "muted" }, "Never fires by time (run it by hand)."));
    } catch (err) {
      if (mine !== previewSeq) return;
      replace(preview);
      const field = err.message.startsWith("timezone") ? "f-timezone" : "f-pattern";
      document.getElementById(`${field}-error`).textContent = err.message;
    }
  }
  const schedulePreview = () => { clearTimeout(previewTimer); previewTimer = setTimeout(updatePreview, PREVIEW_DELAY_MS); };

  function body() {
    const k = inputs.executor.value;
    const targetText = inputs.target.value.trim();
    const request_url = { http: `HTTP@${targetText}`, shell: "", lua: "LUA@", remote: `REMOTE@${targetText}`, noop: "NOOP@" }[k];
    const out = { group_name: group, name: inputs.name.value.trim(), interval_pattern: inputs.pattern.value.trim(),
                  timezone: inputs.timezone.value.trim(), request_url, exec_command: k === "http" || k === "noop" ? "" : inputs.command.value,
                  timeout: Number(inputs.timeout.value), retries: Number(inputs.retries.value), retry_delay: Number(inputs.retry_delay.value),
                  concurrency: inputs.concurrency.value, misfire: inputs.misfire.value, memo: inputs.memo.value };
    const t = execTime();
    if (t !== undefined) out.exec_time = t;
    // controls replace the job's as a whole: sent only when the pool changes, with the others
    // as the API shows them (all of them: hook_format and retry_aborted included).
    if (inputs.pool.value !== currentPool) out.controls = { ...(job && job.controls), pool: inputs.pool.value };
    if (job) out.job_id = job.id;
    else if (inputs.job_id.value.trim()) out.job_id = inputs.job_id.value.trim();
    return out;
  }

  async function submit(e) {
    e.preventDefault();
    clearErrors();
    try {
      const answer = await api.post(job ? "/v1/edit/job" : "/v1/add/job", body());
      const jobId = job ? job.id : answer;
      notify(job ? "Job saved" : "Job created");
      location.hash = `#/g/${seg(group)}/job/${seg(jobId)}`;
    } catch (err) { showError(err.message); }
  }

  inputs.executor.addEventListener("change", syncExecutor);
  inputs.first.addEventListener("change", () => { syncFirst(); schedulePreview(); });
  inputs.firstAt.addEventListener("change", schedulePreview);
  inputs.scheduleKind.addEventListener("change", () => {
    const template = SCHEDULES.find(([v]) => v === inputs.scheduleKind.value)[2];
    inputs.pattern.value = template;
    if (inputs.scheduleKind.value === "once" || inputs.scheduleKind.value === "at") inputs.first.value = inputs.scheduleKind.value === "once" ? "at" : inputs.first.value;
    syncFirst();
    inputs.pattern.focus();
    schedulePreview();
  });
  inputs.pattern.addEventListener("input", schedulePreview);
  inputs.timezone.addEventListener("change", schedulePreview);

  const title = job ? `Edit ${job.name}` : `New job in ${group}`;
  replace(main,
    h("p", { class: "crumbs" }, link("/groups", "Groups"), " / ", link(`/g/${seg(group)}`, group), " / ", job ? link(`/g/${seg(group)}/job/${seg(job.id)}`, job.id) : "new"),
    h("h1", {}, title),
    h("form", { id: "job-form", class: "job-form", novalidate: true, onsubmit: submit },
      h("fieldset", {}, h("legend", {}, "Job"),
        field("f-name", "Name", inputs.name),
        job ? null : field("f-job_id", "Id (optional)", inputs.job_id, "Letters, digits and _; up to 22."),
        field("f-memo", "Memo", inputs.memo)),
      h("fieldset", {}, h("legend", {}, "What it runs"),
        field("f-executor", "Executor", inputs.executor), targetField, commandField),
      h("fieldset", {}, h("legend", {}, "When it runs"),
        field("f-schedule_kind", "Schedule kind", inputs.scheduleKind),
        field("f-pattern", "Pattern", inputs.pattern, "6-field cron (sec min hour day month weekday), @every 1h30m, @daily, @once, @at <RFC 3339>, @manually."),
        field("f-timezone", "Time zone", inputs.timezone), h("datalist", { id: "zone-list" }, zones().map((z) => h("option", { value: z }))),
        field("f-first", "First run", inputs.first), firstAtField,
        h("div", { class: "preview" }, h("h2", { class: "small-heading" }, "Next fires"), preview)),
      h("fieldset", {}, h("legend", {}, "Limits and policies"),
        field("f-timeout", "Timeout (s)", inputs.timeout), field("f-retries", "Retries", inputs.retries),
        field("f-retry_delay", "Retry delay (s)", inputs.retry_delay),
        field("f-concurrency", "Concurrency", inputs.concurrency), field("f-misfire", "Missed fires", inputs.misfire),
        field("f-pool", "Run pool", inputs.pool, poolsError ? `Cannot list the group's pools: ${poolsError}`
                                                            : "Its runs share the pool's limit and switch (the group's Pools tab).")),
      formError,
      h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", id: "save" }, job ? "Save" : "Create job"),
        link(job ? `/g/${seg(group)}/job/${seg(job.id)}` : `/g/${seg(group)}`, "Cancel", { class: "button" }))));
  syncExecutor();
  syncFirst();
  updatePreview();
  return () => clearTimeout(previewTimer);
}
