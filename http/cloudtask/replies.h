// replies: the two answer shapes of the Cloudtask dialect, and how core errors map onto them.
//
// The center (cloudtask-center api/response.go) answers {"content": "<text>", "data": {...}}
// ("data" left out when empty), with CORS headers on every answer (its enablecors default);
// cloudtask-web (controllers/response, request/request.js) answers
// {"code": <0 or a negative code>, "message": "<text>", "data": ...}. Both use fixed texts per
// outcome; the web's error answers also say why in data.error (cloudtask-web sends {} there).
//
// Example:
//   send_center(reply, 200, k_successed, json{{"servers", servers}});
//   send_web_error(reply, status::not_found("jobid: no such job: x"));   // 404, code -1001
//   d.render_error_at = render_error_at;   // the listener's own errors, by the request's path
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "http/cloudtask/json_text.h"
#include "http/http_message.h"
#include "http/responder.h"

namespace mainspring::http::cloudtask {

// The center's texts (api/response.go, spelling included).
inline constexpr std::string_view k_successed = "request successed.";
inline constexpr std::string_view k_accepted = "request accepted.";
inline constexpr std::string_view k_invalid = "request resolve invaild.";
inline constexpr std::string_view k_not_found = "request resource not found.";
inline constexpr std::string_view k_exception = "request server exception.";

// cloudtask-web's codes (controllers/request/request.js).
inline constexpr int k_web_ok = 0;
inline constexpr int k_web_invalid = -1000;
inline constexpr int k_web_not_found = -1001;
inline constexpr int k_web_conflict = -1003;
inline constexpr int k_web_exception = -1004;
inline constexpr int k_web_state_invalid = -1005;

// -- the center --
void send_center(const responder& reply, int http_status, std::string_view content,
                 const nlohmann::json& data = nullptr);
// invalid_argument 400 k_invalid, not_found 404 k_not_found, else 500 k_exception.
void send_center_error(const responder& reply, const status& error);
// The center's body as a raw JSON document (jobs/{id}/base and _ping carry no envelope).
void send_center_raw(const responder& reply, int http_status, const nlohmann::json& body);
// OPTIONS on a center route: 200 with the CORS headers and no body (optionsHandler).
void send_center_options(const responder& reply);
// An error answer in the center's shape with `http_status` (a refused API key says why).
http_response render_center(int http_status, const status& error);

// -- the web --
void send_web(const responder& reply, const nlohmann::json& data);
// invalid_argument 400 -1000, not_found 404 -1001, already_exists and failed_precondition 409
// -1003, unavailable 503 -1004, else 500 -1004.
void send_web_error(const responder& reply, const status& error);
// A web route that answers a bare document (getById, the job lists).
void send_web_raw(const responder& reply, const nlohmann::json& body);
// A web route's 200 answer written already, as JSON text (keys in an order of its own).
void send_web_text(const responder& reply, std::string json_text);
// An error answer in the web's shape with `http_status`: code -1001 for 404, -1000 below 500,
// -1004 from 500; data.error the message.
http_response render_web(int http_status, const status& error);

// -- the listener --
// What the listener itself answers (unknown path, bad method, oversized body, ...) to a request
// for `path`: the web's shape under /api (cloudtask-web's routes), the center's otherwise, where
// no route for the path (404) or for its method (405) is answered as the center's mux answers
// them (center_paths.h).
http_response render_error_at(std::string_view path, int http_status, const status& error);
// True for /api and what is under it.
bool is_web_path(std::string_view path);

}  // namespace mainspring::http::cloudtask
