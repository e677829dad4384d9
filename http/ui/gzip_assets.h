// gzip_assets: the dashboard's files gzip-compressed once, for browsers that accept it (every one
// does): the page's scripts and styles go out at about a quarter of their size.
//
// Compressed lazily on first use (zlib, level 9) and kept for the life of the process; thread-
// safe. A gzip variant has its own ETag (the plain one with "-gz" inside the quotes), so a
// cache never mixes the two; answers say `Vary: Accept-Encoding`.
//
// Example:
//   if (accepts_gzip(req.header("accept-encoding")))
//     if (const gzip_asset* z = gzip_of(*asset)) send(z->bytes, "Content-Encoding: gzip", z->etag);
#pragma once

#include <string>
#include <string_view>

#include "http/ui/ui_assets.h"

namespace mainspring::http::ui {

struct gzip_asset {
  std::string bytes;  // a gzip member (RFC 1952)
  std::string etag;   // "\"<hex>-gz\""
};

// The compressed form of `asset` (one of ui_assets()), or nullptr when compressing would not
// make it smaller or zlib failed.
const gzip_asset* gzip_of(const ui_asset& asset);

// True when an Accept-Encoding value lists gzip (or *) without q=0.
bool accepts_gzip(std::string_view accept_encoding);

// `bytes` as one gzip member; "" when zlib fails. Exposed for tests.
std::string gzip_compress(std::string_view bytes);

}  // namespace mainspring::http::ui
