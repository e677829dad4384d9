// pools.js: a group's run pools (GET /v1/{group}/pools, PUT and DELETE /v1/{group}/pool/{name}):
// each pool's switch, its runs in flight against its limit and the defaults it gives its jobs;
// enable or disable one, edit its limit and defaults, delete one (refused while a job names it),
// add one. A PUT replaces a pool's settings as a whole, so each change reads the pool first and
// sends every setting back. Polls while shown so the runs in flight stay current.

import { ApiError, api, seg } from "./api.js";
import { badge, field, h, link, notify, replace, tabs } from "./dom.js";

const POLL_MS = 3000;
const POOL_NAME = /^[A-Za-z0-9_]{1,64}$/;
const MIB = 1024 * 1024;
// What a PUT sets (http/native/pool_routes.h); one left out would fall back to its default.
const SETTINGS = ["enabled", "max_running", "hook_url", "cpu_limit_percent", "cpu_sustain_s", "memory_limit_bytes", "memory_sustain_s"];

const settingsOf = (pool) => Object.fromEntries(SETTINGS.map((k) => [k, pool[k]]));

// The tabs of a group's pages: its jobs and its pools.
export const groupTabs = (group, current) => {
  const base = `/g/${seg(group)}`;
  return tabs("Group", [[base, "Jobs", "tab-jobs"], [`${base}/pools`, "Pools", "tab-pools"]],
              current === "pools" ? `${base}/pools` : base);
};

function formatBytes(n) {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  for (; n >= 1024 && i < units.length - 1; i++) n /= 1024;
  return `${Number.isInteger(n) ? n : n.toFixed(1)} ${units[i]}`;
}

const sustain = (s) => (s ? ` for ${s} s` : "");

// The defaults a pool gives what its jobs' own controls leave unset, as text; "" when it has none.
function defaultsText(p) {
  return [p.hook_url ? `hook ${p.hook_url}` : "",
          p.cpu_limit_percent ? `CPU ${p.cpu_limit_percent} %${sustain(p.cpu_sustain_s)}` : "",
          p.memory_limit_bytes ? `memory ${formatBytes(p.memory_limit_bytes)}${sustain(p.memory_sustain_s)}` : ""]
    .filter(Boolean).join("; ");
}

// The form of a new pool (prefix "pool-new-", with a name) or of a pool's edit ("pool-edit-"):
// its limit and its defaults. read() answers the settings typed, or null once it has shown why
// not; showError puts a message ("max_running: ...") at the field it names, else above the buttons.
function poolForm(prefix, pool, title, submitText, cancel) {
  const number = (value, attrs = {}) => h("input", { type: "number", min: 0, step: 1, value, ...attrs });
  const inputs = {
    name: pool ? null : h("input", { required: true, maxlength: 64, pattern: "[A-Za-z0-9_]{1,64}", autocomplete: "off", spellcheck: "false" }),
    max_running: number(pool ? pool.max_running : 0, { max: 10000 }),
    hook_url: h("input", { value: pool ? pool.hook_url : "", autocomplete: "off", spellcheck: "false", placeholder: "none" }),
    cpu_limit_percent: number(pool ? pool.cpu_limit_percent : 0),
    cpu_sustain_s: number(pool ? pool.cpu_sustain_s : 0, { max: 86400 }),
    memory_limit_bytes: number(pool ? pool.memory_limit_bytes / MIB : 0, { step: "any" }),
    memory_sustain_s: number(pool ? pool.memory_sustain_s : 0, { max: 86400 }),
  };
  const at = (name, label, help) => field(`${prefix}${name}`, label, inputs[name], help);
  const formError = h("p", { class: "field-error", id: `${prefix}error`, role: "alert" });
  const defaults = h("fieldset", {}, h("legend", {}, "Defaults for its jobs"),
    h("p", { class: "help span-all" }, "A job of the pool takes each one its own controls leave unset; the limits apply to shell runs. 0 or empty: none."),
    at("hook_url", "Hook URL", "POSTed the report of each run's start and end."),
    at("cpu_limit_percent", "CPU limit (% of one core)"), at("cpu_sustain_s", "CPU over it for (s)"),
    at("memory_limit_bytes", "Memory limit (MiB)"), at("memory_sustain_s", "Memory over it for (s)"));
  const form = h("form", { id: `${prefix}form`, class: "pool-form", novalidate: true },
    h("h2", {}, title),
    h("fieldset", {}, h("legend", {}, "Pool"),
      pool ? null : at("name", "Name", "Letters, digits and _; up to 64."),
      at("max_running", "Runs at once", "Of all its jobs together; 0 = no limit.")),
    pool ? defaults : h("details", { class: "pool-defaults" }, h("summary", {}, "Defaults for its jobs (optional)"), defaults),
    formError,
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary", id: `${prefix}save` }, submitText),
      cancel ? h("button", { type: "button", id: `${prefix}cancel`, onclick: cancel }, "Cancel") : null));

  function clearErrors() {
    form.querySelectorAll(".field-error").forEach((e) => { e.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach((e) => e.removeAttribute("aria-invalid"));
  }
  function showError(message) {
    const name = message.split(":")[0].trim();
    const input = Object.hasOwn(inputs, name) ? inputs[name] : null;
    if (!input) { formError.textContent = message; return; }
    const details = input.closest("details");
    if (details) details.open = true;
    document.getElementById(`${prefix}${name}-error`).textContent = message;
    input.setAttribute("aria-invalid", "true");
    input.focus();
  }
  function read() {
    const out = { hook_url: inputs.hook_url.value.trim() };
    for (const name of ["max_running", "cpu_limit_percent", "cpu_sustain_s", "memory_limit_bytes", "memory_sustain_s"]) {
      const input = inputs[name];
      if (input.validity.badInput) { showError(`${name}: must be a number`); return null; }
      const n = input.value.trim() === "" ? 0 : Number(input.value);
      out[name] = name === "memory_limit_bytes" ? Math.round(n * MIB) : n;  // a fraction is the server's to refuse
    }
    return out;
  }
  return { form, inputs, read, showError, clearErrors };
}

export function poolsView(main, group) {
  const path = (name) => `/v1/${seg(group)}/pool/${seg(name)}`;
  // tabindex: where the focus goes when the row it was on is gone.
  const summary = h("p", { id: "pools-summary", class: "muted", tabindex: -1 }, "Loading…");
  const actionError = h("p", { id: "pools-error", class: "field-error error-box", role: "alert" });
  const list = h("div", { id: "pools" });
  const editPanel = h("section", { id: "pool-edit", class: "below-list", hidden: true });
  const newHolder = h("section", { id: "pool-new", class: "below-list" });
  let stopped = false, timer = null, seq = 0, shown = "", editing = null;

  // Focus the button `action` of `name` in the list, if it is there.
  const focusButton = (name, action) => {
    const b = list.querySelector(`button[data-pool="${CSS.escape(name)}"][data-action="${action}"]`);
    if (b) b.focus();
  };

  const button = (p, action, text, onclick, cls = "") => h("button", {
    type: "button", class: `small ${cls}`, dataset: { pool: p.name, action }, "aria-label": `${text} pool ${p.name}`, onclick }, text);

  function row(p) {
    const defaults = defaultsText(p);
    return h("tr", { dataset: { pool: p.name } },
      h("td", { class: "mono" }, p.name),
      h("td", {}, badge(p.enabled ? "enabled" : "disabled")),
      h("td", {}, `${p.running} / ${p.max_running || "no limit"}`),
      h("td", { class: "small" }, defaults || h("span", { class: "muted" }, "none")),
      h("td", {}, button(p, "toggle", p.enabled ? "Disable" : "Enable", () => toggle(p)), " ",
        button(p, "edit", "Edit", () => edit(p)), " ",
        button(p, "delete", "Delete", () => remove(p), "danger")));
  }

  function draw(pools) {
    const active = document.activeElement;
    const refocus = active && list.contains(active) && active.dataset.action ? [active.dataset.pool, active.dataset.action] : null;
    summary.textContent = pools.length ? `${pools.length} pool(s); runs in flight refresh every ${POLL_MS / 1000} s` : "";
    replace(list, pools.length ? h("div", { class: "table-wrap" }, h("table", { id: "pools-table" },
      h("thead", {}, h("tr", {}, ["Pool", "State", "Running / max", "Defaults for its jobs", ""].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, pools.map(row))))
      : h("p", { class: "muted", id: "no-pools" }, "No pools yet: add one below, then choose it in a job's form."));
    if (refocus) focusButton(...refocus);  // a poll that redraws keeps the keyboard's place
  }

  async function load() {
    const mine = ++seq;
    try {
      const pools = await api.get(`/v1/${seg(group)}/pools`);
      if (stopped || mine !== seq) return;
      const text = JSON.stringify(pools);
      if (text !== shown) { shown = text; draw(pools); }
    } catch (err) {
      if (stopped || mine !== seq) return;
      shown = "";
      summary.textContent = "";
      replace(list, h("p", { class: "field-error" }, err.message));
    }
  }

  async function poll() {
    if (!document.hidden) await load();  // a background tab costs nothing
    if (!stopped) timer = setTimeout(poll, POLL_MS);
  }

  // Switches the pool as its button said, every other setting as the server has it now.
  async function toggle(p) {
    actionError.textContent = "";
    try {
      const current = await api.get(path(p.name));
      await api.put(path(p.name), { ...settingsOf(current), enabled: !p.enabled });
      notify(`Pool ${p.name} ${p.enabled ? "disabled" : "enabled"}`);
      await load();
    } catch (err) { actionError.textContent = `Cannot ${p.enabled ? "disable" : "enable"} the pool ${p.name}: ${err.message}`; }
  }

  async function remove(p) {
    actionError.textContent = "";
    if (!confirm(`Delete the pool ${p.name}?`)) return;
    try {
      await api.del(path(p.name));
      notify(`Pool ${p.name} deleted`);
      if (editing === p.name) closeEdit();
      await load();
      summary.focus();
    } catch (err) { actionError.textContent = `Cannot delete the pool ${p.name}: ${err.message}`; }
  }

  function closeEdit() {
    const name = editing;
    editing = null;
    editPanel.hidden = true;
    replace(editPanel);
    return name;
  }

  function edit(p) {
    actionError.textContent = "";
    editing = p.name;
    const cancel = () => focusButton(closeEdit(), "edit");
    const f = poolForm("pool-edit-", p, `Edit pool ${p.name}`, "Save", cancel);
    f.form.addEventListener("submit", async (e) => {
      e.preventDefault();
      f.clearErrors();
      const typed = f.read();
      if (!typed) return;
      try {
        const current = await api.get(path(p.name));  // its switch as it is now
        await api.put(path(p.name), { ...settingsOf(current), ...typed });
        notify(`Pool ${p.name} saved`);
        closeEdit();
        await load();
        focusButton(p.name, "edit");
      } catch (err) { f.showError(err.message); }
    });
    f.form.addEventListener("keydown", (e) => { if (e.key === "Escape") cancel(); });
    replace(editPanel, f.form);
    editPanel.hidden = false;
    f.inputs.max_running.focus();
    editPanel.scrollIntoView({ block: "nearest" });
  }

  async function exists(name) {
    try { await api.get(path(name)); return true; } catch (err) {
      if (err instanceof ApiError && err.status === 404) return false;
      throw err;
    }
  }

  function drawNewForm() {
    const f = poolForm("pool-new-", null, "New pool", "Add pool", null);
    f.form.addEventListener("submit", async (e) => {
      e.preventDefault();
      f.clearErrors();
      const name = f.inputs.name.value.trim();
      if (!POOL_NAME.test(name)) return f.showError("name: letters, digits and _ only, 1 to 64 of them");
      const typed = f.read();
      if (!typed) return;
      try {
        // A PUT on a name taken would replace that pool's settings: adding never does.
        if (await exists(name)) return f.showError(`name: ${group} already has a pool ${name}`);
        await api.put(path(name), { enabled: true, ...typed });
        notify(`Pool ${name} added`);
        await load();
        drawNewForm().inputs.name.focus();
      } catch (err) { f.showError(err.message); }
    });
    replace(newHolder, f.form);
    return f;
  }

  replace(main,
    h("p", { class: "crumbs" }, link("/groups", "Groups"), " / ", link(`/g/${seg(group)}`, group), " / ", "pools"),
    h("div", { class: "title-row" }, h("h1", {}, `Pools of ${group}`)),
    groupTabs(group, "pools"),
    h("p", { class: "help" }, "A pool is a limit and a switch its jobs share: at most its runs at once of all of them, none while it is disabled, and defaults for what their own controls leave unset."),
    summary, actionError, list, editPanel, newHolder);
  drawNewForm();
  poll();
  return () => { stopped = true; clearTimeout(timer); };
}
