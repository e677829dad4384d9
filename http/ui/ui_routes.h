// ui_routes: serves the web dashboard on the native listener. Translation only: the pages are
// static files (http/ui/ui_assets.h) that call the native API from the browser.
//
//   GET /            302 to /ui/ when the client accepts text/html (a browser); else 404 as before
//   GET /ui          302 to /ui/
//   GET /ui/         index.html
//   GET /ui/{asset}  one asset; 404 in the native envelope for an unknown name
//
// Every answer carries a strict Content-Security-Policy (only this origin's scripts, styles and
// connections; no inline script or style; no framing), X-Content-Type-Options: nosniff, and
// Cache-Control: no-cache with an ETag (If-None-Match answers 304), so a new binary's assets are
// picked up at once. A client that accepts gzip gets the files compressed (gzip_assets.h; its
// own ETag, Vary: Accept-Encoding). UI routes need no API key: the page asks the user for one and sends it with
// every API call (X-API-Key).
//
// Example:
//   router r;
//   ui::add_ui_routes(r);
//   // curl -i -H 'Accept: text/html' http://127.0.0.1:8080/   ->  302 Location: /ui/
#pragma once

#include <string_view>

#include "http/router.h"

namespace mainspring::http::ui {

// The Content-Security-Policy of every UI answer.
inline constexpr std::string_view k_ui_content_security_policy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";
// Where GET / and GET /ui send browsers.
inline constexpr std::string_view k_ui_home = "/ui/";

void add_ui_routes(router& r);

}  // namespace mainspring::http::ui
