// dom.js: building the page without innerHTML. Every text goes through textContent (via
// document.createTextNode), so a job name such as <img src=x onerror=alert(1)> shows as text.
//
//   import { h, clear } from "./dom.js";
//   main.append(h("button", { type: "button", onclick: run }, "Run now"));

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") el.addEventListener(name.slice(2), value);
    else if (name === "class") el.className = value;
    else if (name === "dataset") Object.assign(el.dataset, value);
    else if (name === "value") el.value = value;
    else if (name === "checked") el.checked = !!value;
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

export function replace(el, ...children) {
  clear(el);
  append(el, children);
  return el;
}

// A link inside the single-page app (hash routes).
export const link = (route, text, attrs = {}) => h("a", { href: `#${route}`, ...attrs }, text);

// A labelled input with its help and the box its error goes to (`${id}-error`), for forms that
// show each server error at the field it names.
//   form.append(field("f-name", "Name", h("input", { required: true }), "Up to 128 characters."));
export function field(id, label, input, help) {
  input.id = id;
  input.setAttribute("aria-describedby", `${id}-error${help ? ` ${id}-help` : ""}`);
  return h("div", { class: "field", id: `${id}-field` }, h("label", { for: id }, label), input,
           help ? h("p", { class: "help", id: `${id}-help` }, help) : null,
           h("p", { class: "field-error", id: `${id}-error`, role: "alert" }));
}

// A view's tabs (a group's jobs and pools): links, the current one marked for screen readers.
//   main.append(tabs("Group", [["/g/G", "Jobs", "tab-jobs"], ["/g/G/pools", "Pools", "tab-pools"]], "/g/G/pools"));
export const tabs = (label, items, current) => h("nav", { class: "tabs", "aria-label": label },
  items.map(([route, text, id]) => link(route, text, { id, "aria-current": route === current ? "page" : null })));

// A short message in the live region under the header (announced by screen readers).
const NOTICE_MS = 6000;
export function notify(message, kind = "info") {
  const item = h("p", { class: `notice notice-${kind}` }, message);
  document.getElementById("notice").append(item);
  setTimeout(() => item.remove(), NOTICE_MS);
}

// -- formatting --

export function formatTime(ms, zone) {
  if (ms === null || ms === undefined || ms === 0) return "—";
  const options = { year: "numeric", month: "short", day: "2-digit", hour: "2-digit", minute: "2-digit",
                    second: "2-digit", hour12: false };
  try {
    return new Intl.DateTimeFormat(undefined, zone ? { ...options, timeZone: zone, timeZoneName: "short" } : options)
      .format(new Date(ms));
  } catch {
    return new Date(ms).toISOString();
  }
}

export function formatDuration(ms) {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1) return `${Math.round(ms * 1000)} µs`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export function formatSeconds(s) { return s === null || s === undefined ? "—" : formatDuration(s * 1000); }

export function formatRate(perSecond) {
  if (!perSecond) return "0/s";
  if (perSecond >= 100) return `${Math.round(perSecond)}/s`;
  if (perSecond >= 1) return `${perSecond.toFixed(1)}/s`;
  return `${(perSecond * 60).toFixed(1)}/min`;
}

export const formatCount = (n) => (n ?? 0).toLocaleString();

// A state badge: active, paused, done, succeeded, failed, timed_out, running, skipped.
export const badge = (state) => h("span", { class: `badge badge-${String(state).replace(/[^a-z_]/g, "")}` }, String(state).replace("_", " "));
