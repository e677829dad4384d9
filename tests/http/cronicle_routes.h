// cronicle_routes: a Cronicle listener's routes over an in-memory scheduler (fake_scheduler.h),
// for the Cronicle dialect's route tests.
//
// Example:
//   cronicle_routes f;                                   // General exists, as at a server's start
//   json answer = f.call("get_categories");              // {"code":0,"rows":[...],...}
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "http/cronicle/cronicle_dialect.h"
#include "http/router.h"
#include "tests/http/fake_scheduler.h"
#include "tests/http/route_caller.h"

namespace mainspring::http {

struct cronicle_routes {
  fake_scheduler api;
  router routes;
  dialect d = cronicle::make_dialect({.group = "cronicle", .hostname = "h1"});

  cronicle_routes() { d.add_routes(routes, api); }
  // A POST of `body` to the call `name`; the answer's JSON.
  nlohmann::json call(const std::string& name, const nlohmann::json& body = nlohmann::json::object()) {
    return call_route(routes, "POST", "/api/app/" + name + "/v1", body.dump()).body;
  }
};

}  // namespace mainspring::http
