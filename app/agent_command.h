// agent_command: `mainspring agent` in the foreground until SIGINT or SIGTERM.
//
// Example:
//   agent_config cfg; ... parsed flags ...
//   return run_agent_command(cfg);   // exit code: 0 after a stop, 2 for a bad configuration
#pragma once

#include "agent/agent_config.h"

namespace mainspring {

int run_agent_command(agent_config cfg);

}  // namespace mainspring
