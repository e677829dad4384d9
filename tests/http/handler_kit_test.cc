// The dialect kit's shared handler pieces: guarded handlers, origins, field renaming, the default
// error shape, and the native dialects' settings.
#include "http/handler_kit.h"

#include <stdexcept>

#include <catch2/catch.hpp>

#include "http/native/native_dialect.h"
#include "http/native/native_routes.h"
#include "tests/http/route_caller.h"

using namespace mainspring;
using namespace mainspring::http;

TEST_CASE("a guarded handler answers 500 in the dialect's shape when it throws") {
  router r;
  error_renderer plain = [](int code, const status& st) { return http_response::text(code, st.message() + "\n"); };
  r.add("GET", "/boom", guarded(plain, [](http_request&, responder) { throw std::runtime_error("kaput"); }));
  r.add("GET", "/fine", guarded(plain, [](http_request&, responder reply) { reply.send(http_response::text(200, "ok")); }));
  auto boom = call_route(r, "GET", "/boom");
  CHECK(boom.status == 500);
  CHECK(boom.content_type.starts_with("text/plain"));
  CHECK(boom.raw == "internal error: kaput\n");
  CHECK(call_route(r, "GET", "/fine").raw == "ok");
}

TEST_CASE("an origin names the dialect that asked") {
  http_request req;
  auto origin = origin_of("dkron", req);
  CHECK(origin.api == "dkron");
  CHECK(origin.key_id.empty());
}

TEST_CASE("a leading field id is renamed into the dialect's vocabulary, nothing else") {
  auto st = renamed_field(status::invalid_argument("interval_pattern: field 3 out of range"),
                          {{"name", "job_name"}, {"interval_pattern", "schedule"}});
  CHECK(st.code() == status_code::invalid_argument);
  CHECK(st.message() == "schedule: field 3 out of range");
  CHECK(renamed_field(status::not_found("name_x: y"), {{"name", "n"}}).message() == "name_x: y");
  CHECK(renamed_field(status::not_found("no colon"), {{"no colon", "x"}}).message() == "no colon");
  CHECK(renamed_field(status::not_found("name"), {{"name", "x"}}).message() == "name");
}

TEST_CASE("the default error shape is {\"error\": message} with the listener's status") {
  auto r = json_error(404, status::not_found("no route for GET /x"));
  CHECK(r.status == 404);
  CHECK(r.content_type.starts_with("application/json"));
  CHECK(nlohmann::json::parse(r.body) == nlohmann::json{{"error", "no route for GET /x"}});
}

TEST_CASE("the native dialects: system routes, envelope, and a larger body limit for imports") {
  auto api = native::make_dialect();
  CHECK(api.name == "native");
  CHECK(api.system_routes);
  CHECK(api.body_limit_for("/v1/import") == native::k_max_import_bytes);
  CHECK(api.body_limit_for("/import") == native::k_max_import_bytes);
  CHECK(api.body_limit_for("/v1/add/job") == k_max_body_bytes);
  auto rendered = api.render_error(405, status::invalid_argument("method PUT not allowed"));
  CHECK(rendered.status == 405);
  CHECK(nlohmann::json::parse(rendered.body) == nlohmann::json{{"error", "method PUT not allowed"}});
  auto funcs = native::make_func_dialect();
  CHECK_FALSE(funcs.system_routes);
  CHECK_FALSE(funcs.body_limit_for);
  CHECK(funcs.keyless);  // under --require-api-key too: funcs keep their TOTP codes
  CHECK_FALSE(api.keyless);
}
