// ui_assets: the web dashboard's files (http/ui/assets/), compiled into the binary.
//
// cmake/embed_assets.cmake generates ui_assets() at build time from every file of
// http/ui/assets/; nothing is read from disk at run time. Names are flat file names
// ("app.js"), served under /ui/ by http/ui/ui_routes.h.
//
// Example:
//   if (const ui_asset* a = find_ui_asset("app.js"))
//     send(a->bytes, content_type_of(a->name), a->etag);
#pragma once

#include <span>
#include <string_view>

namespace mainspring::http::ui {

struct ui_asset {
  std::string_view name;   // "index.html"
  std::string_view bytes;  // the file's content
  std::string_view etag;   // "\"<16 hex digits of its SHA-256>\"", quoted as the header wants
};

// Every asset, ordered by name (generated).
std::span<const ui_asset> ui_assets();

// The asset named `name`, or nullptr.
const ui_asset* find_ui_asset(std::string_view name);

// The Content-Type of a file by its extension: text/html, text/css, text/javascript, image/svg+xml,
// ... ("application/octet-stream" for anything else), with charset=utf-8 for text.
std::string_view content_type_of(std::string_view name);

}  // namespace mainspring::http::ui
