#include "http/ui/gzip_assets.h"

#include <zlib.h>

#include <memory>
#include <mutex>
#include <vector>

#include "http/header_text.h"

namespace mainspring::http::ui {

namespace {

constexpr int k_gzip_window_bits = 15 + 16;  // zlib's way of asking for a gzip header
constexpr int k_memory_level = 8;

// One gzip form per asset, in ui_assets() order; null where compressing did not pay.
std::vector<std::unique_ptr<gzip_asset>> compress_all() {
  std::vector<std::unique_ptr<gzip_asset>> out;
  for (const ui_asset& a : ui_assets()) {
    std::string z = gzip_compress(a.bytes);
    if (z.empty() || z.size() >= a.bytes.size()) {
      out.emplace_back();
      continue;
    }
    std::string etag(a.etag);
    etag.insert(etag.size() - 1, "-gz");  // inside the closing quote
    out.push_back(std::make_unique<gzip_asset>(gzip_asset{std::move(z), std::move(etag)}));
  }
  return out;
}

}  // namespace

std::string gzip_compress(std::string_view bytes) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, k_gzip_window_bits, k_memory_level, Z_DEFAULT_STRATEGY) != Z_OK)
    return "";
  std::string out(deflateBound(&zs, static_cast<uLong>(bytes.size())), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  zs.avail_in = static_cast<uInt>(bytes.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return rc == Z_STREAM_END ? out : "";
}

const gzip_asset* gzip_of(const ui_asset& asset) {
  static std::once_flag once;
  static std::vector<std::unique_ptr<gzip_asset>> compressed;
  std::call_once(once, [] { compressed = compress_all(); });
  auto assets = ui_assets();
  for (std::size_t i = 0; i < assets.size() && i < compressed.size(); ++i)
    if (assets[i].name == asset.name) return compressed[i].get();
  return nullptr;
}

bool accepts_gzip(std::string_view accept_encoding) {
  std::string header = ascii_lowercase(accept_encoding);
  std::string_view rest = header;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    auto semicolon = item.find(';');
    std::string coding(trim_blanks(item.substr(0, semicolon)));
    if (coding != "gzip" && coding != "*") continue;
    if (semicolon == std::string_view::npos) return true;
    std::string params(trim_blanks(item.substr(semicolon + 1)));
    // q=0, q=0.0, q=0.00 ... refuse it; any other weight accepts it.
    if (params.rfind("q=", 0) == 0 && params.find_first_not_of("0.", 2) == std::string::npos) continue;
    return true;
  }
  return false;
}

}  // namespace mainspring::http::ui
