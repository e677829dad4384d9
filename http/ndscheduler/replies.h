// replies: the answers every ndscheduler route gives the same way: JSON in ndscheduler's key
// order and content type, its error shape ({"error": ...}, 400 with the reason in the status
// line), core errors in its words, tornado's @removeslash, and the small steps the job and
// execution routes share (the request's origin for the audit log, a job read before a change).
//
// Example:
//   r.add("GET", k_job_route, handler([&api, o](http_request& req, responder reply) {
//     with_job(api, o, req.params["id"], reply, [reply](const job_view& v) { send_json(reply, 200, job_json(v)); });
//   }));
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "actors/scheduler_api.h"
#include "http/http_message.h"
#include "http/ndscheduler/ndscheduler_dialect.h"
#include "http/responder.h"
#include "http/router.h"

namespace mainspring::http::ndscheduler {

// Answers keep their keys in the order ndscheduler builds its dicts (tornado writes them out with
// json.dumps, which keeps that order): job_id before name, execution_id before state.
using ojson = nlohmann::ordered_json;
using options_ptr = std::shared_ptr<const ndscheduler_options>;

void send_json(const responder& reply, int code, const ojson& body);

// ndscheduler's error shape: 400 for what the client got wrong, 500 otherwise. A refused body's
// 400 also says why in its status line, as ndscheduler's tornado.web.HTTPError(400, reason=...)
// does and its UI shows (err.statusText); a job or execution not found is a plain 400 there.
http_response render(int http_status, const status& error);
void send_error(const responder& reply, const status& st);

// A core error in ndscheduler's words.
status nd_status(const status& st, const std::string& job_id);

// A route's handler as tornado runs the method: @removeslash first (a path ending in '/' is, for
// GET and HEAD, a 301 to the path without its trailing slashes, query kept; for any other method
// a 404), then the body, whose exceptions answer 500 in ndscheduler's shape.
request_handler handler(request_handler h);

// What a method the route's tornado handler takes no id for answers (its call would fail with a
// TypeError, a 500 there): the 405 the router gives a method a path has no route for.
request_handler not_allowed_with_id(std::string allow);

// The request's origin for the audit log, with `detail` (audit_log.h).
request_origin origin(const http_request& req, std::string detail = {});

// The request's JSON object, its objects' keys in the order sent (pub_args shows them so).
status_or<ojson> body_of(const http_request& req);

// Answers {"job_id": id} with `code` once `done` reports success.
done_fn answer_job_id(responder reply, std::string id, int code = 200);

// Calls `then` with the job as it is, or answers "Job not found".
void with_job(scheduler_api& api, const options_ptr& o, const std::string& id, const responder& reply,
              std::function<void(const job_view&)> then);

}  // namespace mainspring::http::ndscheduler
