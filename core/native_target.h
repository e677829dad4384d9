// native_target: the native API's (gua v1) spelling of an executor target, request_url plus
// exec_command, read into the typed target and written back.
//
// request_url           exec_command     target
// ""  or "SHELL@"       the command      shell_target{command}
// "HTTP@<url>"          (ignored)        http_target{GET, url, signed_query}
// "LUA@"                Lua source       lua_target{source}
// "REMOTE@<id>[,<id>]"  the command      remote_target{nodes, command}
// "REMOTE@*[<id>,...]"  the command      remote_target{nodes, command, allocated}: one node per
//                                        fire, placed by the group's allocation table
// "NOOP@"               (ignored)        noop_target
// Prefixes are case-insensitive. Data dirs and dumps written before the typed model (store format
// 1, dump version 1) keep their targets in this form and are read through here.
//
// Example:
//   auto t = parse_native_target("HTTP@http://127.0.0.1:9999?test=yao", "");
//   std::get<http_target>(*t).url == "http://127.0.0.1:9999?test=yao";
//   native_target_text text = native_text_of(*t);   // {"HTTP@http://...", ""}
#pragma once

#include <string>
#include <string_view>

#include "core/executor_target.h"
#include "core/status.h"

namespace mainspring {

// Errors name request_url or exec_command, as a native client wrote them.
status_or<executor_target> parse_native_target(std::string_view request_url, std::string_view exec_command);

struct native_target_text {
  std::string request_url;
  std::string exec_command;
};
// The native spelling of `t`. A target the native form cannot say in full (an HTTP call with a
// method, headers or body, a shell with env or cwd) keeps its URL or command.
native_target_text native_text_of(const executor_target& t);

// The original keeps exec_command for every job, also where the target ignores it (HTTP@,
// NOOP@); Mainspring keeps such a command in the job's dialect_data, in the native dialect's
// section (http/dialect_data.h). Answers that dialect_data for `exec_command`, or "" when `t`
// uses its command or the command is empty. Used when reading data written before the typed
// target, so that it reads back unchanged.
std::string native_dialect_data_for(const executor_target& t, std::string_view exec_command);

}  // namespace mainspring
