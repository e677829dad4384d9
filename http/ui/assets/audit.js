// audit.js: the audit log (GET /v1/audit): who changed what, over a chosen span, newest first.

import { api } from "./api.js";
import { formatTime, h, replace } from "./dom.js";

const SPANS = [[3600, "Last hour"], [86400, "Last day"], [7 * 86400, "Last week"], [30 * 86400, "Last 30 days"]];
const LIMIT = 500;

export function auditView(main) {
  const span = h("select", { id: "audit-span" }, SPANS.map(([s, t]) => h("option", { value: s, selected: s === 86400 }, t)));
  const out = h("div", { class: "table-wrap" });
  async function load() {
    const now = Math.floor(Date.now() / 1000);
    try {
      const entries = await api.get("/v1/audit", { from: now - Number(span.value), to: now + 60, limit: LIMIT });
      entries.reverse();
      replace(out, entries.length ? h("table", { id: "audit-table" },
        h("thead", {}, h("tr", {}, ["Time", "Action", "Group", "Job", "API", "Key", "Detail"].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, entries.map((e) => h("tr", {}, h("td", {}, formatTime(e.time_ms)), h("td", {}, e.action),
          h("td", {}, e.group_name), h("td", { class: "mono" }, e.job_id), h("td", {}, e.api), h("td", { class: "mono" }, e.key_id || "—"),
          h("td", {}, e.detail)))))
        : h("p", { class: "muted" }, "Nothing recorded in this span."));
    } catch (err) { replace(out, h("p", { class: "field-error" }, err.message)); }
  }
  span.addEventListener("change", load);
  replace(main, h("h1", {}, "Audit log"), h("div", { class: "filters" }, h("label", { for: "audit-span" }, "Span"), span,
    h("button", { type: "button", onclick: load }, "Refresh")), out);
  load();
}
