#include "executors/http_runner.h"

#include <curl/curl.h>

#include <algorithm>
#include <climits>
#include <deque>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <tuple>
#include <unordered_map>

#include "core/body_pattern.h"
#include "core/executor_target.h"
#include "executors/output_tail.h"

#ifndef MAINSPRING_VERSION
#define MAINSPRING_VERSION "dev"
#endif

namespace mainspring {

namespace {

constexpr const char* k_user_agent = "mainspring/" MAINSPRING_VERSION;
// Idle easy handles kept for reuse; beyond this they are freed (setting one up is cheap, but
// not free: a few KB and option parsing per run).
constexpr std::size_t k_max_idle_easy_handles = 64;
// The runner thread wakes at least this often even with nothing to do (curl_multi_poll also
// returns early for curl's own timers and for curl_multi_wakeup).
constexpr int k_idle_poll_ms = 1000;

// curl_global_init must run once before any other libcurl call; a function-local static makes
// that happen on first use. Debian's libcurl 7.88 is built thread-safe (CURL_VERSION_THREADSAFE),
// so this is safe even if another library initialises curl on another thread.
bool curl_ready() {
  static const bool ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  return ok;
}

std::string escape(const std::string& s) {
  if (s.empty()) return {};  // curl_easy_escape takes length 0 as "use strlen"
  // The handle argument is ignored by libcurl since 7.82.
  char* escaped = curl_easy_escape(nullptr, s.data(), static_cast<int>(s.size()));
  if (escaped == nullptr) return {};
  std::string out{escaped};
  curl_free(escaped);
  return out;
}

// What start() and post_json() queue.
struct transfer_spec {
  uint64_t run_id = 0;
  std::string url;
  std::string method = "GET";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::vector<int> expect_codes;
  std::string expect_body;
  bool follow_redirects = false;
  std::string success_match;  // "" = none
  std::string error_match;    // "" = none
  std::chrono::milliseconds timeout{0};
  run_callback done;
};

// success_match and error_match, compiled (on the runner thread, once per run).
struct body_patterns {
  std::optional<body_pattern> success;
  std::optional<body_pattern> error;
};

// Compiles the spec's patterns; the error names the field, as validate_target does (a target
// is validated before it runs, so this fails only for a request built around the validation).
std::string compile_patterns(const transfer_spec& spec, body_patterns& out) {
  for (auto [pattern, field, slot] : {std::tuple{&spec.success_match, "success_match", &out.success},
                                      std::tuple{&spec.error_match, "error_match", &out.error}}) {
    if (pattern->empty()) continue;
    auto compiled = body_pattern::compile(*pattern);
    if (!compiled.ok()) return std::string("executor_config: ") + field + ": " + compiled.status().message();
    slot->emplace(std::move(compiled).value());
  }
  return "";
}

// Cronicle urlplug's checks of a reply body: error_match first, then success_match. "" = pass.
std::string unmatched_body(const transfer_spec& spec, const body_patterns& patterns, std::string_view body) {
  if (body.size() > k_max_http_match_text_bytes) body = body.substr(body.size() - k_max_http_match_text_bytes);
  // A search too costly for this body (body_pattern's step budget) counts as no success.
  if (patterns.error) {
    auto found = patterns.error->search(body);
    if (!found.ok()) return "Response could not be matched: error_match: " + found.status().message();
    if (*found) return "Response contains error match: " + spec.error_match;
  }
  if (patterns.success) {
    auto found = patterns.success->search(body);
    if (!found.ok()) return "Response could not be matched: success_match: " + found.status().message();
    if (!*found) return "Response missing success match: " + spec.success_match;
  }
  return "";
}

// Why a completed exchange is not a success, or "" when it is one.
std::string unmet_expectation(const transfer_spec& spec, long status, const std::string& body) {
  if (!http_status_expected(spec.expect_codes, status)) {
    std::string why = "HTTP " + std::to_string(status);
    if (!spec.expect_codes.empty()) why += ", expected " + expected_statuses_text(spec.expect_codes);
    return why;
  }
  if (!spec.expect_body.empty() && body.find(spec.expect_body) == std::string::npos)
    return "HTTP " + std::to_string(status) + ": the body does not contain the expected text";
  return "";
}

// A transfer handed to libcurl. Lives (at a fixed address: curl keeps pointers into it) from
// launch until its completion callback.
struct transfer {
  transfer_spec spec;
  body_patterns patterns;
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  output_tail body{k_max_output_tail_bytes};
  char error[CURL_ERROR_SIZE] = {};
  sys_ms start_time{};
  std::chrono::steady_clock::time_point started{};  // start_time on the steady clock
  // The runner keeps the time limit itself rather than hand it to curl, so that adjust() can move
  // it while the transfer runs.
  std::chrono::steady_clock::time_point deadline{};

  ~transfer() { curl_slist_free_all(headers); }
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<output_tail*>(user)->append(std::string_view(data, size * count));
  return size * count;
}

run_outcome failed_outcome(uint64_t run_id, sys_ms start_time, std::string error) {
  run_outcome out;
  out.run_id = run_id;
  out.result = run_result::failed;
  out.start_time = start_time;
  out.end_time = now_ms();
  out.error = std::move(error);
  return out;
}

// Turns a finished transfer into its outcome (see the header for the rules).
run_outcome outcome_of(transfer& t, CURLcode res) {
  run_outcome out;
  out.run_id = t.spec.run_id;
  out.start_time = t.start_time;
  out.end_time = now_ms();
  long status = 0;
  curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status);
  out.code = static_cast<int>(status);
  out.output_tail = t.body.str();
  if (res == CURLE_OK) {
    out.error = unmet_expectation(t.spec, status, out.output_tail);
    if (out.error.empty()) out.error = unmatched_body(t.spec, t.patterns, out.output_tail);
    out.result = out.error.empty() ? run_result::succeeded : run_result::failed;
  } else if (res == CURLE_OPERATION_TIMEDOUT) {
    out.result = run_result::timed_out;
    out.error = "timed out after " + std::to_string(t.spec.timeout.count()) + " ms";
  } else {
    out.result = run_result::failed;
    out.error = t.error[0] != '\0' ? t.error : curl_easy_strerror(res);
  }
  return out;
}

}  // namespace

std::string url_with_query(std::string_view url,
                           const std::vector<std::pair<std::string, std::string>>& params) {
  url = url.substr(0, url.find('#'));
  std::string out{url};
  if (params.empty()) return out;
  const char* sep = out.find('?') == std::string::npos ? "?" : "&";
  // "http://h/p?" needs no separator.
  if (!out.empty() && (out.back() == '?' || out.back() == '&')) sep = "";
  for (const auto& [name, value] : params) {
    out += sep;
    out += escape(name);
    out += '=';
    out += escape(value);
    sep = "&";
  }
  return out;
}

struct http_runner::impl {
  // -- constructors --

  explicit impl(std::size_t max) : max_concurrent(std::max<std::size_t>(max, 1)) {
    if (!curl_ready() || (multi = curl_multi_init()) == nullptr) return;
    curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, static_cast<long>(max_concurrent));
    thread = std::thread([this] { loop(); });
  }

  ~impl() {
    if (multi == nullptr) return;
    {
      std::lock_guard lock{mutex};
      stopping = true;
    }
    curl_multi_wakeup(multi);
    thread.join();
    for (CURL* easy : idle_easy) curl_easy_cleanup(easy);
    curl_multi_cleanup(multi);
  }

  // -- any thread --

  void submit(transfer_spec spec) {
    bool rejected = false;
    {
      std::lock_guard lock{mutex};
      rejected = stopping || multi == nullptr;
      if (!rejected) queue.push_back(std::move(spec));
    }
    if (rejected) {
      spec.done(failed_outcome(spec.run_id, now_ms(),
                               multi == nullptr ? "libcurl failed to initialise" : "runner stopped"));
      return;
    }
    curl_multi_wakeup(multi);
  }

  // A queued run is taken out and reported here; one in flight is left to the thread.
  void abort(uint64_t run_id, std::string why) {
    std::optional<transfer_spec> dequeued;
    {
      std::lock_guard lock{mutex};
      if (stopping || multi == nullptr) return;
      auto it = std::find_if(queue.begin(), queue.end(), [&](const transfer_spec& t) { return t.run_id == run_id; });
      if (it != queue.end()) {
        dequeued = std::move(*it);
        queue.erase(it);
      } else {
        aborts.emplace_back(run_id, std::move(why));
      }
    }
    if (dequeued) return dequeued->done(failed_outcome(run_id, now_ms(), "aborted: " + why));
    curl_multi_wakeup(multi);
  }

  void adjust(uint64_t run_id, std::chrono::milliseconds timeout) {
    {
      std::lock_guard lock{mutex};
      if (stopping || multi == nullptr) return;
      auto it = std::find_if(queue.begin(), queue.end(), [&](const transfer_spec& t) { return t.run_id == run_id; });
      if (it != queue.end()) return void(it->timeout = timeout);
      adjustments.emplace_back(run_id, timeout);
    }
    curl_multi_wakeup(multi);
  }

  // -- the runner thread --

  void loop() {
    while (admit_queued()) {
      int still_running = 0;
      curl_multi_perform(multi, &still_running);
      collect_finished();
      apply_requests();
      expire_deadlines();
      curl_multi_poll(multi, nullptr, 0, slot_free_and_work_waiting() ? 0 : poll_ms(), nullptr);
    }
    abort_everything();
  }

  // How long the thread may sleep: until the next deadline, k_idle_poll_ms at most.
  int poll_ms() const {
    if (deadlines.empty()) return k_idle_poll_ms;
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadlines.begin()->first - std::chrono::steady_clock::now());
    return static_cast<int>(std::clamp<long long>(left.count(), 0, k_idle_poll_ms));
  }

  // Ends the transfers abort() named and moves the deadlines adjust() changed.
  void apply_requests() {
    std::vector<std::pair<uint64_t, std::string>> ends;
    std::vector<std::pair<uint64_t, std::chrono::milliseconds>> moves;
    {
      std::lock_guard lock{mutex};
      if (aborts.empty() && adjustments.empty()) return;
      ends.swap(aborts);
      moves.swap(adjustments);
    }
    for (auto& [run_id, timeout] : moves)
      if (transfer* t = find_active(run_id)) {
        deadlines.erase({t->deadline, t->easy});
        t->spec.timeout = timeout;
        set_deadline(*t);
      }
    for (auto& [run_id, why] : ends)
      if (transfer* t = find_active(run_id)) end_early(t->easy, failed_outcome(run_id, t->start_time, "aborted: " + why));
  }

  void expire_deadlines() {
    const auto now = std::chrono::steady_clock::now();
    while (!deadlines.empty() && deadlines.begin()->first <= now) {
      CURL* easy = deadlines.begin()->second;
      end_early(easy, outcome_of(*active.at(easy), CURLE_OPERATION_TIMEDOUT));
    }
  }

  // A run's transfers are few: a linear search is fine for these rare requests.
  transfer* find_active(uint64_t run_id) {
    for (auto& [easy, t] : active)
      if (t->spec.run_id == run_id && run_id != 0) return t.get();
    return nullptr;
  }

  void set_deadline(transfer& t) {
    t.deadline = std::chrono::steady_clock::time_point::max();
    if (t.spec.timeout.count() > 0) t.deadline = t.started + t.spec.timeout;
    deadlines.emplace(t.deadline, t.easy);
  }

  // Takes a transfer out of curl before it completed (aborted, or past its deadline) and reports
  // `out` (made while the transfer still existed: it reads the body received so far).
  void end_early(CURL* easy, run_outcome out) {
    curl_multi_remove_handle(multi, easy);
    auto node = active.extract(easy);
    deadlines.erase({node.mapped()->deadline, easy});
    recycle_easy(easy);
    finish(std::move(node.mapped()->spec.done), std::move(out));
  }

  // Moves queued transfers into libcurl while there are free slots. False once stopping.
  bool admit_queued() {
    std::vector<transfer_spec> batch;
    {
      std::lock_guard lock{mutex};
      if (stopping) return false;
      while (!queue.empty() && running < max_concurrent) {
        batch.push_back(std::move(queue.front()));
        queue.pop_front();
        ++running;
      }
    }
    for (auto& spec : batch) launch(std::move(spec));
    return true;
  }

  bool slot_free_and_work_waiting() {
    std::lock_guard lock{mutex};
    return !queue.empty() && running < max_concurrent;
  }

  // REQUIRES: a slot was reserved for it (running was incremented).
  void launch(transfer_spec spec) {
    if (spec.timeout.count() <= 0) {
      auto error = "invalid timeout: " + std::to_string(spec.timeout.count()) + " ms";
      return finish(std::move(spec.done), failed_outcome(spec.run_id, now_ms(), std::move(error)));
    }
    auto t = std::make_unique<transfer>();
    t->spec = std::move(spec);
    if (std::string error = compile_patterns(t->spec, t->patterns); !error.empty())
      return finish(std::move(t->spec.done), failed_outcome(t->spec.run_id, now_ms(), std::move(error)));
    t->easy = take_easy();
    t->start_time = now_ms();
    t->started = std::chrono::steady_clock::now();
    CURLcode res = configure(*t);
    if (res == CURLE_OK && curl_multi_add_handle(multi, t->easy) == CURLM_OK) {
      set_deadline(*t);
      CURL* easy = t->easy;
      active.emplace(easy, std::move(t));
      return;
    }
    std::string error = res != CURLE_OK ? curl_easy_strerror(res) : "curl_multi_add_handle failed";
    if (t->error[0] != '\0') error = t->error;
    recycle_easy(t->easy);
    finish(std::move(t->spec.done),
           failed_outcome(t->spec.run_id, t->start_time, std::move(error)));
  }

  CURLcode configure(transfer& t) {
    CURL* e = t.easy;
    if (e == nullptr) return CURLE_OUT_OF_MEMORY;
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.error);
    curl_easy_setopt(e, CURLOPT_PRIVATE, &t);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_USERAGENT, k_user_agent);
    if (t.spec.follow_redirects) {
      curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
      curl_easy_setopt(e, CURLOPT_MAXREDIRS, static_cast<long>(k_max_http_redirects));
      // A redirect may not lead a job to file://, ftp:// or any other scheme curl speaks.
      if (CURLcode res = curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"); res != CURLE_OK) return res;
    } else {
      curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    }
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &t.body);
    if (CURLcode res = curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https"); res != CURLE_OK)
      return res;
    const auto& method = t.spec.method;
    if (method == "GET" && t.spec.body.empty()) {
      curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    } else if (method == "HEAD") {
      curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    } else {
      curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method.c_str());
      curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t.spec.body.size()));
      curl_easy_setopt(e, CURLOPT_POSTFIELDS, t.spec.body.data());
      // Stops curl from waiting for a "100 Continue" before sending a large body.
      t.headers = curl_slist_append(t.headers, "Expect:");
    }
    for (const auto& [name, value] : t.spec.headers)
      t.headers = curl_slist_append(t.headers, (name + ": " + value).c_str());
    if (t.headers) curl_easy_setopt(e, CURLOPT_HTTPHEADER, t.headers);
    return curl_easy_setopt(e, CURLOPT_URL, t.spec.url.c_str());
  }

  void collect_finished() {
    int pending = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi, &pending)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* easy = msg->easy_handle;
      CURLcode res = msg->data.result;  // msg is invalid after remove_handle
      curl_multi_remove_handle(multi, easy);
      auto node = active.extract(easy);
      if (node.empty()) continue;  // not ours; cannot happen
      transfer& t = *node.mapped();
      deadlines.erase({t.deadline, easy});
      run_outcome out = outcome_of(t, res);
      recycle_easy(easy);
      finish(std::move(t.spec.done), std::move(out));
    }
  }

  // Called on the way out of loop(): everything still in flight or queued fails.
  void abort_everything() {
    for (auto& [easy, t] : active) {
      curl_multi_remove_handle(multi, easy);
      run_outcome out = failed_outcome(t->spec.run_id, t->start_time, "runner stopped");
      recycle_easy(easy);
      finish(std::move(t->spec.done), std::move(out));
    }
    active.clear();
    deadlines.clear();
    std::deque<transfer_spec> left;
    {
      std::lock_guard lock{mutex};
      left.swap(queue);
    }
    for (auto& spec : left) spec.done(failed_outcome(spec.run_id, now_ms(), "runner stopped"));
  }

  // Frees the transfer's slot, then calls back with no lock held (the callback may call start()).
  void finish(run_callback done, run_outcome out) {
    {
      std::lock_guard lock{mutex};
      --running;
    }
    if (done) done(std::move(out));
  }

  CURL* take_easy() {
    if (idle_easy.empty()) return curl_easy_init();
    CURL* easy = idle_easy.back();
    idle_easy.pop_back();
    return easy;
  }

  void recycle_easy(CURL* easy) {
    if (easy == nullptr) return;
    if (idle_easy.size() >= k_max_idle_easy_handles) return curl_easy_cleanup(easy);
    curl_easy_reset(easy);  // forgets options; the multi keeps the connections
    idle_easy.push_back(easy);
  }

  // -- member variables --

  const std::size_t max_concurrent;
  CURLM* multi = nullptr;  // set once in the constructor

  mutable std::mutex mutex;
  std::deque<transfer_spec> queue;  // guarded by mutex
  std::size_t running = 0;          // guarded by mutex; slots taken, including launches
  bool stopping = false;            // guarded by mutex
  std::vector<std::pair<uint64_t, std::string>> aborts;                     // guarded by mutex
  std::vector<std::pair<uint64_t, std::chrono::milliseconds>> adjustments;  // guarded by mutex

  // Runner thread only.
  std::unordered_map<CURL*, std::unique_ptr<transfer>> active;
  std::set<std::pair<std::chrono::steady_clock::time_point, CURL*>> deadlines;  // one per active transfer
  std::vector<CURL*> idle_easy;

  std::thread thread;  // last: started once everything above exists
};

http_runner::http_runner(std::size_t max_concurrent)
    : impl_(std::make_unique<impl>(max_concurrent)) {}

http_runner::~http_runner() = default;

void http_runner::start(run_request req, run_callback done) {
  transfer_spec spec;
  spec.run_id = req.run_id;
  spec.url = url_with_query(req.target, req.extras);
  spec.method = std::move(req.method);
  spec.headers = std::move(req.headers);
  spec.body = std::move(req.body);
  spec.expect_codes = std::move(req.expect_codes);
  spec.expect_body = std::move(req.expect_body);
  spec.follow_redirects = req.follow_redirects;
  spec.success_match = std::move(req.success_match);
  spec.error_match = std::move(req.error_match);
  spec.timeout = req.timeout;
  spec.done = std::move(done);
  impl_->submit(std::move(spec));
}

void http_runner::abort(uint64_t run_id, std::string why) { impl_->abort(run_id, std::move(why)); }

void http_runner::adjust(uint64_t run_id, run_adjustment change) { impl_->adjust(run_id, change.timeout); }

void http_runner::post_json(std::string url, std::string body, std::chrono::milliseconds timeout,
                            run_callback done) {
  transfer_spec spec;
  spec.url = std::move(url);
  spec.method = "POST";
  spec.headers = {{"Content-Type", "application/json"}};
  spec.body = std::move(body);
  spec.timeout = timeout;
  spec.done = std::move(done);
  impl_->submit(std::move(spec));
}

std::size_t http_runner::running() const {
  std::lock_guard lock{impl_->mutex};
  return impl_->running;
}

std::size_t http_runner::queued() const {
  std::lock_guard lock{impl_->mutex};
  return impl_->queue.size();
}

}  // namespace mainspring
