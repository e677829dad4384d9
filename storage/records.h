// Records that only the storage layer defines: the audit log entry and the Lua function spec.
//
// group_spec and job_spec live in core/job.h and run_record in core/run_record.h because the
// scheduler reasons about them; these two are kept, listed and served, nothing more, so they
// live beside the store that keeps them.
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

// One mutation as the audit log remembers it: what, when, through which API and which key.
struct audit_entry {
  int64_t time_ms = 0;  // unix ms; negative times are stored as 0
  std::string api;      // dialect: "native", "dkron", "ndscheduler", ...
  std::string key_id;   // the API key that authorized it ("" = none)
  std::string action;   // "group.add", "job.edit", "job.delete", ...
  std::string group;
  std::string job_id;
  std::string detail;  // free text or JSON, as the dialect chooses
};

// A Lua function a group exposes (LUA@ jobs call it by name).
struct func_spec {
  std::string group;
  std::string name;
  std::string lua_body;
  bool use_otp = false;            // calling it needs the function's own TOTP
  bool disable_group_otp = false;  // the group's TOTP is not required to call it
  std::string memo;
  std::string secret;  // base32 TOTP secret of the function
  int64_t created_ms = 0;
};

}  // namespace mainspring
