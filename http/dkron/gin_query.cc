#include "http/dkron/gin_query.h"

#include "http/go_net_http.h"

namespace mainspring::http::dkron {

std::unordered_map<std::string, std::string> gin_first_values(std::string_view target) {
  return go_query_first_values(target);  // gin's c.Query: url.ParseQuery, then Values.Get
}

}  // namespace mainspring::http::dkron
