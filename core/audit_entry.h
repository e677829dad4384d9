// audit_entry: one change as the audit log remembers it: what, when, through which API and which
// key (never the key's secret). Plain data; every layer passes it along (http -> actors ->
// storage), so it lives in core/. storage/records.h stores it (a/<time>/<seq>).
//
// Example:
//   audit_entry a;
//   a.time_ms = to_unix_ms(now_ms()); a.api = "native"; a.key_id = "k1";
//   a.action = "job.add"; a.group = "YM55"; a.job_id = "12"; a.detail = R"({"name":"x"})";
//   store->commit(mutation_batch{}.put_job(job).put_audit(a), done);
#pragma once

#include <cstdint>
#include <string>

namespace mainspring {

struct audit_entry {
  int64_t time_ms = 0;  // unix ms; negative times are stored as 0
  std::string api;      // dialect: "native", "dkron", "ndscheduler", ...
  std::string key_id;   // the API key that authorized it ("" = none)
  std::string action;   // "group.add", "job.edit", "job.delete", ...
  std::string group;
  std::string job_id;
  std::string detail;  // free text or JSON, as the dialect chooses
  // The address the request came from ("127.0.0.1", "::1"); "" for a change no request made (the
  // server's own, a test's) and for entries written before addresses were kept.
  std::string client_ip;
};

}  // namespace mainspring
