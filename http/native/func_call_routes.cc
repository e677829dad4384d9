#include "http/native/func_call_routes.h"

#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "http/native/envelope.h"
#include "http/native/route_helpers.h"

namespace mainspring::http::native {

namespace {

// The request as the scheduler wants it; the OTP code is taken out of the query or headers.
func_request func_request_of(http_request& req) {
  func_request out;
  out.method = req.method;
  out.path = req.path;
  out.body = std::move(req.body);
  out.headers = req.headers;
  out.query.assign(req.query.begin(), req.query.end());
  if (auto it = req.query.find("otp_code"); it != req.query.end()) out.otp_code = it->second;
  else out.otp_code = std::string(req.header("x-otp-code"));
  return out;
}

}  // namespace

bool is_json_body(std::string_view body) {
  return nlohmann::json::accept(body.begin(), body.end());
}

void add_func_call_routes(router& r, scheduler_api& api) {
  auto call = guarded([&api](http_request& req, responder reply) {
    auto group = group_param(req);
    if (!group.ok()) return reply.send(failure(group.status()));
    const std::string& name = req.param("func");
    if (!is_valid_func_name(name))
      return reply.send(failure(status::not_found("name: no func \"" + name.substr(0, 80) + "\"")));
    api.call_func(*group, name, func_request_of(req), [reply](status_or<std::string> out) {
      if (!out.ok()) return reply.send(failure(out.status()));
      bool json = is_json_body(*out);
      reply.send(json ? http_response::json(200, std::move(out).value())
                      : http_response::text(200, std::move(out).value()));
    });
  });
  for (const char* method : {"GET", "POST", "PUT", "PATCH", "DELETE"}) r.add(method, "/{group}/{func}", call);
}

}  // namespace mainspring::http::native
