#include "http/native/native_dialect.h"

#include "http/native/api_key_routes.h"
#include "http/native/envelope.h"
#include "http/native/func_call_routes.h"
#include "http/native/key_requirements.h"
#include "http/native/native_routes.h"
#include "http/ui/ui_routes.h"

namespace mainspring::http::native {

dialect make_dialect() {
  dialect d;
  d.name = std::string(k_dialect_name);
  d.add_routes = [](router& r, scheduler_api& api) {
    add_native_routes(r, api);
    ui::add_ui_routes(r);  // the web dashboard, which calls the routes above from the browser
  };
  d.render_error = render_error;
  d.body_limit_for = [](std::string_view path) {
    bool import = path == "/v1/import" || path == "/import";
    return import ? k_max_import_bytes : k_max_body_bytes;
  };
  d.system_routes = true;
  d.key_requirement_for = key_requirements();
  d.add_key_routes = add_api_key_routes;
  return d;
}

dialect make_func_dialect() {
  dialect d;
  d.name = "funcs";
  d.add_routes = add_func_call_routes;
  d.render_error = render_error;
  d.keyless = true;  // funcs keep their TOTP codes
  return d;
}

}  // namespace mainspring::http::native
