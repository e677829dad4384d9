#include "http/ui/ui_routes.h"

#include <catch2/catch.hpp>

#include "http/ui/ui_assets.h"
#include "tests/http/route_caller.h"

using namespace mainspring::http;

namespace {

std::string header_of(const answer_t& a, const std::string& name) {
  for (const auto& [k, v] : a.headers)
    if (k == name) return v;
  return "";
}

}  // namespace

TEST_CASE("every embedded asset has a known content type and a quoted ETag") {
  REQUIRE(!ui::ui_assets().empty());
  REQUIRE(ui::find_ui_asset("index.html") != nullptr);
  REQUIRE(ui::find_ui_asset("app.js") != nullptr);
  CHECK(ui::find_ui_asset("missing.js") == nullptr);
  for (const auto& asset : ui::ui_assets()) {
    INFO(asset.name);
    CHECK(ui::content_type_of(asset.name) != "application/octet-stream");
    CHECK(asset.etag.size() == 18);
    CHECK(asset.etag.front() == '"');
    CHECK(!asset.bytes.empty());
  }
}

TEST_CASE("the UI routes redirect browsers, serve assets with a strict CSP and revalidate by ETag") {
  router r;
  ui::add_ui_routes(r);
  auto home = call_route(r, "GET", "/", "", {{"accept", "text/html"}});
  CHECK(home.status == 302);
  CHECK(header_of(home, "Location") == "/ui/");
  CHECK(call_route(r, "GET", "/").status == 404);

  auto index = call_route(r, "GET", "/ui/");
  REQUIRE(index.status == 200);
  CHECK(index.content_type == "text/html; charset=utf-8");
  CHECK(header_of(index, "Content-Security-Policy") == std::string(ui::k_ui_content_security_policy));
  CHECK(header_of(index, "X-Content-Type-Options") == "nosniff");
  auto etag = header_of(index, "ETag");
  auto again = call_route(r, "GET", "/ui/", "", {{"if-none-match", etag}});
  CHECK(again.status == 304);
  CHECK(again.raw.empty());

  auto missing = call_route(r, "GET", "/ui/nope.css");
  CHECK(missing.status == 404);
  CHECK(missing.error() == "no dashboard file nope.css");
  CHECK(header_of(missing, "Content-Security-Policy") != "");
}
