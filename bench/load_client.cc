#include "bench/load_client.h"

#include <algorithm>
#include <atomic>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "bench/http_connection.h"

namespace mainspring::bench {

namespace {

namespace asio = boost::asio;
using clock_type = std::chrono::steady_clock;

std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free, "request_stop() runs in a signal handler");

// After the deadline, answers still outstanding get this long past their own timeout.
constexpr auto k_drain_slack = std::chrono::seconds(2);
// How often a run checks its requests' timeouts, its hard stop and request_stop(): the slack
// of each of those.
constexpr auto k_check_interval = std::chrono::milliseconds(10);

http_result failure(std::string error) {
  http_result r;
  r.error = std::move(error);
  return r;
}

// One run(): `clients` connections on an io_context of its own, driven on the caller's thread.
// A fresh io_context per run means that nothing of an earlier run (say one the sink threw out
// of) can call into this one.
class load_run {
 public:
  load_run(const load_target& target, std::chrono::milliseconds request_timeout, const load_options& options,
           const call_source& source, const result_sink& sink)
      : options_(options), source_(source), sink_(sink), request_timeout_(request_timeout), target_(target) {
    const std::size_t n = std::max<std::size_t>(1, options.clients);
    slots_.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      slots_[i].conn = std::make_unique<http_connection>(
          io_, target, request_timeout, [this, i](http_result&& r) { answered(i, std::move(r)); });
    }
    for (std::size_t i = n; i-- > 0;) idle_.push_back(i);
  }

  load_stats go() {
    start_ = clock_type::now();
    hard_stop_ = options_.deadline == clock_type::time_point::max()
                     ? clock_type::time_point::max()
                     : options_.deadline + request_timeout_ + k_drain_slack;
    fill();
    if (!finished_) arm_check();
    io_.run();  // returns once finish() cancelled the timers and the last handler ran
    stats_.seconds = std::chrono::duration<double>(clock_type::now() - start_).count();
    return stats_;
  }

 private:
  struct slot {
    std::unique_ptr<http_connection> conn;
    http_call call;
    clock_type::time_point origin;  // where its latency counts from
    clock_type::time_point sent;    // when it went to the connection
    bool busy = false;
  };

  bool accepting(clock_type::time_point now) const {
    return !exhausted_ && now < options_.deadline && !stop_requested();
  }

  // When the pace means to send the request after `sent` others.
  clock_type::time_point intended_send(uint64_t sent) const {
    return start_ + std::chrono::duration_cast<clock_type::duration>(
                        std::chrono::duration<double>(static_cast<double>(sent) / options_.rate_per_s));
  }

  // Starts what the pace allows on every idle slot; ends the run when nothing more will happen.
  void fill() {
    if (finished_) return;
    const auto now = clock_type::now();
    while (!idle_.empty() && accepting(now)) {
      clock_type::time_point intended = clock_type::time_point::max();
      if (options_.rate_per_s > 0) {
        intended = intended_send(stats_.sent);
        if (now < intended) {
          arm_pace(intended);
          break;
        }
      }
      const std::size_t i = idle_.back();
      auto call = source_(i);
      if (!call) {
        exhausted_ = true;
        break;
      }
      idle_.pop_back();
      start(i, std::move(*call), intended);
    }
    if (in_flight_ == 0 && !accepting(now)) finish();
  }

  void start(std::size_t i, http_call&& call, clock_type::time_point intended) {
    slot& s = slots_[i];
    s.call = std::move(call);
    s.busy = true;
    ++in_flight_;
    ++stats_.sent;
    std::string request = target_.request_text(s.call);
    // Open loop: a paced request's latency counts from when the pace meant to send it, so that
    // time spent waiting for a free connection behind a slow answer is counted too (no
    // coordinated omission).
    s.sent = clock_type::now();
    s.origin = std::min(s.sent, intended);
    s.conn->send(std::move(request));
  }

  void answered(std::size_t i, http_result&& r) {
    record(i, std::move(r));
    idle_.push_back(i);
    fill();
  }

  void record(std::size_t i, http_result&& r) {
    slot& s = slots_[i];
    s.busy = false;
    --in_flight_;
    r.latency = clock_type::now() - s.origin;
    r.queued = s.sent - s.origin;
    (r.ok() ? stats_.ok : stats_.failed)++;
    sink_(i, s.call, r);
  }

  void arm_pace(clock_type::time_point when) {
    if (pace_armed_) return;
    pace_armed_ = true;
    pace_timer_.expires_at(when);
    pace_timer_.async_wait([this](boost::system::error_code ec) {
      pace_armed_ = false;
      if (!ec) fill();
    });
  }

  void arm_check() {
    check_timer_.expires_after(k_check_interval);
    check_timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec) check();
    });
  }

  // Timeouts, the hard stop, and a deadline or request_stop() with nothing in flight.
  void check() {
    const auto now = clock_type::now();
    if (now >= hard_stop_) return abandon_the_rest();
    for (auto& s : slots_) {
      if (s.busy) s.conn->expire_if_past(now);
    }
    fill();
    if (!finished_) arm_check();
  }

  // Past the hard stop: whatever is still out is abandoned and counted as failed.
  void abandon_the_rest() {
    finish();
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      if (!slots_[i].busy) continue;
      slots_[i].conn->abandon();
      record(i, failure("abandoned at the run's deadline"));
    }
  }

  // No more requests: with the timers cancelled, io_.run() returns after the last handler.
  void finish() {
    finished_ = true;
    pace_timer_.cancel();
    check_timer_.cancel();
  }

  // -- member variables --

  asio::io_context io_{1};  // first: outlives the sockets and timers below
  asio::steady_timer pace_timer_{io_};
  asio::steady_timer check_timer_{io_};
  const load_options& options_;
  const call_source& source_;
  const result_sink& sink_;
  const std::chrono::milliseconds request_timeout_;
  const load_target& target_;
  std::vector<slot> slots_;
  std::vector<std::size_t> idle_;  // slot indexes; the lowest on top
  load_stats stats_;
  clock_type::time_point start_;
  clock_type::time_point hard_stop_;
  std::size_t in_flight_ = 0;
  bool exhausted_ = false;
  bool finished_ = false;
  bool pace_armed_ = false;
};

}  // namespace

void request_stop() { g_stop.store(true, std::memory_order_relaxed); }
bool stop_requested() { return g_stop.load(std::memory_order_relaxed); }

struct load_client::impl {
  std::chrono::milliseconds timeout{0};
  std::optional<load_target> target;
  std::string target_error;  // why target is empty
  // fetch()'s own io_context and kept-alive connection.
  asio::io_context io{1};
  std::unique_ptr<http_connection> probe;
  std::optional<http_result> probe_answer;
};

load_client::load_client(std::string base_url, std::chrono::milliseconds request_timeout)
    : base_url_(std::move(base_url)), impl_(std::make_unique<impl>()) {
  impl_->timeout = request_timeout;
  impl_->target = load_target::resolve(base_url_, &impl_->target_error);
  if (impl_->target) {
    impl_->probe = std::make_unique<http_connection>(impl_->io, *impl_->target, request_timeout,
                                                     [p = impl_.get()](http_result&& r) { p->probe_answer = std::move(r); });
  }
}

load_client::~load_client() = default;

http_result load_client::fetch(const http_call& call) {
  impl& p = *impl_;
  if (!p.target) return failure(p.target_error);
  const auto started = clock_type::now();
  p.probe_answer.reset();
  p.io.restart();
  p.probe->send(p.target->request_text(call));
  // Returns when the answer came (no more work) or at the timeout; then the connection is closed
  // and its handler reports the timeout.
  p.io.run_until(started + p.timeout);
  if (!p.probe_answer) {
    p.probe->expire_if_past(clock_type::time_point::max());
    p.io.restart();
    p.io.run();
  }
  http_result r = std::move(*p.probe_answer);
  r.latency = clock_type::now() - started;
  return r;
}

load_stats load_client::run(const load_options& options, const call_source& source, const result_sink& sink) {
  if (!impl_->target) {
    // Every request would fail the same way: report the first and stop.
    load_stats stats;
    if (auto call = source(0)) {
      ++stats.sent;
      ++stats.failed;
      sink(0, *call, failure(impl_->target_error));
    }
    return stats;
  }
  load_run one_run(*impl_->target, impl_->timeout, options, source, sink);
  return one_run.go();
}

}  // namespace mainspring::bench
