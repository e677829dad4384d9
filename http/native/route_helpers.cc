#include "http/native/route_helpers.h"

#include "core/job.h"

namespace mainspring::http::native {

request_handler guarded(request_handler handler) {
  return [handler = std::move(handler)](http_request& req, responder reply) {
    try {
      handler(req, reply);
    } catch (const std::exception& e) {
      reply.send(failure(status::internal(std::string("internal error: ") + e.what())));
    }
  };
}

done_fn answer_ok(responder reply) {
  return [reply = std::move(reply)](status st) { reply.send(st.ok() ? success("ok") : failure(st)); };
}

request_origin origin_of(const http_request&) { return request_origin{"native", ""}; }

status_or<std::string> group_param(const http_request& req) {
  const std::string& group = req.param("group");
  if (auto st = validate_group_name(group); !st.ok()) return st;
  return group;
}

}  // namespace mainspring::http::native
