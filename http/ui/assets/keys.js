// keys.js: API key management (/v1/apikeys, admin keys only): list, create (the secret is shown
// once), enable/disable, delete. With no key yet, offers the bootstrap of the first admin key.

import { ApiError, api, seg, setApiKey } from "./api.js";
import { formatTime, h, notify, replace } from "./dom.js";

const PRIVILEGES = ["admin", "create_events", "edit_events", "delete_events", "run_events", "abort_events", "state_update"];

export function keysView(main) {
  const out = h("div", {});
  const secret = h("div", { id: "key-secret", "aria-live": "polite" });

  function showSecret(key) {
    replace(secret, h("div", { class: "panel warn" }, h("p", {}, "Copy this key now; it is never shown again:"),
      h("pre", { class: "output mono", id: "new-key" }, key.key)));
  }

  async function bootstrap() {
    try {
      const key = await api.post("/v1/apikeys/bootstrap");
      showSecret(key);
      setApiKey(key.key);
      notify("First admin key created and used for this tab");
      load();
    } catch (err) { notify(err.message, "error"); }
  }

  function createForm() {
    const title = h("input", { id: "key-title-input", required: true, maxlength: 128, autocomplete: "off" });
    const boxes = PRIVILEGES.map((p) => h("label", { class: "check" }, h("input", { type: "checkbox", value: p }), p));
    return h("form", { class: "panel", onsubmit: async (e) => {
      e.preventDefault();
      const privileges = boxes.map((b) => b.querySelector("input")).filter((i) => i.checked).map((i) => i.value);
      try {
        showSecret(await api.post("/v1/apikeys", { title: title.value.trim(), privileges, active: 1 }));
        load();
      } catch (err) { notify(err.message, "error"); }
    } }, h("h2", {}, "New key"), h("label", { for: "key-title-input" }, "Title"), title,
      h("fieldset", {}, h("legend", {}, "Privileges (none: read only)"), boxes),
      h("button", { type: "submit", class: "primary" }, "Create key"));
  }

  async function change(id, body, label) {
    try { await api.post(`/v1/apikeys/${seg(id)}`, body); notify(label); load(); } catch (err) { notify(err.message, "error"); }
  }
  async function remove(k) {
    if (!confirm(`Delete the key "${k.title}"? Clients using it are refused from now on.`)) return;
    try { await api.del(`/v1/apikeys/${seg(k.id)}`); notify("Key deleted"); load(); } catch (err) { notify(err.message, "error"); }
  }

  async function load() {
    try {
      const keys = await api.get("/v1/apikeys");
      replace(out, h("div", { class: "table-wrap" }, h("table", { id: "keys-table" },
        h("thead", {}, h("tr", {}, ["Title", "Id", "Privileges", "Active", "Created", "Last used", ""].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, keys.map((k) => h("tr", {}, h("td", {}, k.title), h("td", { class: "mono" }, k.id),
          h("td", {}, (k.privileges || []).join(", ") || "read only"), h("td", {}, k.active ? "yes" : "no"),
          h("td", {}, formatTime(k.created * 1000)), h("td", {}, formatTime(k.last_used * 1000)),
          h("td", {}, h("button", { type: "button", class: "small", onclick: () => change(k.id, { active: k.active ? 0 : 1 }, k.active ? "Key disabled" : "Key enabled") }, k.active ? "Disable" : "Enable"),
            " ", h("button", { type: "button", class: "small danger", onclick: () => remove(k) }, "Delete"))))))), createForm());
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        replace(out, h("p", {}, "Managing keys needs an admin key. If this server has no key yet, create the first one:"),
          h("button", { type: "button", id: "bootstrap", onclick: bootstrap }, "Create the first admin key"));
      } else {
        replace(out, h("p", { class: "field-error" }, err.message));
      }
    }
  }
  replace(main, h("h1", {}, "API keys"), secret, out);
  load();
}
