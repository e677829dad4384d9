// Fuzzes the job bodies of the Dkron, ndscheduler and Cloudtask dialects (their job_json.h).
//
// Input: byte 0 picks the dialect and call (Dkron create, ndscheduler create, Cloudtask create,
// Cloudtask update); the rest is the request body. Properties:
//  - decoding answers a status, never throws or crashes;
//  - Dkron's and ndscheduler's to_job_spec validate with the core's rules, so a job they give is
//    one the core accepts and storage keeps exactly (job_spec_checks.h); a Cloudtask job that
//    validates is stored exactly too;
//  - the job, as a view, renders as that dialect's answer (Dkron's also disabled, and as its
//    create answers it, the body as bound); an ndscheduler job shows its pub_args as read, in
//    their order, and its audit texts hold (no change against itself; its deleted description
//    is JSON of the job);
//  - Go's readers Dkron's bodies go through (core/go_json_scan.h, core/go_time_parse.h) answer
//    without crashing on any bytes, and a body that is strict JSON is one value to Go's scanner.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/go_json_scan.h"
#include "core/go_time_parse.h"
#include "core/job.h"
#include "http/cloudtask/job_json.h"
#include "http/dkron/bound_job.h"
#include "http/dkron/job_json.h"
#include "http/json_body.h"
#include "http/ndscheduler/audit_log.h"
#include "http/ndscheduler/job_json.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/job_spec_checks.h"

namespace {

using namespace mainspring;
namespace dkron = mainspring::http::dkron;
namespace nd = mainspring::http::ndscheduler;
namespace ct = mainspring::http::cloudtask;

constexpr int64_t k_now_ms = 1795400000000;  // 2026-11-22

job_view view_of(const job_spec& spec) {
  job_view view;
  view.spec = spec;
  view.next_fire_ms = k_now_ms;
  return view;
}

void fuzz_dkron(const nlohmann::json& body) {
  auto job = dkron::decode_job(body);
  if (!job.ok()) return;
  auto spec = dkron::to_job_spec(*job, "dkron");
  if (!spec.ok()) return;
  fuzz::check_stored_spec(*spec);
  fuzz::check_renders(dkron::job_json(view_of(*spec), {}, "UTC", k_now_ms));
  // Disabled, its next computed from its schedule; and the create's answer, the body as bound.
  job_view paused = view_of(*spec);
  paused.phase = job_phase::paused;
  fuzz::check_renders(dkron::job_json(paused, {}, "UTC", k_now_ms));
  std::vector<std::pair<std::string, nlohmann::json>> members;
  for (const auto& [key, value] : body.items()) members.emplace_back(key, value);
  fuzz::check_renders(dkron::bound_job_json(dkron::go_job_fields(members)));
}

void fuzz_ndscheduler(std::string_view text) {
  // As the dialect reads a body: its objects' keys in the order sent.
  auto body = http::parse_ordered_json_object(text);
  if (!body.ok()) return;
  auto job = nd::decode_job(*body);
  if (!job.ok()) return;
  auto spec = nd::to_job_spec(*job, "ndscheduler", "0123456789abcdef0123456789abcdef");
  if (!spec.ok()) return;
  fuzz::check_stored_spec(*spec);
  const nlohmann::ordered_json shown = nd::job_json(view_of(*spec));
  fuzz::check_renders(shown);
  // pub_args show as read, their objects' keys in the same order (compared as written, where
  // ill-formed UTF-8 and numbers JSON cannot hold read the same on both sides).
  constexpr auto k_replace = nlohmann::ordered_json::error_handler_t::replace;
  FUZZ_CHECK(shown["pub_args"].dump(-1, ' ', false, k_replace) == job->pub_args.dump(-1, ' ', false, k_replace));
  // The audit log's texts: a job compared with itself changed nothing, and its deleted
  // description (json.dumps, unless cut) reads back as the job.
  FUZZ_CHECK(nd::modified_description(shown, shown).empty());
  const std::string deleted = nd::deleted_description(shown);
  if (deleted.size() < nd::k_max_description_bytes)
    FUZZ_CHECK(nlohmann::ordered_json::parse(deleted, nullptr, false) == shown);
}

void fuzz_cloudtask(const nlohmann::json& body, bool update) {
  auto job = ct::decode_job(body, update);
  if (!job.ok()) return;
  job_spec spec = ct::to_job_spec(*job, "0123456789abcdef01234567", k_now_ms);
  if (!validate_job(spec).ok()) return;
  fuzz::check_codec_round_trip(spec);
  fuzz::check_renders(ct::job_json(view_of(spec), {}));
  fuzz::check_renders(ct::job_base_json(view_of(spec), 1));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 4 == 0) {
    auto first = go_json_first_value(text);
    if (first.ok()) {
      FUZZ_CHECK(*first <= text.size());
      (void)go_json_replace_invalid(text.substr(0, *first));
    }
    // Strict JSON is one whole value. Not compared: a byte-order mark (nlohmann skips it, Go
    // refuses it) and a NUL byte (nlohmann ends the input there, Go refuses it).
    if (!text.starts_with("\xef\xbb\xbf") && text.find('\0') == std::string_view::npos && nlohmann::json::accept(text)) {
      FUZZ_CHECK(first.ok());
      if (first.ok()) FUZZ_CHECK(text.find_first_not_of(" \t\r\n", *first) == std::string_view::npos);
    }
    (void)parse_go_json_time(text);
    (void)parse_go_time(k_go_datetime_local, text);
  }
  if (data[0] % 4 == 1) {
    fuzz_ndscheduler(text);
    return 0;
  }
  auto body = http::parse_json_object(text);
  if (!body.ok()) return 0;
  switch (data[0] % 4) {
    case 0: fuzz_dkron(*body); break;
    case 2: fuzz_cloudtask(*body, false); break;
    default: fuzz_cloudtask(*body, true); break;
  }
  return 0;
}
