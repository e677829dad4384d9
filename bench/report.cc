#include "bench/report.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

namespace mainspring::bench {

namespace {

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) != 0) continue;
    auto colon = line.find(':');
    if (colon != std::string::npos) return line.substr(colon + 2);
  }
  return "unknown CPU";
}

double memory_gib() {
  long pages = ::sysconf(_SC_PHYS_PAGES);
  long page = ::sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page > 0 ? static_cast<double>(pages) * static_cast<double>(page) / (1024.0 * 1024 * 1024) : 0;
}

// 3 significant digits below 100, whole numbers with thousands separators above.
std::string format_value(double v) {
  if (std::isnan(v)) return "n/a";
  char buf[64];
  if (std::fabs(v) >= 100) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
    std::string digits = buf, out;
    std::size_t start = digits[0] == '-' ? 1 : 0;
    for (std::size_t i = 0; i < digits.size(); ++i) {
      if (i > start && (digits.size() - i) % 3 == 0) out += ',';
      out += digits[i];
    }
    return out;
  }
  if (std::fabs(v) >= 10) std::snprintf(buf, sizeof buf, "%.1f", v);
  else if (std::fabs(v) >= 1) std::snprintf(buf, sizeof buf, "%.2f", v);
  else std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

}  // namespace

run_info describe_run(int argc, char** argv, const bench_config& cfg) {
  run_info info;
  for (int i = 0; i < argc; ++i) {
    if (i > 0) info.command += ' ';
    info.command += argv[i];
  }
  std::time_t now = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  info.started_utc = stamp;
  info.cpu_model = cpu_model();
  info.cores = std::thread::hardware_concurrency();
  info.memory_gib = memory_gib();
  utsname u{};
  if (::uname(&u) == 0) info.kernel = std::string(u.sysname) + " " + u.release;
  if (cfg.server_binary.empty()) {
    info.server = cfg.url + " (external)";
  } else {
    info.server = cfg.server_binary + " serve";
    for (const auto& a : cfg.server_args) info.server += " " + a;
    info.server += " (a fresh server per scenario)";
  }
  info.label = cfg.label;
  return info;
}

std::optional<bool> meets(double value, const std::string& target) {
  if (std::isnan(value)) return std::nullopt;
  std::size_t pos = 0;
  while (pos < target.size() && target[pos] == ' ') ++pos;
  std::string op;
  while (pos < target.size() && (target[pos] == '<' || target[pos] == '>' || target[pos] == '=')) op += target[pos++];
  if (op.empty()) return std::nullopt;
  const char* start = target.c_str() + pos;
  char* end = nullptr;
  double bound = std::strtod(start, &end);
  if (end == start) return std::nullopt;
  if (op == "<") return value < bound;
  if (op == "<=") return value <= bound;
  if (op == ">") return value > bound;
  if (op == ">=") return value >= bound;
  return std::nullopt;
}

std::string markdown_report(const std::vector<scenario_result>& results, const run_info& info) {
  std::ostringstream md;
  char mem[32];
  std::snprintf(mem, sizeof mem, "%.0f", info.memory_gib);
  md << "## mainspring-bench\n\n";
  md << "- when: " << info.started_utc << (info.label.empty() ? "" : " (" + info.label + ")") << "\n";
  md << "- machine: " << info.cpu_model << ", " << info.cores << " cores, " << mem << " GiB RAM, " << info.kernel
     << "; the bench shares the cores with the server\n";
  md << "- server: `" << info.server << "`\n";
  md << "- command: `" << info.command << "`\n";
  if (info.seconds > 0) md << "- took: " << format_value(info.seconds) << " s\n";
  for (const auto& r : results) {
    md << "\n### " << r.name << (r.skipped ? " (skipped)" : "") << "\n\n" << r.setup << "\n\n";
    if (!r.metrics.empty()) {
      md << "| figure | value | unit | target |\n|---|---:|---|---|\n";
      for (const auto& m : r.metrics) {
        std::string target = m.target;
        if (auto ok = meets(m.value, m.target)) target += *ok ? " (met)" : " (**missed**)";
        md << "| " << m.name << " | " << format_value(m.value) << " | " << m.unit << " | " << target << " |\n";
      }
    }
    for (const auto& n : r.notes) md << "\n- " << n;
    if (!r.notes.empty()) md << "\n";
  }
  return md.str();
}

bool write_json_report(const std::string& path, const std::vector<scenario_result>& results,
                       const run_info& info, std::string* error) {
  using nlohmann::json;
  json scenarios = json::array();
  for (const auto& r : results) {
    json metrics = json::array();
    for (const auto& m : r.metrics) {
      json j{{"name", m.name}, {"value", std::isnan(m.value) ? json(nullptr) : json(m.value)}, {"unit", m.unit}};
      if (!m.target.empty()) {
        j["target"] = m.target;
        if (auto ok = meets(m.value, m.target)) j["met"] = *ok;
      }
      metrics.push_back(std::move(j));
    }
    scenarios.push_back({{"name", r.name}, {"setup", r.setup}, {"skipped", r.skipped},
                         {"metrics", std::move(metrics)}, {"notes", r.notes}});
  }
  json doc{{"when", info.started_utc},
           {"label", info.label},
           {"machine", {{"cpu", info.cpu_model}, {"cores", info.cores}, {"memory_gib", info.memory_gib},
                        {"kernel", info.kernel}}},
           {"server", info.server},
           {"command", info.command},
           {"seconds", info.seconds},
           {"scenarios", std::move(scenarios)}};
  std::ofstream out(path);
  out << doc.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
  if (!out) {
    *error = "cannot write " + path;
    return false;
  }
  return true;
}

}  // namespace mainspring::bench
