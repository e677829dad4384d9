// Worker nodes: the machines a group's REMOTE@ jobs run on, as the native API's node list shows
// them ({hostname, ip, mac, otp_token, boradcast_addr, grpclisten, machine_code, group_name}),
// and their validation.
//
// A node belongs to one group and is known by an id unique within it (the id REMOTE@a,b names).
// What it reports about itself (hostname, addresses, machine code) is kept as text, as the node
// sent it; validate_node() only bounds the sizes and checks the identity fields, so that a node
// with an odd address still registers and shows in the list. The field names follow this
// struct, with the group checked as the native group_name and the id as node_id; otp_secret
// is the native otp_token.
//
// Example:
//   node_spec n;
//   n.group = "YM55"; n.id = "worker_1"; n.hostname = "build-3"; n.ip = "10.0.0.7";
//   n.grpc_listen = "10.0.0.7:9090"; n.otp_secret = random_base32_secret();
//   if (auto st = validate_node(n); !st.ok()) return st;   // "node_id: ..."
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"

namespace mainspring {

// -- limits --
// Any one text field a node reports (hostname, ip, mac, a tag's name or value, ...). Hostnames
// stop at 253 bytes.
inline constexpr std::size_t k_max_node_field_bytes = 256;
// Tags an agent may give its node (--tags k=v,...).
inline constexpr std::size_t k_max_node_tags = 32;

// A worker node of a group.
struct node_spec {
  // -- identity --
  std::string id;     // [a-zA-Z0-9_]{1,22}, like job ids; unique within the group
  std::string group;  // the group whose REMOTE@ jobs it runs
  // -- what the node reports about itself --
  std::string hostname;
  std::string ip;
  std::string mac;
  std::string broadcast_addr;
  std::string grpc_listen;   // host:port its gRPC server listens on
  std::string machine_code;  // a stable fingerprint of the machine
  std::map<std::string, std::string> tags;  // what the agent's --tags said
  // -- bookkeeping --
  std::string otp_secret;    // base32 TOTP secret ("" = none yet)
  int64_t registered_ms = 0;  // unix ms of its first registration
  int64_t last_seen_ms = 0;   // unix ms of its last heartbeat
  int64_t joined_ms = 0;      // unix ms of the hello that began its current connection (not stored)
};

// Tags as agents give them ("rack=a", "gpu": a tag without a value is ""), as a map.
std::map<std::string, std::string> parse_node_tags(const std::vector<std::string>& tags);

// ok, or invalid_argument naming the first bad field: group_name (validate_group_name),
// node_id (required, [a-zA-Z0-9_]{1,22}), hostname, ip, mac, broadcast_addr, grpc_listen,
// machine_code (each at most k_max_node_field_bytes), tags (at most k_max_node_tags, names
// non-empty, names and values at most k_max_node_field_bytes), otp_secret (base32, at most
// k_max_node_field_bytes), registered_ms and last_seen_ms (not negative). The secret never
// appears in a message.
status validate_node(const node_spec& node);

}  // namespace mainspring
