#include "http/ndscheduler/replies.h"

#include <utility>

#include "http/handler_kit.h"
#include "http/json_body.h"
#include "http/ndscheduler/job_json.h"  // k_dialect_name

namespace mainspring::http::ndscheduler {

using nlohmann::json;

namespace {

constexpr std::string_view k_json_type = "application/json; charset=UTF-8";

int http_status_of(const status& st) {
  switch (st.code()) {
    case status_code::invalid_argument:
    case status_code::not_found:
    case status_code::already_exists:
    case status_code::failed_precondition: return 400;
    case status_code::unavailable: return 503;
    case status_code::unimplemented: return 501;
    default: return 500;
  }
}

// tornado's @removeslash, the outermost decorator of every ndscheduler handler method: a path
// ending in '/' is, for GET and HEAD, a 301 to the path without its trailing slashes (query
// kept, an empty body as tornado's redirect sends); for any other method a 404. nullopt for a
// path without one.
std::optional<http_response> removeslash(const http_request& req) {
  const std::string& sent = req.raw_path.empty() ? req.path : req.raw_path;
  if (!sent.ends_with('/')) return std::nullopt;
  if (req.method != "GET" && req.method != "HEAD")
    return render(404, status::not_found("no route for " + req.method + " " + sent));
  std::string location = sent.substr(0, sent.find_last_not_of('/') + 1);
  if (auto q = req.target.find('?'); q != std::string::npos) location += req.target.substr(q);
  return http_response{301, "text/html; charset=UTF-8", "", {{"Location", location}}};
}

}  // namespace

void send_json(const responder& reply, int code, const ojson& body) {
  reply.send(http_response{code, std::string(k_json_type), body.dump(-1, ' ', false, json::error_handler_t::replace), {}});
}

http_response render(int http_status, const status& error) {
  std::string message = error.message().empty() ? "server side error" : error.message();
  http_response r{http_status, std::string(k_json_type), json{{"error", message}}.dump(-1, ' ', false, json::error_handler_t::replace), {}};
  if (http_status == 400 && !message.starts_with("Job not found") && !message.starts_with("Execution not found"))
    r.reason = std::move(message);
  return r;
}

void send_error(const responder& reply, const status& st) { reply.send(render(http_status_of(st), st)); }

status nd_status(const status& st, const std::string& job_id) {
  if (st.code() == status_code::not_found && st.message().starts_with("job_id:"))
    return status::invalid_argument("Job not found: " + job_id);
  return renamed_field(st, {{"interval_pattern", "trigger_params"}, {"request_url", "pub_args"},
                            {"exec_command", "pub_args"}, {"name", "name"}});
}

request_handler handler(request_handler h) {
  return guarded(render, [h = std::move(h)](http_request& req, responder reply) {
    if (auto moved = removeslash(req)) return reply.send(std::move(*moved));
    h(req, std::move(reply));
  });
}

request_handler not_allowed_with_id(std::string allow) {
  return handler([allow = std::move(allow)](http_request& req, responder reply) {
    const std::string& sent = req.raw_path.empty() ? req.path : req.raw_path;
    http_response r = render(405, status::invalid_argument("method " + req.method + " not allowed on " + sent +
                                                           "; allowed: " + allow));
    r.headers.emplace_back("Allow", allow);
    reply.send(std::move(r));
  });
}

request_origin origin(const http_request& req, std::string detail) {
  auto o = origin_of(k_dialect_name, req);
  o.detail = std::move(detail);
  return o;
}

status_or<ojson> body_of(const http_request& req) { return parse_ordered_json_object(req.body); }

done_fn answer_job_id(responder reply, std::string id, int code) {
  return [reply, id, code](status st) {
    if (!st.ok()) return send_error(reply, nd_status(st, id));
    send_json(reply, code, json{{"job_id", id}});
  };
}

void with_job(scheduler_api& api, const options_ptr& o, const std::string& id, const responder& reply,
              std::function<void(const job_view&)> then) {
  api.job_detail(o->group, id, [reply, id, then = std::move(then)](status_or<job_view> v) {
    if (!v.ok()) return send_error(reply, nd_status(v.status(), id));
    then(*v);
  });
}

}  // namespace mainspring::http::ndscheduler
