// route_helpers: what every native route does the same way: answer in the envelope from a
// scheduler_api callback, keep exceptions from reaching the server, decode the body and the
// path parameters.
//
// Example:
//   r.add("POST", "/v1/pause/job", guarded([&api](http_request& req, responder reply) {
//     auto job = decode_body(req, job_ref_from_json);
//     if (!job.ok()) return reply.send(failure(job.status()));
//     api.pause_job(origin_of(req), job->group, job->job_id, answer_ok(reply));
//   }));
#pragma once

#include <exception>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "actors/scheduler_api.h"
#include "http/native/envelope.h"
#include "http/json_body.h"
#include "http/router.h"

namespace mainspring::http::native {

// -- answering --

// Runs `handler`, answering 500 in the envelope instead of letting an exception reach the server
// (http::guarded with the native error shape).
request_handler guarded(request_handler handler);

// The callback of a call that answers nothing but success: {"success": "ok"}.
done_fn answer_ok(responder reply);

// The callback of a call that answers a T, rendered by `to_json` into the success payload.
template <class T, class ToJson>
reply_fn<T> answer(responder reply, ToJson to_json) {
  return [reply = std::move(reply), to_json](status_or<T> result) {
    if (!result.ok()) return reply.send(failure(result.status()));
    try {
      reply.send(success(to_json(result.value())));
    } catch (const std::exception& e) {  // runs on an actor thread: nothing may escape
      reply.send(failure(status::internal(std::string("internal error: ") + e.what())));
    }
  };
}

// -- request decoding --

// Who asks, for the audit log (http::origin_of for the native dialect).
request_origin origin_of(const http_request& req);

// The request body parsed as a JSON object, then decoded by `from_json`.
template <class FromJson>
auto decode_body(const http_request& req, FromJson from_json) -> decltype(from_json(nlohmann::json{})) {
  auto body = parse_json_object(req.body);
  if (!body.ok()) return body.status();
  return from_json(*body);
}

// The {group} path parameter, validated as a group name.
status_or<std::string> group_param(const http_request& req);

}  // namespace mainspring::http::native
