#include "http/cronicle/errors.h"

#include "http/json_text.h"

namespace mainspring::http::cronicle {

namespace {

using nlohmann::json;

constexpr std::string_view k_json_type = "application/json";

http_response reply_of(int http_status, std::string body) {
  http_response r{http_status, std::string(k_json_type), std::move(body), {}};
  r.headers.emplace_back("Access-Control-Allow-Origin", "*");
  return r;
}

http_response reply_of(int http_status, const json& body) {
  return reply_of(http_status, body.dump(-1, ' ', false, json::error_handler_t::replace));
}

json body_of(const api_error& error) {
  json code = error.code == "1" ? json(1) : json(error.code);
  return json{{"code", std::move(code)}, {"description", error.description}};
}

// The key registry's refusals (actors/api_key_registry.cc) in Cronicle's words (lib/api.js
// loadSession, requireValidUser, requirePrivilege). Cronicle echoes the presented key in some;
// here a key is named by its id or title only.
api_error key_refusal(const status& error, const key_title_lookup& title_of) {
  const std::string& m = error.message();
  if (error.code() == status_code::permission_denied) {
    // "API key <id> lacks the <privilege> privilege"
    std::string id, priv;
    if (auto lacks = m.find(" lacks the "); m.starts_with("API key ") && lacks != std::string::npos) {
      id = m.substr(8, lacks - 8);
      auto rest = m.substr(lacks + 11);
      priv = rest.substr(0, rest.find(' '));
    }
    // Key management is requireAdmin's: Cronicle names the session's user (for a key, its
    // `username`, which keys do not have); here the key's id.
    if (priv == "admin") return {"user", "User is not an administrator: " + id};
    std::string title = title_of ? title_of(id) : std::string();
    return privilege_refusal(title.empty() ? id : title, priv);
  }
  if (m.starts_with("an API key is required")) return {"session", "No Session ID or API Key could be found"};
  if (m.starts_with("API key ") && m.ends_with(" is disabled"))
    return {"api", "API Key is disabled: " + m.substr(8, m.size() - 8 - 12)};
  // requireValidUser's for a key no key matches ("Invalid API Key: <the key sent>"), without the
  // key sent.
  return {"api", "Invalid API Key"};
}

}  // namespace

http_response success(json fields) {
  json body = {{"code", 0}};
  if (fields.is_object())
    for (auto& [k, v] : fields.items()) body[k] = std::move(v);
  return reply_of(200, body);
}

http_response success_with(std::string_view name, std::string_view text) {
  std::string body;
  body.reserve(16 + name.size() + text.size());
  body += "{\"code\":0,\"";
  body += name;
  body += "\":";
  append_json_string(body, text);
  body += '}';
  return reply_of(200, std::move(body));
}

http_response failure(const api_error& error) { return reply_of(200, body_of(error)); }

api_error event_error(const status& st, std::string_view verb, const std::string& event_id) {
  if (st.code() == status_code::not_found) return {"event", "Failed to locate event: " + event_id};
  return {"event", "Failed to " + std::string(verb) + " event: " + st.message()};
}

api_error privilege_refusal(const std::string& title, std::string_view privilege) {
  return {"api", "API Key ('" + title + "') does not have the required privileges to perform this action (" +
                     std::string(privilege) + ")."};
}

http_response render_error(int http_status, const status& error, const key_title_lookup& title_of) {
  const bool key_refused = (http_status == 401 || http_status == 403) &&
                           (error.code() == status_code::unauthenticated ||
                            (error.code() == status_code::permission_denied && error.message().starts_with("API key ")));
  if (key_refused) return failure(key_refusal(error, title_of));
  if (http_status == 404) {
    // dispatch: "no route for GET /api/<name>..." -> pixl-server-api's "Unsupported API: <name>";
    // a path outside /api is a plain 404, as Cronicle's web server answers it.
    const std::string& m = error.message();
    auto at = m.find(" /api/");
    if (at != std::string::npos) {
      std::string name = m.substr(at + 6);
      name = name.substr(0, name.find('/'));
      return failure({"1", "Unsupported API: " + name});
    }
    return reply_of(404, body_of({"1", "File not found: " + m.substr(m.find('/') == std::string::npos ? 0 : m.find('/'))}));
  }
  // Refused cross-site requests, wrong methods, oversize requests, a busy listener, a handler that
  // threw: the listener's own status, Cronicle's shape.
  return reply_of(http_status, body_of({"api", error.message().empty() ? "Internal server error" : error.message()}));
}

}  // namespace mainspring::http::cronicle
