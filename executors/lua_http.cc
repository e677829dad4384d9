#include "executors/lua_http.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "executors/lua_context.h"

#ifndef MAINSPRING_VERSION
#define MAINSPRING_VERSION "dev"
#endif

// The Lua-facing functions keep every C++ object in a userdata (an http_exchange with a __gc
// that destroys it), never in their own frames: a Lua error unwinds them with longjmp.

namespace mainspring {

namespace {

constexpr const char* k_exchange_type = "mainspring.http_exchange";

bool curl_ready() {
  static const bool ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  return ok;
}

// One request and its answer.
struct http_exchange {
  std::string url;
  bool post = false;
  std::string body;
  std::vector<std::string> headers;  // "Name: value"
  long timeout_ms = 0;
  bool allow_remote = false;
  const std::atomic<bool>* cancel = nullptr;

  long status = 0;
  std::string response;
  bool too_large = false;
  bool timed_out = false;
  bool refused_address = false;
  std::string error;  // non-empty: the request failed with this message
};

bool is_loopback(const sockaddr* addr) {
  if (addr->sa_family == AF_INET) {
    auto* in = reinterpret_cast<const sockaddr_in*>(addr);
    return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
  }
  if (addr->sa_family == AF_INET6) {
    auto* in6 = reinterpret_cast<const sockaddr_in6*>(addr);
    if (IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr)) return true;
    return IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) && in6->sin6_addr.s6_addr[12] == 127;
  }
  return false;
}

// libcurl asks us for each socket: only loopback destinations get one.
curl_socket_t open_loopback_socket(void* user, curlsocktype purpose, curl_sockaddr* address) {
  if (purpose != CURLSOCKTYPE_IPCXN || !is_loopback(&address->addr)) {
    static_cast<http_exchange*>(user)->refused_address = true;
    return CURL_SOCKET_BAD;
  }
  return ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* x = static_cast<http_exchange*>(user);
  std::size_t n = size * count;
  if (x->response.size() + n > k_lua_http_max_body_bytes) {
    x->too_large = true;
    return 0;  // aborts the transfer
  }
  try {
    x->response.append(data, n);
  } catch (...) {
    x->too_large = true;
    return 0;
  }
  return n;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* cancel = static_cast<http_exchange*>(user)->cancel;
  return cancel != nullptr && cancel->load(std::memory_order_relaxed) ? 1 : 0;
}

// Runs the request on this thread. Never throws.
void perform(http_exchange& x) noexcept {
  try {
    CURL* easy = curl_ready() ? curl_easy_init() : nullptr;
    if (easy == nullptr) {
      x.error = "http: libcurl failed to initialise";
      return;
    }
    char error[CURL_ERROR_SIZE] = {};
    curl_slist* headers = curl_slist_append(nullptr, "Expect:");
    for (const auto& h : x.headers) headers = curl_slist_append(headers, h.c_str());
    curl_easy_setopt(easy, CURLOPT_URL, x.url.c_str());
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(easy, CURLOPT_PROXY, "");  // never http_proxy & co. from the environment
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, x.timeout_ms);
    curl_easy_setopt(easy, CURLOPT_USERAGENT, "mainspring-lua/" MAINSPRING_VERSION);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &x);
    curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(easy, CURLOPT_XFERINFODATA, &x);
    if (!x.allow_remote) {
      curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, open_loopback_socket);
      curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, &x);
    }
    if (x.post) {
      curl_easy_setopt(easy, CURLOPT_POST, 1L);
      curl_easy_setopt(easy, CURLOPT_POSTFIELDS, x.body.data());
      curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(x.body.size()));
    }
    CURLcode res = curl_easy_perform(easy);
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &x.status);
    curl_easy_cleanup(easy);
    curl_slist_free_all(headers);
    if (res == CURLE_OK) return;
    x.response.clear();
    if (x.too_large) {
      x.error = "http: response body larger than " + std::to_string(k_lua_http_max_body_bytes) +
                " bytes";
    } else if (x.refused_address) {
      x.error = "http: refused to connect to a non-loopback address";
    } else if (res == CURLE_OPERATION_TIMEDOUT) {
      x.timed_out = true;
      x.error = "http: timed out after " + std::to_string(x.timeout_ms) + " ms";
    } else if (res == CURLE_ABORTED_BY_CALLBACK) {
      x.error = "http: cancelled";
    } else {
      x.error = std::string("http: ") + (error[0] != '\0' ? error : curl_easy_strerror(res));
    }
  } catch (...) {
    x.error = "http: out of memory";
  }
}

// Sets x.error when the URL may not be requested. Never throws.
bool url_allowed(http_exchange& x) noexcept {
  try {
    status st = check_lua_http_url(x.url, x.allow_remote);
    if (st.ok()) return true;
    x.error = "http: " + st.message();
  } catch (...) {
    x.error = "http: out of memory";
  }
  return false;
}

int exchange_gc(lua_State* L) {
  static_cast<http_exchange*>(lua_touserdata(L, 1))->~http_exchange();
  return 0;
}

// Pushes a new, empty http_exchange whose destructor Lua's collector will run.
http_exchange* push_exchange(lua_State* L) {
  luaL_getmetatable(L, k_exchange_type);
  void* memory = lua_newuserdatauv(L, sizeof(http_exchange), 0);
  auto* x = new (memory) http_exchange();  // nothing here throws: empty strings and vector
  lua_rotate(L, -2, 1);                    // ud, mt
  lua_setmetatable(L, -2);
  return x;
}

// Copies (s, n) into `out`; false when memory ran out. Never throws.
bool assign(std::string& out, const char* s, std::size_t n) noexcept {
  try {
    out.assign(s, n);
    return true;
  } catch (...) {
    return false;
  }
}

bool has_forbidden_header_byte(const char* s, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i)
    if (s[i] == '\r' || s[i] == '\n' || s[i] == '\0') return true;
  return false;
}

bool add_header(http_exchange& x, const char* name, std::size_t name_len, const char* value,
                std::size_t value_len) noexcept {
  try {
    std::string line(name, name_len);
    line += ": ";
    line.append(value, value_len);
    x.headers.push_back(std::move(line));
    return true;
  } catch (...) {
    return false;
  }
}

// Copies the headers table at `index` into x; raises on a bad entry.
void read_headers(lua_State* L, int index, http_exchange& x) {
  lua_pushnil(L);
  while (lua_next(L, index) != 0) {
    if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING)
      luaL_error(L, "http.post: headers must map strings to strings");
    std::size_t name_len = 0;
    std::size_t value_len = 0;
    const char* name = lua_tolstring(L, -2, &name_len);
    const char* value = lua_tolstring(L, -1, &value_len);
    if (name_len == 0 || has_forbidden_header_byte(name, name_len) ||
        has_forbidden_header_byte(value, value_len) || std::memchr(name, ':', name_len) != nullptr)
      luaL_error(L, "http.post: invalid header name or value (empty, or holding ':', CR, LF, NUL)");
    if (x.headers.size() >= static_cast<std::size_t>(k_lua_http_max_headers))
      luaL_error(L, "http.post: more than %d headers", k_lua_http_max_headers);
    if (!add_header(x, name, name_len, value, value_len)) luaL_error(L, "not enough memory");
    lua_pop(L, 1);
  }
}

// http.get(url [, timeout_s]) and http.post(url, body [, headers [, timeout_s]]).
int request(lua_State* L, bool post) {
  lua_call_context& ctx = context_of(L);
  if (ctx.stop != lua_stop_reason::none) raise_stop(L, ctx.stop);
  if (ctx.deadline_passed()) raise_stop(L, lua_stop_reason::timeout);

  const char* fn = post ? "http.post" : "http.get";
  std::size_t url_len = 0;
  const char* url = luaL_checklstring(L, 1, &url_len);
  std::size_t body_len = 0;
  const char* body = post ? luaL_checklstring(L, 2, &body_len) : nullptr;
  int headers_index = post ? 3 : 0;
  int timeout_index = post ? 4 : 2;
  if (post && !lua_isnoneornil(L, headers_index)) luaL_checktype(L, headers_index, LUA_TTABLE);
  double default_s = std::chrono::duration<double>(k_lua_http_default_timeout).count();
  double timeout_s = static_cast<double>(luaL_optnumber(L, timeout_index, default_s));
  if (!(timeout_s > 0)) return luaL_error(L, "%s: the timeout must be positive", fn);

  long timeout_ms = timeout_s >= 86'400.0 ? 86'400'000L : static_cast<long>(timeout_s * 1000.0);
  timeout_ms = std::max(timeout_ms, 1L);
  bool cut_by_deadline = false;
  if (ctx.has_deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        ctx.deadline - lua_call_context::clock::now());
    if (left.count() < timeout_ms) {
      timeout_ms = std::max<long>(static_cast<long>(left.count()), 1L);
      cut_by_deadline = true;
    }
  }

  http_exchange* x = push_exchange(L);
  x->post = post;
  x->timeout_ms = timeout_ms;
  x->allow_remote = ctx.allow_remote_hosts;
  x->cancel = ctx.cancel;
  if (!assign(x->url, url, url_len) || (post && !assign(x->body, body, body_len)))
    return luaL_error(L, "not enough memory");
  if (post && !lua_isnoneornil(L, headers_index)) read_headers(L, headers_index, *x);

  if (url_allowed(*x)) perform(*x);
  if (x->timed_out && cut_by_deadline) raise_stop(L, lua_stop_reason::timeout);
  if (ctx.cancel != nullptr && ctx.cancel->load(std::memory_order_relaxed))
    raise_stop(L, lua_stop_reason::cancelled);
  if (!x->error.empty()) {
    lua_pushnil(L);
    lua_pushlstring(L, x->error.data(), x->error.size());
    return 2;
  }
  lua_pushinteger(L, static_cast<lua_Integer>(x->status));
  lua_pushlstring(L, x->response.data(), x->response.size());
  return 2;
}

int http_get(lua_State* L) { return request(L, false); }
int http_post(lua_State* L) { return request(L, true); }

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool is_loopback_host(std::string host) {
  host = lower(std::move(host));
  if (host == "localhost") return true;
  in_addr v4{};
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    in6_addr v6{};
    std::string inner = host.substr(1, host.size() - 2);
    return ::inet_pton(AF_INET6, inner.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
  }
  return false;
}

// One part of a parsed URL, or "" when it is absent.
std::string url_part(CURLU* url, CURLUPart part) {
  char* value = nullptr;
  if (curl_url_get(url, part, &value, 0) != CURLUE_OK || value == nullptr) return {};
  std::string out{value};
  curl_free(value);
  return out;
}

}  // namespace

status check_lua_http_url(std::string_view url, bool allow_remote_hosts) {
  if (!curl_ready()) return status::internal("libcurl failed to initialise");
  std::string text{url};
  if (text.find('\0') != std::string::npos) return status::invalid_argument("invalid URL");
  CURLU* parsed = curl_url();
  if (parsed == nullptr) return status::internal("out of memory");
  bool ok = curl_url_set(parsed, CURLUPART_URL, text.c_str(), 0) == CURLUE_OK;
  std::string scheme = ok ? lower(url_part(parsed, CURLUPART_SCHEME)) : "";
  std::string host = ok ? url_part(parsed, CURLUPART_HOST) : "";
  curl_url_cleanup(parsed);
  if (!ok) return status::invalid_argument("invalid URL: " + text);
  if (scheme != "http" && scheme != "https")
    return status::invalid_argument("only http:// and https:// URLs are allowed: " + text);
  if (!allow_remote_hosts && !is_loopback_host(host))
    return status::invalid_argument(
        "only loopback hosts (localhost, 127.0.0.0/8, [::1]) may be called from Lua, not '" +
        host + "'");
  return {};
}

int open_lua_http(lua_State* L) {
  if (luaL_newmetatable(L, k_exchange_type) != 0) {
    lua_pushcfunction(L, exchange_gc);
    lua_setfield(L, -2, "__gc");
  }
  lua_pop(L, 1);
  static const luaL_Reg functions[] = {{"get", http_get}, {"post", http_post}, {nullptr, nullptr}};
  luaL_newlib(L, functions);
  return 1;
}

}  // namespace mainspring
