#include "actors/node_protocol.h"

#include "core/node.h"

namespace mainspring {

node_spec node_spec_of(const node_hello& h) {
  node_spec n;
  n.group = h.group;
  n.id = h.node_id;
  n.hostname = h.hostname;
  n.ip = h.ip;
  n.mac = h.mac;
  n.broadcast_addr = h.broadcast_addr;
  n.machine_code = h.machine_code;
  n.tags = parse_node_tags(h.tags);
  return n;
}

void add_node_message_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<node_hello>("mainspring.node_hello");
  cfg.add_message_type<remote_run>("mainspring.remote_run");
  cfg.add_message_type<remote_result>("mainspring.remote_result");
}

}  // namespace mainspring
