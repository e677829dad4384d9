#include "http/native/key_requirements.h"

namespace mainspring::http::native {

key_requirement_fn key_requirements() {
  using k = key_requirement;
  return key_requirement_table({
      {"POST", "/v1/register/group", k::needs(privilege::state_update)},
      {"POST", "/v1/remove/group", k::needs(privilege::state_update)},
      {"POST", "/v1/add/job", k::needs(privilege::create_events)},
      {"POST", "/v1/edit/job", k::needs(privilege::edit_events)},
      {"POST", "/v1/pause/job", k::needs(privilege::edit_events)},
      {"POST", "/v1/active/job", k::needs(privilege::edit_events)},
      {"POST", "/v1/delete/job", k::needs(privilege::delete_events)},
      {"DELETE", "/v1/{group}/job/clear", k::needs(privilege::delete_events)},
      {"DELETE", "/v1/{group}/job/delete/{job_name}", k::needs(privilege::delete_events)},
      {"POST", "/v1/{group}/job/{job_id}/run", k::needs(privilege::run_events)},
      {"POST", "/v1/{group}/job/{job_id}/abort", k::needs(privilege::abort_events)},
      {"POST", "/v1/add/func", k::needs(privilege::create_events)},
      {"POST", "/v1/delete/func", k::needs(privilege::delete_events)},
      {"GET", "/v1/dump/all", k::needs(privilege::admin)},
      {"GET", "/v1/{group}/dump", k::needs(privilege::admin)},
      {"POST", "/v1/import", k::needs(privilege::admin)},
      {"POST", "/v1/scheduler", k::needs(privilege::state_update)},
      {"POST", "/import", k::needs(privilege::admin)},
      {"POST", "/v1/apikeys/bootstrap", k::open()},
      {"POST", "/v1/apikeys", k::open()},
      {"GET", "/v1/apikeys", k::open()},
      {"POST", "/v1/apikeys/{id}", k::open()},
      {"DELETE", "/v1/apikeys/{id}", k::open()},
      // The dashboard's static files: the page asks for a key and sends it with each API call.
      {"GET", "/", k::open()},
      {"GET", "/ui", k::open()},
      {"GET", "/ui/", k::open()},
      {"GET", "/ui/{asset}", k::open()},
  });
}

}  // namespace mainspring::http::native
