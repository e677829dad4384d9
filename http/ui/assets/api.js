// api.js: every call the dashboard makes to the native API, same origin only.
//
// The API key (if the server wants one) lives in sessionStorage and goes in the X-API-Key
// header of each call, never in a URL. Every call also sends X-Requested-With, a header no
// cross-site form can set. Errors become ApiError with the server's message.
//
//   import { api } from "./api.js";
//   const page = await api.get("/v1/G/jobs", { offset: 0, limit: 50, q: "backup" });
//   await api.post("/v1/pause/job", { group_name: "G", job_id: "nightly" });
//   await api.put("/v1/G/pool/nightly", { enabled: true, max_running: 2 });

const KEY_STORAGE = "mainspring.apiKey";
const REQUEST_TIMEOUT_MS = 15000;

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function apiKey() { return sessionStorage.getItem(KEY_STORAGE) || ""; }
export function setApiKey(key) {
  if (key) sessionStorage.setItem(KEY_STORAGE, key);
  else sessionStorage.removeItem(KEY_STORAGE);
}

// Listeners told when the server refuses the key (401): the shell then asks for one.
const unauthorizedListeners = new Set();
export function onUnauthorized(fn) { unauthorizedListeners.add(fn); }

function withQuery(path, query) {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== "") params.set(k, String(v));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function call(method, path, { query, body } = {}) {
  const headers = { "Accept": "application/json", "X-Requested-With": "mainspring-ui" };
  const key = apiKey();
  if (key) headers["X-API-Key"] = key;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  let response;
  try {
    response = await fetch(withQuery(path, query), {
      method, headers, credentials: "same-origin", cache: "no-store", signal: controller.signal,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, e.name === "AbortError" ? "the server did not answer in time" : "the server cannot be reached");
  } finally {
    clearTimeout(timer);
  }
  let payload = null;
  try { payload = await response.json(); } catch { payload = null; }
  // Key management answers 401 to non-admins on any server: its page explains that itself.
  if (response.status === 401 && !path.startsWith("/v1/apikeys")) unauthorizedListeners.forEach((fn) => fn());
  if (!response.ok || !payload || !("success" in payload)) {
    const message = payload && typeof payload.error === "string" ? payload.error : `HTTP ${response.status}`;
    throw new ApiError(response.status, message);
  }
  return payload.success;
}

export const api = {
  get: (path, query) => call("GET", path, { query }),
  post: (path, body = {}) => call("POST", path, { body }),
  put: (path, body = {}) => call("PUT", path, { body }),
  del: (path) => call("DELETE", path),
};

// Path segments are user data: always encoded.
export const seg = (text) => encodeURIComponent(text);
