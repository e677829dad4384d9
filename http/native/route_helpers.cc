#include "http/native/route_helpers.h"

#include "core/job.h"
#include "http/handler_kit.h"

namespace mainspring::http::native {

request_handler guarded(request_handler handler) { return http::guarded(render_error, std::move(handler)); }

done_fn answer_ok(responder reply) {
  return [reply = std::move(reply)](status st) { reply.send(st.ok() ? success("ok") : failure(st)); };
}

request_origin origin_of(const http_request& req) { return http::origin_of(k_dialect_name, req); }

status_or<std::string> group_param(const http_request& req) {
  const std::string& group = req.param("group");
  if (auto st = validate_group_name(group); !st.ok()) return st;
  return group;
}

}  // namespace mainspring::http::native
