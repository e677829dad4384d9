#include "actors/node_protocol.h"

#include "core/job.h"
#include "core/node.h"
#include "core/run_record.h"

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

bool adoptable(const running_run& run, std::string_view group, uint64_t process_first_id) {
  return run.group == group && is_valid_job_id(run.job_id) && run.run_id != 0 && run.run_id < process_first_id &&
         run.trigger <= static_cast<uint8_t>(run_trigger::parent);
}

void add_node_message_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<node_hello>("mainspring.node_hello");
  cfg.add_message_type<remote_run>("mainspring.remote_run");
  cfg.add_message_type<remote_result>("mainspring.remote_result");
  cfg.add_message_type<node_running>("mainspring.node_running");
}

}  // namespace mainspring
