#include "http/cloudtask/express_answers.h"

#include <cctype>

#include "http/cloudtask/replies.h"

namespace mainspring::http::cloudtask {

namespace {

constexpr std::string_view k_html_type = "text/html; charset=utf-8";

// encodeurl's characters left as they are: ! % & ' ( ) * + , - . / 0-9 : ; = ? @ A-Z [ ] _ a-z ~
// (the '%' only when two hex digits follow), and '#' and '$', which the encodeURI it calls on
// the others leaves alone too.
bool kept_as_is(unsigned char c) {
  return c == 0x21 || (c >= 0x23 && c <= 0x3B) || c == 0x3D || (c >= 0x3F && c <= 0x5B) || c == 0x5D ||
         c == 0x5F || (c >= 0x61 && c <= 0x7A) || c == 0x7E;
}

void append_escape(std::string& out, unsigned char byte) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  out += '%';
  out += k_hex[byte >> 4];
  out += k_hex[byte & 0xF];
}

// escape-html 1.0.3.
std::string html_escaped(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '"': out += "&quot;"; break;
      case '&': out += "&amp;"; break;
      case '\'': out += "&#39;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

std::string express_resource_name(std::string_view path) {
  // parseurl hands a path holding '#' to url.parse, whose pathname ends there.
  if (auto hash = path.find('#'); hash != std::string_view::npos) path = path.substr(0, hash);
  std::string encoded;
  for (std::size_t i = 0; i < path.size(); ++i) {
    const auto c = static_cast<unsigned char>(path[i]);
    if (c == '%') {
      const bool starts_escape = i + 2 < path.size() && std::isxdigit(static_cast<unsigned char>(path[i + 1])) &&
                                 std::isxdigit(static_cast<unsigned char>(path[i + 2]));
      encoded += starts_escape ? "%" : "%25";
      continue;
    }
    if (c < 0x80 && kept_as_is(c)) {
      encoded += static_cast<char>(c);
    } else if (c < 0x80) {
      append_escape(encoded, c);
    } else {
      // Node reads the request line as Latin-1: the byte is U+0080..U+00FF, UTF-8 encoded.
      append_escape(encoded, static_cast<unsigned char>(0xC0 | (c >> 6)));
      append_escape(encoded, static_cast<unsigned char>(0x80 | (c & 0x3F)));
    }
  }
  return html_escaped(encoded);
}

http_response express_not_found(std::string_view method, std::string_view sent_path) {
  // finalhandler's createHtmlDocument; its message has no line breaks or double spaces to mark.
  std::string body = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n"
                     "</head>\n<body>\n<pre>Cannot " +
                     html_escaped(method) + " " + express_resource_name(sent_path) + "</pre>\n</body>\n</html>\n";
  return http_response{404,
                       std::string(k_html_type),
                       std::move(body),
                       {{"Content-Security-Policy", "default-src 'self'"}, {"X-Content-Type-Options", "nosniff"}}};
}

http_response express_options(std::string_view allow) {
  // Each route's methods upper-cased, HEAD after a GET (Route._options), joined by ','.
  std::string methods;
  while (!allow.empty()) {
    const auto comma = allow.find(',');
    std::string_view method = allow.substr(0, comma);
    allow = comma == std::string_view::npos ? std::string_view() : allow.substr(comma + 1);
    while (!method.empty() && method.front() == ' ') method.remove_prefix(1);
    if (method.empty()) continue;
    methods += (methods.empty() ? "" : ",") + std::string(method);
    if (method == "GET") methods += ",HEAD";
  }
  return http_response{200, std::string(k_html_type), methods, {{"Allow", methods}}};
}

std::optional<http_response> web_unrouted_answer(const http_request& request, std::string_view allow) {
  if (!is_web_path(request.path)) return std::nullopt;
  if (request.method == "OPTIONS" && !allow.empty()) return express_options(allow);
  return express_not_found(request.method, request.raw_path.empty() ? request.path : request.raw_path);
}

}  // namespace mainspring::http::cloudtask
