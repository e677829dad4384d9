#include "http/http_message.h"

#include <cstdio>

namespace mainspring::http {

namespace {
const std::string k_empty;
}

std::string_view http_request::header(std::string_view name) const {
  for (const auto& [key, value] : headers)
    if (key == name) return value;
  return {};
}

const std::string& http_request::param(const std::string& name) const {
  auto it = params.find(name);
  return it == params.end() ? k_empty : it->second;
}

const std::string& http_request::query_value(const std::string& name) const {
  auto it = query.find(name);
  return it == query.end() ? k_empty : it->second;
}

http_response http_response::json(int status, std::string body) {
  return {status, "application/json;charset=UTF-8", std::move(body), {}};
}

http_response http_response::text(int status, std::string body) {
  return {status, "text/plain; charset=utf-8", std::move(body), {}};
}

const char* reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
  }
}

std::string http_date(int64_t unix_s) {
  static constexpr const char* k_days[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};  // 1970-01-01: a Thursday
  static constexpr const char* k_months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const int64_t days = unix_s >= 0 ? unix_s / 86400 : (unix_s - 86399) / 86400;
  const int64_t second_of_day = unix_s - days * 86400;
  // Howard Hinnant's civil_from_days.
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t day_of_era = z - era * 146097;
  const int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t mp = (5 * day_of_year + 2) / 153;
  const int64_t day = day_of_year - (153 * mp + 2) / 5 + 1;
  const int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const int64_t year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
  char out[40];
  std::snprintf(out, sizeof out, "%s, %02d %s %04d %02d:%02d:%02d GMT", k_days[((days % 7) + 7) % 7],
                static_cast<int>(day), k_months[month - 1], static_cast<int>(year),
                static_cast<int>(second_of_day / 3600), static_cast<int>(second_of_day / 60 % 60),
                static_cast<int>(second_of_day % 60));
  return out;
}

namespace {

// The status line and headers of `response`, with the blank line that ends them.
std::string response_head(const http_response& response, bool keep_alive) {
  std::string out;
  out.reserve(128);
  out += "HTTP/1.1 ";
  out += std::to_string(response.status);
  out += ' ';
  if (response.reason.empty()) {
    out += reason_phrase(response.status);
  } else {
    for (std::size_t i = 0; i < response.reason.size() && i < k_max_reason_phrase_bytes; ++i) {
      const char c = response.reason[i];
      out += c >= 0x20 && c < 0x7f ? c : '?';  // never a CR or LF: nothing can be injected
    }
  }
  if (!response.content_type.empty()) {  // a bodiless answer (a 307) may have none
    out += "\r\nContent-Type: ";
    out += response.content_type;
  }
  out += "\r\nContent-Length: ";
  out += std::to_string(response.body.size());
  if (!keep_alive) out += "\r\nConnection: close";
  for (const auto& [name, value] : response.headers) {
    out += "\r\n";
    out += name;
    out += ": ";
    out += value;
  }
  out += "\r\n\r\n";
  return out;
}

}  // namespace

std::string serialize_response(const http_response& response, bool keep_alive, bool head_only) {
  std::string out = response_head(response, keep_alive);
  if (!head_only) out += response.body;
  return out;
}

std::string serialize_response(http_response&& response, bool keep_alive, bool head_only) {
  std::string head = response_head(response, keep_alive);
  if (head_only) return head;
  // The body's buffer becomes the message's: moving its bytes up within it (a list's body has
  // room to spare) costs less than copying megabytes into fresh memory.
  std::string out = std::move(response.body);
  out.insert(0, head);
  return out;
}

}  // namespace mainspring::http
