#include "bench/load_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace mainspring::bench {

namespace {

using clock_type = std::chrono::steady_clock;

std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free, "request_stop() runs in a signal handler");

// After the deadline, answers still outstanding get this long past their own timeout.
constexpr auto k_drain_slack = std::chrono::seconds(2);

void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t append_body(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

// One request slot: an easy handle reused for every request of one client, so that its
// connection (from the multi's cache) and its buffers are reused too.
struct slot {
  CURL* easy = nullptr;
  http_call call;
  std::string url;
  std::string response;
  clock_type::time_point started;
  bool busy = false;
};

// Points `easy` at `call`; the strings must outlive the transfer (they live in the slot).
void prepare(CURL* easy, const std::string& url, const http_call& call, std::string* response,
             curl_slist* headers, long timeout_ms) {
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, response);
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(easy, CURLOPT_TCP_NODELAY, 1L);
  if (call.method == "POST") {
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, nullptr);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, call.body.c_str());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE, static_cast<long>(call.body.size()));
  } else {
    curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, call.method == "GET" ? nullptr : call.method.c_str());
  }
}

http_result result_of(CURL* easy, CURLcode code, std::string&& body, clock_type::time_point started) {
  http_result r;
  r.latency = clock_type::now() - started;
  if (code == CURLE_OK) {
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &r.status);
  } else {
    r.error = curl_easy_strerror(code);
  }
  r.body = std::move(body);
  return r;
}

}  // namespace

void request_stop() { g_stop.store(true, std::memory_order_relaxed); }
bool stop_requested() { return g_stop.load(std::memory_order_relaxed); }

struct load_client::impl {
  long timeout_ms = 30'000;
  curl_slist* headers = nullptr;
  CURL* probe = nullptr;  // fetch()'s own handle

  ~impl() {
    if (probe) curl_easy_cleanup(probe);
    curl_slist_free_all(headers);
  }
};

load_client::load_client(std::string base_url, std::chrono::milliseconds request_timeout)
    : base_url_(std::move(base_url)), impl_(std::make_unique<impl>()) {
  global_init_once();
  impl_->timeout_ms = static_cast<long>(request_timeout.count());
  // "Expect:" stops libcurl from waiting for 100 Continue before larger bodies.
  impl_->headers = curl_slist_append(nullptr, "Content-Type: application/json");
  impl_->headers = curl_slist_append(impl_->headers, "Expect:");
  impl_->probe = curl_easy_init();
}

load_client::~load_client() = default;

http_result load_client::fetch(const http_call& call) {
  std::string url = base_url_ + call.path;
  std::string response;
  prepare(impl_->probe, url, call, &response, impl_->headers, impl_->timeout_ms);
  auto started = clock_type::now();
  CURLcode code = curl_easy_perform(impl_->probe);
  return result_of(impl_->probe, code, std::move(response), started);
}

load_stats load_client::run(const load_options& options, const call_source& source,
                            const result_sink& sink) {
  load_stats stats;
  const std::size_t n = std::max<std::size_t>(1, options.clients);
  CURLM* multi = curl_multi_init();
  curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, static_cast<long>(n));
  curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, static_cast<long>(n));
  std::vector<slot> slots(n);
  for (auto& s : slots) {
    s.easy = curl_easy_init();
    curl_easy_setopt(s.easy, CURLOPT_PRIVATE, &s);
  }
  std::vector<slot*> idle;
  for (auto it = slots.rbegin(); it != slots.rend(); ++it) idle.push_back(&*it);

  const auto start = clock_type::now();
  const auto hard_stop = options.deadline == clock_type::time_point::max()
                             ? clock_type::time_point::max()
                             : options.deadline + std::chrono::milliseconds(impl_->timeout_ms) + k_drain_slack;
  std::size_t in_flight = 0;
  bool exhausted = false;

  auto finish = [&](slot* s, http_result&& r) {
    s->busy = false;
    --in_flight;
    (r.ok() ? stats.ok : stats.failed)++;
    sink(static_cast<std::size_t>(s - slots.data()), s->call, r);
    idle.push_back(s);
  };

  for (;;) {
    auto now = clock_type::now();
    bool open = !exhausted && now < options.deadline && !stop_requested();
    // Start what the pacing allows on every idle slot.
    while (open && !idle.empty()) {
      if (options.rate_per_s > 0) {
        double allowed = options.rate_per_s * std::chrono::duration<double>(now - start).count() + 1;
        if (static_cast<double>(stats.sent) >= allowed) break;
      }
      slot* s = idle.back();
      auto call = source(static_cast<std::size_t>(s - slots.data()));
      if (!call) {
        exhausted = true;
        break;
      }
      idle.pop_back();
      s->call = std::move(*call);
      s->url = base_url_ + s->call.path;
      s->response.clear();
      prepare(s->easy, s->url, s->call, &s->response, impl_->headers, impl_->timeout_ms);
      s->started = clock_type::now();
      if (options.rate_per_s > 0) {
        // Open loop: a paced request's latency counts from when the pace meant to send it, so
        // that time spent waiting for a free connection behind a slow answer is counted too
        // (no coordinated omission).
        auto intended = start + std::chrono::duration_cast<clock_type::duration>(
                                    std::chrono::duration<double>(static_cast<double>(stats.sent) / options.rate_per_s));
        if (intended < s->started) s->started = intended;
      }
      s->busy = true;
      curl_multi_add_handle(multi, s->easy);
      ++in_flight;
      ++stats.sent;
    }
    if (in_flight == 0) {
      if (!open) break;
      std::this_thread::sleep_for(std::chrono::microseconds(200));  // paced: wait for a token
      continue;
    }
    if (now >= hard_stop) break;
    int running = 0;
    curl_multi_perform(multi, &running);
    bool any_done = false;
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
      if (msg->msg != CURLMSG_DONE) continue;
      slot* s = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, reinterpret_cast<char**>(&s));
      CURLcode code = msg->data.result;
      curl_multi_remove_handle(multi, s->easy);
      finish(s, result_of(s->easy, code, std::move(s->response), s->started));
      any_done = true;
    }
    if (!any_done) {
      int wait_ms = options.rate_per_s > 0 && !idle.empty() ? 1 : 20;
      curl_multi_poll(multi, nullptr, 0, wait_ms, nullptr);
    }
  }
  // Past the hard stop: whatever is still out is abandoned and counted as failed.
  for (auto& s : slots) {
    if (!s.busy) continue;
    curl_multi_remove_handle(multi, s.easy);
    http_result r;
    r.error = "abandoned at the run's deadline";
    r.latency = clock_type::now() - s.started;
    finish(&s, std::move(r));
  }
  for (auto& s : slots) curl_easy_cleanup(s.easy);
  curl_multi_cleanup(multi);
  stats.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
  return stats;
}

}  // namespace mainspring::bench
