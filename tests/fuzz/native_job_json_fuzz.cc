// Fuzzes the native API's body decoding (http/native/job_json.h) from raw body bytes.
//
// Input: the request body, as POST /v1/add/job, /v1/edit/job, /v1/pause/job, /v1/active/job
// and /v1/register/group receive it. Properties:
//  - parse_json_object and every decoder answer a status, never throw or crash;
//  - a job that decodes and validates is stored exactly (job_spec_checks.h);
//  - an edit applied to a valid job either is refused with a status or gives a job that, once
//    validated, is stored exactly;
//  - the job, as a view, renders as the list item and the detail answer.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/job.h"
#include "http/json_body.h"
#include "http/native/job_json.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/job_spec_checks.h"

namespace {

using namespace mainspring;
namespace native = mainspring::http::native;

job_spec base_job() {
  job_spec job;
  job.id = "base";
  job.group = "YM55";
  job.name = "base";
  job.schedule = "@every 5s";
  job.target = shell_target{"true"};
  return job;
}

void check_view(const job_spec& spec) {
  job_view view;
  view.spec = spec;
  fuzz::check_renders(native::job_detail_json(view));
  fuzz::check_renders(native::job_list_item_json(view));
  std::string item;
  native::append_job_list_item(item, view);
  FUZZ_CHECK(nlohmann::json::accept(item));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto body = http::parse_json_object(text);
  if (!body.ok()) return 0;

  if (auto spec = native::job_spec_from_json(*body); spec.ok() && validate_job(*spec).ok()) {
    fuzz::check_codec_round_trip(*spec);
    check_view(*spec);
  }
  if (auto edit = native::job_edit_from_json(*body); edit.ok()) {
    auto edited = apply_patch(base_job(), edit->patch);
    if (edited.ok() && validate_job(*edited).ok()) {
      FUZZ_CHECK(edited->id == "base" && edited->group == "YM55");
      fuzz::check_codec_round_trip(*edited);
      check_view(*edited);
    }
  }
  if (auto ref = native::job_ref_from_json(*body); ref.ok()) {
    FUZZ_CHECK(is_valid_job_id(ref->job_id));
  }
  if (auto group = native::group_name_from_json(*body); group.ok()) {
    FUZZ_CHECK(validate_group_name(*group).ok());
  }
  (void)native::exec_time_from_json(*body);
  return 0;
}
