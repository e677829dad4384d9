// serve: runs the Mainspring server in the foreground until SIGINT or SIGTERM.
//
// Example:
//   serve_config cfg; cfg.listen = "127.0.0.1:9090";
//   return run_serve(cfg);   // exit code
#pragma once

#include "app/serve_config.h"

namespace mainspring {

// Returns the process exit code: 0 after a clean stop, 1 when start-up failed.
int run_serve(const serve_config& cfg);

}  // namespace mainspring
