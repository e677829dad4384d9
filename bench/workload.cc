#include "bench/workload.h"

#include "core/rfc3339.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <iostream>
#include <random>

#include <nlohmann/json.hpp>

namespace mainspring::bench {

namespace {

// 2100-01-01T00:00:00Z: a first run no benchmark reaches, so the job is armed but never fires.
constexpr int64_t k_far_future_s = 4'102'444'800;
constexpr int64_t k_stagger_lead_s = 2;  // staggered first runs start this long after loading
constexpr uint64_t k_failures_before_giving_up = 1000;
constexpr auto k_progress_every = std::chrono::seconds(5);

std::string status_text(const http_result& r) {
  std::string body = r.body.substr(0, 200);
  return r.status ? "HTTP " + std::to_string(r.status) + " " + body : "transport: " + r.error;
}

std::optional<double> health_field(const nlohmann::json& health, const char* key) {
  auto it = health.find(key);
  if (it == health.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

}  // namespace

double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void progress_line(bool quiet, const std::string& text) {
  if (!quiet) std::cerr << "[bench] " << text << std::endl;
}

std::optional<server_under_test> open_server(const bench_config& cfg, std::string* error) {
  server_under_test s;
  if (cfg.server_binary.empty()) {
    s.base_url = cfg.url;
    s.pid = cfg.server_pid;
    return s;
  }
  auto args = cfg.server_args;
  if (cfg.api == "dkron" || cfg.api == "ndscheduler" || cfg.api == "cronicle") {
    uint16_t port = testing::pick_free_port();
    args.insert(args.end(), {"--" + cfg.api + "-listen", "127.0.0.1:" + std::to_string(port)});
    s.dialect_url = "http://127.0.0.1:" + std::to_string(port);
  }
  s.spawned = testing::server_process::start(cfg.server_binary, args, k_bench_server_options, error);
  if (!s.spawned) return std::nullopt;
  s.base_url = s.spawned->base_url();
  s.pid = s.spawned->pid();
  if (cfg.api == "cronicle") {  // Cronicle's API always wants a key
    load_client native(s.base_url);
    auto r = native.fetch({"POST", "/v1/apikeys/bootstrap", ""});
    auto body = nlohmann::json::parse(r.body, nullptr, false);
    if (!r.ok() || !body.is_object() || !body.contains("success")) {
      *error = "cannot bootstrap an API key: " + status_text(r);
      return std::nullopt;
    }
    s.dialect_key = body["success"]["key"].get<std::string>();
  }
  return s;
}

std::string unique_group(std::string_view prefix) {
  static constexpr char k_chars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  static std::mt19937_64 rng{std::random_device{}()};
  std::string name(prefix.substr(0, 12));
  name += '_';
  for (int i = 0; i < 6; ++i) name += k_chars[rng() % (sizeof k_chars - 1)];
  return name;
}

bool register_group(load_client& client, const std::string& group, std::string* error) {
  auto r = client.fetch({"POST", "/v1/register/group", nlohmann::json{{"group_name", group}}.dump()});
  if (r.ok()) return true;
  *error = "register group " + group + ": " + status_text(r);
  return false;
}

job_batch through_dialect(job_batch b, const server_under_test& server, const std::string& api) {
  b.api = api;
  b.api_url = server.dialect_url;
  b.api_key = server.dialect_key;
  b.group = api;
  b.groups = 1;
  return b;
}

std::string create_path(const std::string& api) {
  if (api == "dkron") return "/v1/jobs";
  if (api == "ndscheduler") return "/api/v1/jobs";
  if (api == "cronicle") return "/api/app/create_event/v1";
  return "/v1/add/job";
}

std::string group_of(const job_batch& batch, std::size_t index) {
  if (batch.groups <= 1) return batch.group;
  return batch.group + std::to_string(index % batch.groups);
}

bool register_groups(load_client& client, const job_batch& batch, std::string* error) {
  if (batch.api != "native") return true;  // a dialect makes its group itself
  for (std::size_t g = 0; g < std::max<std::size_t>(1, batch.groups); ++g)
    if (!register_group(client, group_of(batch, g), error)) return false;
  return true;
}

std::string job_id(const job_batch& batch, std::size_t index) {
  return batch.id_prefix + std::to_string(index);
}

namespace {

// POST /v1/jobs of Dkron: NOOP@ becomes a job without executor (a no-op here), HTTP@ the http
// executor's GET.
std::string dkron_job_body(const job_batch& batch, std::size_t index) {
  std::string body = R"({"name":")" + job_id(batch, index) + R"(","schedule":")" + batch.pattern + "\"";
  if (batch.request_url.rfind("HTTP@", 0) == 0)
    body += R"(,"executor":"http","executor_config":{"method":"GET","url":")" + batch.request_url.substr(5) +
            R"(","timeout":"10"})";
  return body + "}";
}

// POST /api/v1/jobs of ndscheduler: an interval job of Mainspring's NoopJob or HttpJob class.
std::string ndscheduler_job_body(const job_batch& batch, std::size_t index) {
  const auto seconds = static_cast<int64_t>(std::max(1.0, batch.interval_s));
  std::string body = R"({"name":")" + job_id(batch, index) + R"(","trigger":"interval","trigger_params":{"interval":)" +
                     std::to_string(seconds) + "}";
  if (batch.request_url.rfind("HTTP@", 0) == 0)
    return body + R"(,"job_class_string":"mainspring.jobs.HttpJob","pub_args":[")" + batch.request_url.substr(5) + R"("]})";
  return body + R"(,"job_class_string":"mainspring.jobs.NoopJob"})";
}

// POST /api/app/create_event of Cronicle: a shell event whose timing is far ahead (as the native
// creates' first runs), the key in the body.
std::string cronicle_event_body(const job_batch& batch, std::size_t index) {
  const std::string id = job_id(batch, index);
  return R"({"id":")" + id + R"(","title":")" + id +
         R"(","enabled":1,"category":"general","target":"allgrp","plugin":"shellplug",)"
         R"("params":{"script":"#!/bin/sh\ntrue\n"},"timing":{"years":[2099]},"api_key":")" + batch.api_key +
         "\"}";
}

}  // namespace

std::string add_job_body(const job_batch& batch, std::size_t index, int64_t now_s) {
  if (batch.api == "dkron") return dkron_job_body(batch, index);
  if (batch.api == "ndscheduler") return ndscheduler_job_body(batch, index);
  if (batch.api == "cronicle") return cronicle_event_body(batch, index);
  int64_t exec_time = 0;
  switch (batch.first) {
    case first_run::now: exec_time = 0; break;
    case first_run::far_future: exec_time = k_far_future_s; break;
    case first_run::herd: exec_time = batch.herd_at_s; break;
    case first_run::staggered_seconds:
      exec_time = now_s + k_stagger_lead_s +
                  static_cast<int64_t>(static_cast<double>(index) * batch.interval_s /
                                       static_cast<double>(std::max<std::size_t>(1, batch.count)));
      break;
  }
  std::string id = job_id(batch, index);
  // Assembled by hand: the generator must not spend its CPU on a JSON library at 20k+ req/s.
  // Group, ids, patterns and URLs the bench builds need no escaping.
  std::string body;
  body.reserve(256);
  body += R"({"group_name":")" + group_of(batch, index) + R"(","name":")" + id + R"(","job_id":")" + id +
          R"(","exec_time":)" + std::to_string(exec_time) + R"(,"request_url":")" +
          batch.request_url + R"(","interval_pattern":")" + batch.pattern +
          R"(","exec_command":")" + batch.exec_command + R"(","timeout":10})";
  return body;
}

load_report load_jobs(load_client& client, const job_batch& batch, std::size_t clients,
                      double rate_per_s, double max_seconds, bool progress) {
  load_report report;
  std::vector<double> ack_ms;
  ack_ms.reserve(batch.count);
  std::size_t next = 0;
  const int64_t now_s = wall_ms() / 1000;
  auto last_progress = std::chrono::steady_clock::now();
  const auto started = last_progress;
  uint64_t ok = 0, failed = 0;

  load_options opts;
  opts.clients = clients;
  opts.rate_per_s = rate_per_s;
  opts.deadline = started + std::chrono::milliseconds(static_cast<int64_t>(max_seconds * 1000));
  auto source = [&](std::size_t) -> std::optional<http_call> {
    if (next >= batch.count) return std::nullopt;
    if (failed > k_failures_before_giving_up && failed > ok) {
      report.gave_up = true;
      return std::nullopt;
    }
    return http_call{"POST", create_path(batch.api), add_job_body(batch, next++, now_s)};
  };
  auto sink = [&](std::size_t, const http_call&, const http_result& r) {
    ack_ms.push_back(std::chrono::duration<double, std::milli>(r.latency).count());
    // Cronicle answers its refusals with HTTP 200 and a non-zero code.
    if (r.ok() && (batch.api != "cronicle" || r.body.rfind("{\"code\":0", 0) == 0)) {
      ++ok;
    } else {
      ++failed;
      if (report.first_error.empty()) report.first_error = status_text(r);
    }
    auto now = std::chrono::steady_clock::now();
    if (progress && now - last_progress >= k_progress_every) {
      last_progress = now;
      double secs = std::chrono::duration<double>(now - started).count();
      progress_line(false, "  " + batch.group + ": " + std::to_string(ok) + "/" +
                               std::to_string(batch.count) + " jobs created in " +
                               std::to_string(static_cast<int>(secs)) + " s (" +
                               std::to_string(static_cast<int>(static_cast<double>(ok) / secs)) + "/s)");
    }
  };
  if (batch.api_url.empty()) {
    report.stats = client.run(opts, source, sink);
  } else {
    load_client dialect(batch.api_url);
    report.stats = dialect.run(opts, source, sink);
  }
  if (next < batch.count) report.gave_up = true;
  report.ack_ms = summarize(std::move(ack_ms));
  return report;
}

std::vector<histogram_bucket> histogram_buckets(const prometheus_text& scrape, std::string_view base) {
  std::vector<histogram_bucket> out;
  for (auto [bound, count] : scrape.cumulative_buckets(base)) out.push_back({bound, count});
  return out;
}

server_probe probe(load_client& client, pid_t pid) {
  server_probe p;
  p.steady_s = steady_seconds();
  p.wall_ms = wall_ms();
  if (pid > 0) {
    p.rss_bytes = resident_bytes(pid);
    p.server_cpu_s = cpu_seconds(pid);
  }
  p.bench_cpu_s = own_cpu_seconds();
  auto m = client.fetch({"GET", "/metrics"});
  if (m.ok()) {
    p.metrics = prometheus_text::parse(m.body);
    p.pending_timers = p.metrics->sum_if_any("mainspring_timer_wheel_pending_timers");
    p.jobs = p.metrics->sum_if_any("mainspring_jobs");
  }
  if (!p.pending_timers || !p.jobs) {
    auto h = client.fetch({"GET", "/health"});
    auto health = nlohmann::json::parse(h.body, nullptr, /*allow_exceptions=*/false);
    if (h.ok() && health.is_object()) {
      if (!p.pending_timers) p.pending_timers = health_field(health, "pending_timers");
      if (!p.jobs) p.jobs = health_field(health, "jobs");
    }
  }
  return p;
}

record_sample sample_run_records(load_client& client, const job_batch& batch, std::size_t jobs,
                                 int64_t from_ms, int64_t to_ms, std::size_t limit) {
  record_sample out;
  jobs = std::min(jobs, batch.count);
  // ndscheduler's job ids are the server's (32 hex digits), not the bench's: nothing to sample by.
  if (jobs == 0 || batch.api == "ndscheduler") return out;
  const double stride = static_cast<double>(batch.count) / static_cast<double>(jobs);
  std::size_t next = 0;
  const std::string query = "/executions?limit=" + std::to_string(std::max<std::size_t>(1, limit));
  load_options opts;
  opts.clients = 8;
  opts.deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
  const bool dkron = batch.api == "dkron";
  auto source = [&](std::size_t) -> std::optional<http_call> {
    if (next >= jobs) return std::nullopt;
    auto index = static_cast<std::size_t>(static_cast<double>(next++) * stride);
    if (dkron) return http_call{"GET", "/v1/jobs/" + job_id(batch, index) + "/executions"};
    return http_call{"GET", "/v1/" + group_of(batch, index) + "/job/" + job_id(batch, index) + query};
  };
  // Dkron's executions: started_at, and the planned time in unix ns as `group`.
  auto dkron_sink = [&](std::size_t, const http_call&, const http_result& r) {
    auto body = nlohmann::json::parse(r.body, nullptr, /*allow_exceptions=*/false);
    if (!r.ok() || !body.is_array()) {
      ++out.failed_reads;
      return;
    }
    ++out.jobs_read;
    for (const auto& run : body) {
      if (!run.is_object() || !run.contains("group") || !run["group"].is_number_integer() ||
          !run.contains("started_at") || !run["started_at"].is_string())
        continue;
      auto started = parse_rfc3339(run["started_at"].get<std::string>());
      int64_t plan_ms = run["group"].get<int64_t>() / 1'000'000;
      if (!started || plan_ms < from_ms || plan_ms >= to_ms) continue;
      out.lateness_ms.push_back(static_cast<double>(to_unix_ms(*started) - plan_ms));
    }
  };
  auto sink = [&](std::size_t, const http_call&, const http_result& r) {
    auto body = nlohmann::json::parse(r.body, nullptr, /*allow_exceptions=*/false);
    if (!r.ok() || !body.is_object() || !body.contains("success") || !body["success"].is_array()) {
      ++out.failed_reads;
      return;
    }
    ++out.jobs_read;
    for (const auto& run : body["success"]) {
      if (!run.is_object()) continue;
      auto trigger = run.find("trigger");
      auto plan = run.find("plan_time_ms");
      auto start = run.find("start_time_ms");
      if (trigger == run.end() || *trigger != "schedule" || plan == run.end() ||
          !plan->is_number_integer() || start == run.end() || !start->is_number_integer())
        continue;
      auto plan_ms = plan->get<int64_t>();
      auto start_ms = start->get<int64_t>();
      if (plan_ms < from_ms || plan_ms >= to_ms || start_ms == 0) continue;
      out.lateness_ms.push_back(static_cast<double>(start_ms - plan_ms));
    }
  };
  if (dkron) {
    load_client dialect(batch.api_url);
    dialect.run(opts, source, dkron_sink);
  } else {
    client.run(opts, source, sink);
  }
  return out;
}

std::optional<double> duration_seconds(std::string_view text) {
  double total = 0;
  bool any = false;
  while (!text.empty()) {
    std::size_t digits = 0;
    while (digits < text.size() && (std::isdigit(static_cast<unsigned char>(text[digits])) || text[digits] == '.'))
      ++digits;
    if (digits == 0) return std::nullopt;
    double n = std::strtod(std::string(text.substr(0, digits)).c_str(), nullptr);
    text.remove_prefix(digits);
    double unit = 0;
    if (text.rfind("ms", 0) == 0) unit = 0.001, text.remove_prefix(2);
    else if (text.rfind("s", 0) == 0) unit = 1, text.remove_prefix(1);
    else if (text.rfind("m", 0) == 0) unit = 60, text.remove_prefix(1);
    else if (text.rfind("h", 0) == 0) unit = 3600, text.remove_prefix(1);
    else return std::nullopt;
    total += n * unit;
    any = true;
  }
  if (!any) return std::nullopt;
  return total;
}

}  // namespace mainspring::bench
