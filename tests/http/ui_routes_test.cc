#include "http/ui/ui_routes.h"

#include <catch2/catch.hpp>

#include "http/ui/gzip_assets.h"
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

TEST_CASE("a client that accepts gzip gets the asset compressed, with its own ETag") {
  router r;
  ui::add_ui_routes(r);
  const ui::ui_asset* app = ui::find_ui_asset("app.js");
  REQUIRE(app != nullptr);
  auto plain = call_route(r, "GET", "/ui/app.js");
  REQUIRE(plain.status == 200);
  CHECK(plain.raw == std::string(app->bytes));
  CHECK(header_of(plain, "Content-Encoding") == "");
  CHECK(header_of(plain, "Vary") == "Accept-Encoding");

  auto zipped = call_route(r, "GET", "/ui/app.js", "", {{"accept-encoding", "gzip, deflate, br"}});
  REQUIRE(zipped.status == 200);
  CHECK(header_of(zipped, "Content-Encoding") == "gzip");
  CHECK(header_of(zipped, "Vary") == "Accept-Encoding");
  CHECK(zipped.raw.size() < app->bytes.size());
  CHECK(zipped.raw.substr(0, 2) == "\x1f\x8b");  // a gzip member
  const ui::gzip_asset* gz = ui::gzip_of(*app);
  REQUIRE(gz != nullptr);
  CHECK(zipped.raw == gz->bytes);
  std::string zipped_etag = header_of(zipped, "ETag");
  CHECK(zipped_etag == gz->etag);
  CHECK(zipped_etag != header_of(plain, "ETag"));
  // Each variant revalidates against its own tag only.
  CHECK(call_route(r, "GET", "/ui/app.js", "", {{"accept-encoding", "gzip"}, {"if-none-match", zipped_etag}}).status == 304);
  CHECK(call_route(r, "GET", "/ui/app.js", "", {{"if-none-match", zipped_etag}}).status == 200);
  // gzip;q=0 is a refusal.
  auto refused = call_route(r, "GET", "/ui/app.js", "", {{"accept-encoding", "gzip;q=0, identity"}});
  CHECK(header_of(refused, "Content-Encoding") == "");
}

TEST_CASE("accepts_gzip reads Accept-Encoding's codings and weights") {
  CHECK(ui::accepts_gzip("gzip"));
  CHECK(ui::accepts_gzip("deflate, GZip;q=0.5"));
  CHECK(ui::accepts_gzip("*"));
  CHECK_FALSE(ui::accepts_gzip(""));
  CHECK_FALSE(ui::accepts_gzip("br, deflate"));
  CHECK_FALSE(ui::accepts_gzip("gzip;q=0"));
  CHECK_FALSE(ui::accepts_gzip("gzip; q=0.000"));
  CHECK_FALSE(ui::accepts_gzip("x-gzip2"));
}

TEST_CASE("gzip_compress makes a gzip member of any input") {
  std::string text(10'000, 'a');
  std::string z = ui::gzip_compress(text);
  REQUIRE(z.size() > 18);
  CHECK(z.size() < 200);
  CHECK(z.substr(0, 2) == "\x1f\x8b");
  CHECK(ui::gzip_compress("").substr(0, 2) == "\x1f\x8b");
}
