// groups.js: the groups list, with creating a group and removing one (after confirmation).

import { api } from "./api.js";
import { h, link, notify, replace } from "./dom.js";

const GROUP_NAME = /^[A-Za-z0-9_]{1,22}$/;

export function groupsView(main) {
  const list = h("div", {}, h("p", { class: "muted" }, "Loading…"));
  const input = h("input", { id: "group-name", name: "group_name", required: true, pattern: "[A-Za-z0-9_]{1,22}",
                             "aria-describedby": "group-name-error", autocomplete: "off" });
  const error = h("p", { id: "group-name-error", class: "field-error", role: "alert" });
  const form = h("form", { class: "inline-form", onsubmit: async (e) => {
    e.preventDefault();
    error.textContent = "";
    const name = input.value.trim();
    if (!GROUP_NAME.test(name)) { error.textContent = "group_name: letters, digits and _ only, 1 to 22 of them"; input.focus(); return; }
    try {
      await api.post("/v1/register/group", { group_name: name });
      notify(`Group ${name} created`);
      input.value = "";
      load();
    } catch (err) { error.textContent = err.message; input.focus(); }
  } }, h("label", { for: "group-name" }, "New group"), input, h("button", { type: "submit", class: "primary" }, "Create group"), error);

  async function remove(group) {
    if (!confirm(`Remove group ${group} and every job in it? This cannot be undone.`)) return;
    try {
      await api.post("/v1/remove/group", { group_name: group });
      notify(`Group ${group} removed`);
      load();
    } catch (err) { notify(err.message, "error"); }
  }

  async function load() {
    try {
      const groups = await api.get("/v1/group/list");
      if (!groups.length) return replace(list, h("p", { class: "muted" }, "No groups yet: create one above."));
      replace(list, h("ul", { class: "group-list" }, groups.map((g) => h("li", {},
        link(`/g/${encodeURIComponent(g)}`, g, { class: "group-link" }),
        h("button", { type: "button", class: "danger small", onclick: () => remove(g), "aria-label": `Remove group ${g}` }, "Remove")))));
    } catch (err) { replace(list, h("p", { class: "field-error" }, err.message)); }
  }
  replace(main, h("h1", {}, "Groups"), form, list);
  load();
}
