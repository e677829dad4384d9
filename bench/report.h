// report: what mainspring-bench prints and writes: a markdown table per scenario (figure, value,
// target, met or missed) with the machine it ran on, and the same as JSON.
//
// Example:
//   run_info info = describe_run(argc, argv, cfg);
//   std::cout << markdown_report(results, info);
//   write_json_report("out.json", results, info, &why);
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "bench/bench_config.h"

namespace mainspring::bench {

struct run_info {
  std::string command;       // argv joined
  std::string started_utc;   // "2025-01-31T12:00:00Z"
  std::string cpu_model;     // from /proc/cpuinfo
  unsigned cores = 0;
  double memory_gib = 0;
  std::string kernel;        // uname -r
  std::string server;        // the binary and its flags, or the --url
  std::string label;         // --label
  double seconds = 0;        // wall time of the whole run, filled in at the end
};

run_info describe_run(int argc, char** argv, const bench_config& cfg);

// Whether `value` meets `target` (">= 20000", "< 5", "<= 1", "> 0"; text after the number is
// ignored). nullopt when the target is empty or not of that form, or the value is NaN.
std::optional<bool> meets(double value, const std::string& target);

std::string markdown_report(const std::vector<scenario_result>& results, const run_info& info);
// False with *error when the file cannot be written.
bool write_json_report(const std::string& path, const std::vector<scenario_result>& results,
                       const run_info& info, std::string* error);

}  // namespace mainspring::bench
