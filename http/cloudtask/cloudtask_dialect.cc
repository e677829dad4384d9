#include "http/cloudtask/cloudtask_dialect.h"

#include <memory>
#include <string>

#include "core/node_auth.h"
#include "core/time_types.h"
#include "http/cloudtask/center_paths.h"
#include "http/cloudtask/center_routes.h"
#include "http/cloudtask/express_answers.h"
#include "http/cloudtask/job_json.h"
#include "http/cloudtask/key_requirements.h"
#include "http/cloudtask/replies.h"
#include "http/cloudtask/web_routes.h"

namespace mainspring::http::cloudtask {

namespace {

// A version 4 UUID's text ("3a95a871-9dc4-4955-b213-5a040e324309") from 32 random hex digits.
std::string uuid_v4_text(std::string hex) {
  hex.resize(32, '0');
  hex[12] = '4';                                            // the version
  hex[16] = "89ab"[std::stoi(hex.substr(16, 1), nullptr, 16) & 3];  // the variant
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
         hex.substr(20, 12);
}

}  // namespace

dialect make_dialect(cloudtask_options options) {
  auto identity = std::make_shared<center_identity>();
  // The center's key is a UUID made at start (satori/go.uuid's NewV4); this one too, and its app
  // code 32 hex digits (it names nothing stored).
  identity->app = random_nonce().substr(0, 32);
  identity->key = uuid_v4_text(random_nonce());
  identity->hostname = std::move(options.hostname);
  identity->api_addr = std::move(options.api_addr);
  identity->version = MAINSPRING_VERSION;
  identity->started_s = to_unix_ms(now_ms()) / 1000;
  dialect d;
  d.name = std::string(k_dialect_name);
  d.add_routes = [identity = std::shared_ptr<const center_identity>(identity)](router& r, scheduler_api& api) {
    add_center_routes(r, api, identity);
    add_web_routes(r, api);
  };
  d.render_error = render_center;
  d.render_error_at = render_error_at;  // the web's shape under /api, the center's elsewhere
  d.answer_before_routing = center_clean_path_redirect;  // mux's 301 from an unclean center path
  // What no route takes: Express's answers under /api, mux's 404 and 405 (no Allow) elsewhere.
  d.answer_unrouted = [](const http_request& request, std::string_view allow) {
    return is_web_path(request.path) ? web_unrouted_answer(request, allow) : center_unrouted_answer(request, allow);
  };
  // The center is a Go server (net/http, gorilla/mux); cloudtask-web's /api is Express's, which
  // serves HEAD by its GET routes.
  d.net_http_paths = [](std::string_view path) { return !is_web_path(path); };
  d.head_served_by_get = is_web_path;
  d.key_requirement_for = key_requirements();
  return d;
}

}  // namespace mainspring::http::cloudtask
