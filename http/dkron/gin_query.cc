#include "http/dkron/gin_query.h"

#include "http/request_parser.h"  // percent_decode

namespace mainspring::http::dkron {

std::unordered_map<std::string, std::string> gin_first_values(std::string_view target) {
  std::unordered_map<std::string, std::string> out;
  const std::size_t question = target.find('?');
  if (question == std::string_view::npos) return out;
  std::string_view query = target.substr(question + 1);
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty() || pair.find(';') != std::string_view::npos) continue;
    const std::size_t eq = pair.find('=');
    std::string key, value;
    if (!percent_decode(pair.substr(0, eq), &key, true)) continue;
    if (eq != std::string_view::npos && !percent_decode(pair.substr(eq + 1), &value, true)) continue;
    out.try_emplace(std::move(key), std::move(value));  // the first value stays
  }
  return out;
}

}  // namespace mainspring::http::dkron
