#include "http/cloudtask/replies.h"

#include "http/cloudtask/center_paths.h"
#include "http/cloudtask/json_text.h"

namespace mainspring::http::cloudtask {

namespace {

using nlohmann::json;

constexpr std::string_view k_json_type = "application/json; charset=utf-8";

// api/utils.go writeCorsHeaders.
void add_cors(http_response& r) {
  r.headers.emplace_back("Access-Control-Allow-Origin", "*");
  r.headers.emplace_back("Access-Control-Allow-Headers", "Origin, X-Requested-With, Content-Type, Accept");
  r.headers.emplace_back("Access-Control-Allow-Methods", "GET, POST, DELETE, PUT, OPTIONS, HEAD");
}

http_response center_response(int http_status, const json& body) {
  http_response r{http_status, std::string(k_json_type), center_json_text(body), {}};
  add_cors(r);
  return r;
}

json center_body(std::string_view content, const json& data) {
  json body = {{"content", content}};
  if (!data.is_null()) body["data"] = data;
  return body;
}

}  // namespace

void send_center(const responder& reply, int http_status, std::string_view content, const json& data) {
  reply.send(center_response(http_status, center_body(content, data)));
}

http_response render_center(int http_status, const status& error) {
  // The center's answers carry its fixed texts; it has no API keys, so a refused key says why.
  if (http_status == 401 || http_status == 403) return center_response(http_status, center_body(error.message(), nullptr));
  std::string_view text = http_status == 404 ? k_not_found : http_status < 500 ? k_invalid : k_exception;
  return center_response(http_status, center_body(text, nullptr));
}

void send_center_error(const responder& reply, const status& error) {
  switch (error.code()) {
    case status_code::invalid_argument: return reply.send(render_center(400, error));
    case status_code::not_found: return reply.send(render_center(404, error));
    default: return reply.send(render_center(500, error));
  }
}

void send_center_raw(const responder& reply, int http_status, const json& body) {
  reply.send(center_response(http_status, body));
}

void send_center_options(const responder& reply) {
  http_response r{200, "", "", {}};  // nothing written: net/http sends no Content-Type
  add_cors(r);
  reply.send(std::move(r));
}

void send_web(const responder& reply, const json& data) {
  reply.send(http_response{200, std::string(k_json_type),
                           web_json_text(json{{"code", k_web_ok}, {"message", k_successed}, {"data", data}}), {}});
}

void send_web_error(const responder& reply, const status& error) {
  int http_status = 500, code = k_web_exception;
  std::string_view message = k_exception;
  switch (error.code()) {
    case status_code::invalid_argument: http_status = 400, code = k_web_invalid, message = k_invalid; break;
    case status_code::not_found: http_status = 404, code = k_web_not_found, message = k_not_found; break;
    case status_code::already_exists:
    case status_code::failed_precondition:
      http_status = 409, code = k_web_conflict, message = "request resource conflict.";
      break;
    case status_code::unavailable: http_status = 503; break;
    default: break;
  }
  json body = {{"code", code}, {"message", message}, {"data", {{"error", error.message()}}}};
  reply.send(http_response{http_status, std::string(k_json_type), web_json_text(body), {}});
}

void send_web_raw(const responder& reply, const json& body) {
  reply.send(http_response{200, std::string(k_json_type), web_json_text(body), {}});
}

void send_web_text(const responder& reply, std::string json_text) {
  reply.send(http_response{200, std::string(k_json_type), std::move(json_text), {}});
}

http_response render_web(int http_status, const status& error) {
  http_response out;
  responder capture([&out](http_response r) { out = std::move(r); });
  send_web_error(capture, http_status == 404 ? status::not_found(error.message())
                          : http_status < 500 ? status::invalid_argument(error.message())
                                              : status::internal(error.message()));
  out.status = http_status;
  return out;
}

bool is_web_path(std::string_view path) { return path == "/api" || path.starts_with("/api/"); }

http_response render_error_at(std::string_view path, int http_status, const status& error) {
  if (is_web_path(path)) return render_web(http_status, error);
  // What the center's mux answers a path no route takes before any of its handlers runs.
  if (http_status == 404) return mux_not_found();
  if (http_status == 405) return mux_method_not_allowed();
  return render_center(http_status, error);
}

}  // namespace mainspring::http::cloudtask
