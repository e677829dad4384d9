// app.js: the dashboard's shell: hash routes to views, the API key prompt, notices.
//
// Routes: #/ overview, #/groups, #/g/{group} jobs, #/g/{group}/new, #/g/{group}/job/{id},
// #/g/{group}/job/{id}/edit, #/g/{group}/pools, #/audit, #/keys. A view is a function (main,
// params) that draws into main and may return a cleanup (stop polling) run when the route changes.

import { apiKey, onUnauthorized, setApiKey } from "./api.js";
import { h, replace } from "./dom.js";
import { auditView } from "./audit.js";
import { groupsView } from "./groups.js";
import { jobDetailView } from "./job_detail.js";
import { jobFormView } from "./job_form.js";
import { jobsView } from "./jobs.js";
import { keysView } from "./keys.js";
import { overviewView } from "./overview.js";
import { poolsView } from "./pools.js";

const routes = [
  [/^\/?$/, overviewView, "overview"],
  [/^\/groups$/, groupsView, "groups"],
  [/^\/g\/([^/]+)$/, (m, p) => jobsView(m, p[0]), "groups"],
  [/^\/g\/([^/]+)\/new$/, (m, p) => jobFormView(m, p[0], null), "groups"],
  [/^\/g\/([^/]+)\/job\/([^/]+)$/, (m, p) => jobDetailView(m, p[0], p[1]), "groups"],
  [/^\/g\/([^/]+)\/job\/([^/]+)\/edit$/, (m, p) => jobFormView(m, p[0], p[1]), "groups"],
  [/^\/g\/([^/]+)\/pools$/, (m, p) => poolsView(m, p[0]), "groups"],
  [/^\/audit$/, auditView, "audit"],
  [/^\/keys$/, keysView, "keys"],
];

const main = document.getElementById("main");
let cleanup = null;

function route() {
  if (cleanup) { cleanup(); cleanup = null; }
  const path = decodeURI(location.hash.replace(/^#/, "")).split("?")[0];
  for (const [pattern, view, nav] of routes) {
    const m = path.match(pattern);
    if (!m) continue;
    document.querySelectorAll("[data-nav]").forEach((a) => {
      if (a.dataset.nav === nav) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    });
    const params = m.slice(1).map((p) => decodeURIComponent(p));
    replace(main, h("p", { class: "muted" }, "Loading…"));
    cleanup = view(main, params) || null;
    if (cleanup && typeof cleanup.then === "function") {
      const pending = cleanup;
      cleanup = () => pending.then((fn) => fn && fn());
    }
    return;
  }
  replace(main, h("h1", {}, "Not found"), h("p", {}, "No such page. ", h("a", { href: "#/" }, "Back to the overview")));
}

// -- the API key dialog --

function keyDialog(reason) {
  if (document.getElementById("key-dialog")) return;
  const input = h("input", { id: "key-input", type: "password", autocomplete: "off", required: true,
                             "aria-describedby": "key-help" });
  const dialog = h("dialog", { id: "key-dialog", "aria-labelledby": "key-title" },
    h("form", { method: "dialog", onsubmit: (e) => {
      e.preventDefault();
      setApiKey(input.value.trim());
      dialog.close();
      dialog.remove();
      route();
    } },
      h("h2", { id: "key-title" }, "API key"),
      h("p", { id: "key-help" }, reason || "This server wants an API key. It is kept in this tab only (sessionStorage) and sent as X-API-Key."),
      h("label", { for: "key-input" }, "Key"), input,
      h("div", { class: "actions" },
        h("button", { type: "submit", class: "primary" }, "Use key"),
        h("button", { type: "button", onclick: () => { setApiKey(""); dialog.close(); dialog.remove(); route(); } }, "Forget key"),
        h("button", { type: "button", onclick: () => { dialog.close(); dialog.remove(); } }, "Cancel"))));
  document.body.append(dialog);
  dialog.showModal();
  input.focus();
}

onUnauthorized(() => keyDialog(apiKey() ? "The server refused this key (wrong, disabled, or missing a privilege). Enter another."
                                       : "This server wants an API key (--require-api-key)."));
document.getElementById("key-button").addEventListener("click", () => keyDialog());
window.addEventListener("hashchange", () => { route(); main.focus({ preventScroll: true }); });
route();
