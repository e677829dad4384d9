#include "http/native/func_routes.h"

#include <string>
#include <utility>
#include <vector>

#include "http/native/envelope.h"
#include "http/json_body.h"
#include "http/native/route_helpers.h"

namespace mainspring::http::native {

namespace {

using nlohmann::json;

// {"group_name", "name"} of delete; both required.
status_or<std::pair<std::string, std::string>> func_ref_from_json(const json& body) {
  std::optional<std::string> group, name;
  MS_ASSIGN_OR_RETURN(group, string_field(body, "group_name"));
  if (auto st = validate_group_name(group.value_or("")); !st.ok()) return st;
  MS_ASSIGN_OR_RETURN(name, string_field(body, "name"));
  if (!name || name->empty()) return status::invalid_argument("name: required");
  if (!is_valid_func_name(*name))
    return status::invalid_argument("name: must match [a-zA-Z0-9_]{1,64}, got \"" + name->substr(0, 80) + "\"");
  return std::pair{*group, *name};
}

json funcs_json(const std::vector<func_spec>& funcs) {
  json out = json::array();
  for (const auto& f : funcs) out.push_back(func_list_item_json(f));
  return out;
}

}  // namespace

status_or<func_spec> func_spec_from_json(const json& body) {
  func_spec f;
  std::optional<std::string> text;
  MS_ASSIGN_OR_RETURN(text, string_field(body, "group_name"));
  f.group = text.value_or("");
  MS_ASSIGN_OR_RETURN(text, string_field(body, "name"));
  f.name = text.value_or("");
  MS_ASSIGN_OR_RETURN(text, string_field(body, "lua_body"));
  f.lua_body = text.value_or("");
  MS_ASSIGN_OR_RETURN(text, string_field(body, "memo"));
  if (!text) MS_ASSIGN_OR_RETURN(text, string_field(body, "momo"));  // the seed's spelling
  f.memo = text.value_or("");
  std::optional<bool> flag;
  MS_ASSIGN_OR_RETURN(flag, bool_field(body, "use_otp"));
  f.use_otp = flag.value_or(false);
  MS_ASSIGN_OR_RETURN(flag, bool_field(body, "disable_group_otp"));
  f.disable_group_otp = flag.value_or(false);
  return f;
}

json func_list_item_json(const func_spec& f) {
  json item = {{"name", f.name},
               {"group_name", f.group},
               {"lua_body", f.lua_body},
               {"use_otp", f.use_otp},
               {"disable_group_otp", f.disable_group_otp},
               {"memo", f.memo},
               {"created_time", f.created_ms / 1000}};
  if (f.disable_group_otp) item["otp_token"] = f.secret;
  return item;
}

void add_func_routes(router& r, scheduler_api& api) {
  r.add("POST", "/v1/add/func", guarded([&api](http_request& req, responder reply) {
    auto func = decode_body(req, func_spec_from_json);
    if (!func.ok()) return reply.send(failure(func.status()));
    api.add_func(origin_of(req), std::move(func).value(),
                 answer<std::string>(reply, [](const std::string& s) { return json(s); }));
  }));
  r.add("GET", "/v1/{group}/func/list", guarded([&api](http_request& req, responder reply) {
    auto group = group_param(req);
    if (!group.ok()) return reply.send(failure(group.status()));
    api.list_funcs(*group, answer<std::vector<func_spec>>(reply, funcs_json));
  }));
  r.add("POST", "/v1/delete/func", guarded([&api](http_request& req, responder reply) {
    auto ref = decode_body(req, func_ref_from_json);
    if (!ref.ok()) return reply.send(failure(ref.status()));
    api.delete_func(origin_of(req), ref->first, ref->second, answer_ok(reply));
  }));
}

}  // namespace mainspring::http::native
