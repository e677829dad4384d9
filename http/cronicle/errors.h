// errors: Cronicle's answer shapes: every answer is HTTP 200 JSON with a `code` (0 on success, a
// string such as "api", "event", "job", "session" on failure) and, on failure, a `description`,
// with `Access-Control-Allow-Origin: *` as Cronicle sends it.
//
// The codes and texts are Cronicle's own (lib/api.js, lib/api/event.js, lib/api/job.js and
// pixl-server-user's requireParams / doError, pixl-server-api's "Unsupported API").
//
// Example:
//   reply.send(cronicle::success({{"id", "e0kq1z3ab01"}}));          // {"code":0,"id":...}
//   reply.send(cronicle::failure({"event", "Failed to locate event: x"}));
//   d.render_error = cronicle::render_error;   // what the listener answers itself
#pragma once

#include <functional>

#include <string>
#include <utility>
#include <variant>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "http/http_message.h"

namespace mainspring::http::cronicle {

// A refusal as Cronicle words it.
struct api_error {
  std::string code;         // "api", "event", "job", "session", "1" is sent as the number 1
  std::string description;

  bool operator==(const api_error&) const = default;
};

// A value or the api_error that stopped it: what the translation functions answer.
template <class T>
class or_error {
 public:
  or_error(T value) : v_(std::move(value)) {}           // NOLINT: implicit, as status_or
  or_error(api_error error) : v_(std::move(error)) {}   // NOLINT
  bool ok() const { return v_.index() == 0; }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const api_error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, api_error> v_;
};

// Cronicle's "Malformed parameter ..." family is code "api".
inline api_error api_refusal(std::string description) { return {"api", std::move(description)}; }

// {"code": 0} merged with `fields` (an object).
http_response success(nlohmann::json fields = nlohmann::json::object());
// {"code": 0, <name>: <text>}, written straight as text (create_event's answer: a hot path).
// REQUIRES: `name` sorts after "code" and needs no escaping (the order success(json) gives).
http_response success_with(std::string_view name, std::string_view text);
// {"code": <error.code>, "description": <error.description>}; code "1" is sent as the number 1
// (pixl-server-api's "Unsupported API").
http_response failure(const api_error& error);

// A core status in Cronicle's words, for a call about event `event_id`: not_found is the event
// that was not there; other failures keep their message under code "event".
api_error event_error(const status& st, std::string_view verb, const std::string& event_id);

// The title of the API key with id `key_id` ("" when there is none), for a refusal that names it.
using key_title_lookup = std::function<std::string(std::string_view key_id)>;

// What the listener itself answers (no route, a key refused, an oversize body, a handler that
// threw), in Cronicle's shape. Key refusals take Cronicle's texts without ever naming a secret:
// a key lacking a privilege by its title (requirePrivilege's user.title, through `title_of`;
// its id when there is none).
http_response render_error(int http_status, const status& error, const key_title_lookup& title_of = {});

// requirePrivilege's refusal for an API key titled `title` lacking `privilege`.
api_error privilege_refusal(const std::string& title, std::string_view privilege);

}  // namespace mainspring::http::cronicle
