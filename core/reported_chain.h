// reported_chain: what a run's report (run_record::reported) says about the jobs that follow it,
// as Cronicle's finishJob and chainReaction read a job's chain, chain_error and chain_data once
// its script has set them (lib/job.js, lib/scheduler.js).
//
// A reported "chain" or "chain_error" replaces the job's own follow-up (job_controls on_success,
// on_failure) for this run: a string names the job, any other value (false, "", null) none.
// "chain_data", when truthy, is passed to the job that follows (run_cause::after_data), and
// "chain_params", an object, are params for its run (run_cause::after_params).
//
// Example:
//   reported_chain chain = chain_of_report(R"({"chain":"load","chain_data":{"rows":42}})");
//   // chain.on_success "load", chain.on_failure nullopt, chain.data "{\"rows\":42}", params ""
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mainspring {

struct reported_chain {
  std::optional<std::string> on_success;  // "chain" ("" = none)
  std::optional<std::string> on_failure;  // "chain_error" ("" = none)
  std::string data;                       // "chain_data" as JSON text ("" = none)
  std::string params;                     // "chain_params" as JSON text ("" = none or not an object)
};

// `reported` is a run's report (a JSON object's text); a text that is not one says nothing.
reported_chain chain_of_report(std::string_view reported);

}  // namespace mainspring
