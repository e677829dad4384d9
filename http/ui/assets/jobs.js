// jobs.js: one group's jobs, a page at a time from GET /v1/{group}/jobs (server-side paging,
// search by id or name, filter by state, sort), so a group of any size stays fast; and its worker
// nodes, when it has some. Its tabs lead to the group's pools (pools.js).

import { api, seg } from "./api.js";
import { badge, formatTime, h, link, replace } from "./dom.js";
import { groupTabs } from "./pools.js";

const PAGE_SIZE = 50;
const SEARCH_DELAY_MS = 300;
const SORTS = [["id", "Id"], ["name", "Name"], ["next_fire", "Next fire"], ["last_outcome", "Last outcome"]];
const STATES = [["", "Any state"], ["active", "Active"], ["paused", "Paused"], ["done", "Done"]];

function readQuery() {
  const q = new URLSearchParams(location.hash.split("?")[1] || "");
  return { q: q.get("q") || "", state: q.get("state") || "", sort: q.get("sort") || "id",
           offset: Math.max(0, parseInt(q.get("offset") || "0", 10) || 0) };
}

function select(id, label, options, value) {
  return [h("label", { for: id }, label),
          h("select", { id }, options.map(([v, text]) => h("option", { value: v, selected: v === value }, text)))];
}

function row(group, job) {
  const last = job.last_run;
  return h("tr", {},
    h("td", {}, link(`/g/${seg(group)}/job/${seg(job.id)}`, job.name || job.id, { class: "job-link" }),
      h("div", { class: "muted small mono" }, job.id)),
    h("td", {}, badge(job.phase)),
    h("td", { class: "mono" }, job.interval_pattern),
    h("td", {}, formatTime(job.next_fire_time ? job.next_fire_time * 1000 : null)),
    h("td", {}, last ? badge(last.state) : h("span", { class: "muted" }, "never run")),
    h("td", { class: "num" }, String(job.counts.runs)));
}

// The group's worker nodes (GET /v1/{group}/node/list), shown only when it has some: what each
// reports, whether it is up, and what it runs.
function nodesPanel(group) {
  const panel = h("section", { class: "panel", id: "nodes", hidden: true });
  api.get(`/v1/${seg(group)}/node/list`).then((nodes) => {
    if (!nodes.length) return;
    panel.hidden = false;
    replace(panel, h("h2", {}, "Worker nodes"), h("div", { class: "table-wrap" }, h("table", { id: "nodes-table" },
      h("thead", {}, h("tr", {}, ["Node", "State", "Host name", "Address", "Last seen", "Running", "Tags"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, nodes.map((n) => h("tr", {},
        h("td", { class: "mono" }, n.node_id),
        h("td", {}, badge(n.status)),
        h("td", {}, n.hostname),
        h("td", { class: "mono" }, n.ip),
        h("td", {}, formatTime(n.last_seen ? n.last_seen * 1000 : null)),
        h("td", { class: "num" }, String(n.running)),
        h("td", { class: "small" }, Object.entries(n.tags || {}).map(([k, v]) => (v ? `${k}=${v}` : k)).join(", "))))))));
  }).catch(() => {});  // no nodes to show (or no node listener): the jobs are what this page is for
  return panel;
}

export function jobsView(main, group) {
  const state = readQuery();
  const search = h("input", { id: "job-search", type: "search", value: state.q, placeholder: "id or name contains…", autocomplete: "off" });
  const [stateLabel, stateSelect] = select("job-state", "State", STATES, state.state);
  const [sortLabel, sortSelect] = select("job-sort", "Sort by", SORTS, state.sort);
  const summary = h("p", { id: "jobs-summary", class: "muted", "aria-live": "polite" }, "Loading…");
  const table = h("div", { class: "table-wrap" });
  const pager = h("nav", { class: "pager", "aria-label": "Pages" });
  let seq = 0, searchTimer = null;

  function go(patch) {
    Object.assign(state, patch);
    const q = new URLSearchParams();
    if (state.q) q.set("q", state.q);
    if (state.state) q.set("state", state.state);
    if (state.sort !== "id") q.set("sort", state.sort);
    if (state.offset) q.set("offset", String(state.offset));
    history.replaceState(null, "", `#/g/${seg(group)}${q.toString() ? `?${q}` : ""}`);
    load();
  }

  async function load() {
    const mine = ++seq;
    summary.textContent = "Loading…";
    try {
      const page = await api.get(`/v1/${seg(group)}/jobs`, { offset: state.offset, limit: PAGE_SIZE, q: state.q,
                                                             state: state.state, sort: state.sort });
      if (mine !== seq) return;  // a newer query answered first
      const from = page.total ? state.offset + 1 : 0, to = state.offset + page.jobs.length;
      summary.textContent = `${from}–${to} of ${page.total.toLocaleString()} job(s)`;
      replace(table, page.jobs.length ? h("table", { id: "jobs-table" },
        h("thead", {}, h("tr", {}, ["Job", "State", "Schedule", "Next fire", "Last outcome", "Runs"].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, page.jobs.map((j) => row(group, j)))) : h("p", { class: "muted" }, "No job matches."));
      replace(pager,
        h("button", { type: "button", id: "page-prev", disabled: state.offset === 0, onclick: () => go({ offset: Math.max(0, state.offset - PAGE_SIZE) }) }, "← Previous"),
        h("span", { class: "muted" }, `Page ${Math.floor(state.offset / PAGE_SIZE) + 1} of ${Math.max(1, Math.ceil(page.total / PAGE_SIZE))}`),
        h("button", { type: "button", id: "page-next", disabled: to >= page.total, onclick: () => go({ offset: state.offset + PAGE_SIZE }) }, "Next →"));
    } catch (err) {
      if (mine === seq) { summary.textContent = ""; replace(table, h("p", { class: "field-error" }, err.message)); }
    }
  }

  search.addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => go({ q: search.value.trim(), offset: 0 }), SEARCH_DELAY_MS);
  });
  // The search box as it reads now, also when it changed without an input event (cleared).
  stateSelect.addEventListener("change", () => go({ q: search.value.trim(), state: stateSelect.value, offset: 0 }));
  sortSelect.addEventListener("change", () => go({ q: search.value.trim(), sort: sortSelect.value, offset: 0 }));

  replace(main,
    h("p", { class: "crumbs" }, link("/groups", "Groups"), " / ", group),
    h("div", { class: "title-row" }, h("h1", {}, `Jobs of ${group}`),
      link(`/g/${seg(group)}/new`, "New job", { class: "button primary", id: "new-job" })),
    groupTabs(group, "jobs"),
    h("form", { class: "filters", role: "search", onsubmit: (e) => { e.preventDefault(); go({ q: search.value.trim(), offset: 0 }); } },
      h("label", { for: "job-search" }, "Search"), search, stateLabel, stateSelect, sortLabel, sortSelect),
    summary, table, pager, nodesPanel(group));
  load();
  return () => clearTimeout(searchTimer);
}
