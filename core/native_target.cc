#include "core/native_target.h"

#include <cctype>

#include <nlohmann/json.hpp>

namespace mainspring {

namespace {

bool starts_with_ci(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  return true;
}

std::vector<std::string> split_nodes(std::string_view text) {
  std::vector<std::string> out;
  while (true) {
    auto comma = text.find(',');
    out.emplace_back(text.substr(0, comma));
    if (comma == std::string_view::npos) return out;
    text.remove_prefix(comma + 1);
  }
}

}  // namespace

status_or<executor_target> parse_native_target(std::string_view request_url, std::string_view exec_command) {
  if (request_url.size() > k_max_url_bytes)
    return status::invalid_argument("request_url: longer than " + std::to_string(k_max_url_bytes) + " bytes");
  if (request_url.empty() || starts_with_ci(request_url, "SHELL@")) {
    if (request_url.size() > 6)
      return status::invalid_argument("request_url: SHELL@ takes no argument; put the command in exec_command");
    if (exec_command.empty())
      return status::invalid_argument("exec_command: required for a shell job (request_url empty or SHELL@)");
    shell_target shell;
    shell.command = std::string(exec_command);
    return executor_target{std::move(shell)};
  }
  if (starts_with_ci(request_url, "HTTP@")) {
    http_target t;
    t.url = std::string(request_url.substr(5));
    t.signed_query = true;
    if (!(t.url.starts_with("http://") || t.url.starts_with("https://")) || t.url.size() <= 8)
      return status::invalid_argument("request_url: HTTP@ needs an http:// or https:// URL, got \"" +
                                      t.url.substr(0, 64) + "\"");
    return executor_target{std::move(t)};
  }
  if (starts_with_ci(request_url, "LUA@")) {
    if (exec_command.empty())
      return status::invalid_argument("exec_command: required for a LUA@ job (the Lua source)");
    return executor_target{lua_target{std::string(exec_command)}};
  }
  if (starts_with_ci(request_url, "REMOTE@")) {
    auto nodes = request_url.substr(7);
    // "REMOTE@*[ids]": one run per fire, on the node the group's allocation table gives the job.
    const bool allocated = nodes.starts_with('*');
    if (allocated) nodes.remove_prefix(1);
    if (nodes.empty() && !allocated)
      return status::invalid_argument("request_url: REMOTE@ needs at least one node id (or * to place the job)");
    if (exec_command.empty()) return status::invalid_argument("exec_command: required for a REMOTE@ job");
    remote_target remote;
    if (!nodes.empty()) remote.nodes = split_nodes(nodes);
    remote.command = std::string(exec_command);
    remote.allocated = allocated;
    return executor_target{std::move(remote)};
  }
  if (starts_with_ci(request_url, "NOOP@")) return executor_target{noop_target{}};
  return status::invalid_argument(
      "request_url: unknown executor prefix in \"" + std::string(request_url.substr(0, 64)) +
      "\"; expected HTTP@, LUA@, REMOTE@, SHELL@, NOOP@ or empty for a shell command");
}

native_target_text native_text_of(const executor_target& t) {
  struct visitor {
    native_target_text operator()(const http_target& h) const { return {"HTTP@" + h.url, ""}; }
    native_target_text operator()(const shell_target& s) const { return {"", s.command}; }
    native_target_text operator()(const lua_target& l) const { return {"LUA@", l.source}; }
    native_target_text operator()(const remote_target& r) const {
      std::string url = r.allocated ? "REMOTE@*" : "REMOTE@";
      for (std::size_t i = 0; i < r.nodes.size(); ++i) url += (i ? "," : "") + r.nodes[i];
      return {url, r.command};
    }
    native_target_text operator()(const noop_target&) const { return {"NOOP@", ""}; }
  };
  return std::visit(visitor{}, t);
}

std::string native_dialect_data_for(const executor_target& t, std::string_view exec_command) {
  if (exec_command.empty() || !native_text_of(t).exec_command.empty()) return "";
  nlohmann::json data{{"native", {{"exec_command", exec_command}}}};
  return data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace mainspring
