// Fuzzes the Cronicle dialect's event translation (http/cronicle/validation.h, event_json.h).
//
// Input: a create_event / update_event body. Properties:
//  - prepare_new_event (require_params, validate_event_data, defaults) answers an api_error or
//    nothing, never throws;
//  - an event they accept either is refused by to_job_spec with an api_error or becomes a job
//    the core accepts and storage keeps exactly (job_spec_checks.h);
//  - the event as get_event shows it (event_json) renders, and reads back (to_job_spec of it)
//    as a job that runs the same way (what a client that edits the event it fetched relies
//    on); only the kept Cronicle section may differ, as it then holds the defaults shown;
//  - the body as update_event params over that event gives an api_error or a valid job.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/job.h"
#include "http/cronicle/event_json.h"
#include "http/cronicle/validation.h"
#include "http/json_body.h"
#include "storage/codec.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/job_spec_checks.h"

namespace {

using namespace mainspring;
namespace cr = mainspring::http::cronicle;
using nlohmann::json;

const cr::event_context k_context{.group = "cronicle", .default_timezone = "UTC"};
const std::string k_event_id = "e0kq1z3ab01";

job_view view_of(const job_spec& spec) {
  job_view view;
  view.spec = spec;
  view.phase = spec.paused ? job_phase::paused : job_phase::active;  // as the job actor shows it
  return view;
}

// The job without its kept Cronicle section, which event_json fills with defaults.
job_spec without_section(job_spec spec) {
  spec.dialect_data.clear();
  return spec;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto body = http::parse_json_object(text);
  if (!body.ok()) return 0;
  json event = *body;
  // What create_event checks and completes before it maps the event.
  if (cr::prepare_new_event(event, k_context)) return 0;
  (void)cr::normalized_event_id(cr::js_text(event.value("id", json())));

  auto spec = cr::to_job_spec(cr::merged_event(json::object(), event), k_context, k_event_id);
  if (!spec.ok()) {
    FUZZ_CHECK(!spec.error().code.empty());
    return 0;
  }
  fuzz::check_stored_spec(*spec);

  json shown = cr::event_json(view_of(*spec), k_context);
  fuzz::check_renders(shown);
  auto again = cr::to_job_spec(cr::merged_event(shown, json::object()), k_context, k_event_id);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(encode(without_section(*again)) == encode(without_section(*spec)));

  auto updated = cr::to_job_spec(cr::merged_event(shown, event), k_context, k_event_id);
  if (updated.ok()) fuzz::check_stored_spec(*updated);
  return 0;
}
