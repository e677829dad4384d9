#include "core/node.h"

#include <string_view>
#include <utility>

#include "core/job.h"
#include "core/totp.h"

namespace mainspring {

std::map<std::string, std::string> parse_node_tags(const std::vector<std::string>& tags) {
  std::map<std::string, std::string> out;
  for (const auto& t : tags) {
    auto eq = t.find('=');
    out[t.substr(0, eq)] = eq == std::string::npos ? "" : t.substr(eq + 1);
  }
  return out;
}

status validate_node(const node_spec& node) {
  if (auto st = validate_group_name(node.group); !st.ok()) return st;
  if (node.id.empty()) return status::invalid_argument("node_id: required");
  if (!is_valid_id(node.id))
    return status::invalid_argument("node_id: must match [a-zA-Z0-9_]{1,22}, got \"" +
                                    node.id.substr(0, 80) + "\"");
  const std::pair<std::string_view, const std::string*> texts[] = {
      {"hostname", &node.hostname},         {"ip", &node.ip},
      {"mac", &node.mac},                   {"broadcast_addr", &node.broadcast_addr},
      {"grpc_listen", &node.grpc_listen},   {"machine_code", &node.machine_code},
      {"otp_secret", &node.otp_secret},
  };
  for (const auto& [field, value] : texts) {
    if (value->size() > k_max_node_field_bytes)
      return status::invalid_argument(std::string(field) + ": longer than " +
                                      std::to_string(k_max_node_field_bytes) + " bytes");
  }
  if (node.tags.size() > k_max_node_tags)
    return status::invalid_argument("tags: more than " + std::to_string(k_max_node_tags));
  for (const auto& [name, value] : node.tags) {
    if (name.empty()) return status::invalid_argument("tags: a tag without a name");
    if (name.size() > k_max_node_field_bytes || value.size() > k_max_node_field_bytes)
      return status::invalid_argument("tags: a name or value longer than " +
                                      std::to_string(k_max_node_field_bytes) + " bytes");
  }
  if (!node.otp_secret.empty() && !base32_decode(node.otp_secret).ok())
    return status::invalid_argument("otp_secret: not base32");
  if (node.registered_ms < 0) return status::invalid_argument("registered_ms: negative");
  if (node.last_seen_ms < 0) return status::invalid_argument("last_seen_ms: negative");
  return {};
}

}  // namespace mainspring
