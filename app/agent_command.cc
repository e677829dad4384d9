#include "app/agent_command.h"

#include <pthread.h>

#include <csignal>
#include <thread>

#include <spdlog/spdlog.h>

#include "agent/agent.h"
#include "app/stop_signals.h"

namespace mainspring {

int run_agent_command(agent_config cfg) {
  block_stop_signals();  // before any thread starts, so every thread inherits the mask
  if (auto st = finish_agent_config(cfg); !st.ok()) {
    spdlog::error("{}", st.message());
    return 2;
  }
  agent_stop stop;
  std::thread waiter([&stop] {
    int sig = wait_for_stop_signal();
    if (stop.requested()) return;  // the agent gave up by itself and released this wait
    spdlog::info("received signal {}, stopping", sig);
    stop.request();
  });
  int code = run_agent(cfg, stop);
  if (!stop.requested()) {  // it gave up by itself: release the signal waiter
    stop.request();
    pthread_kill(waiter.native_handle(), SIGTERM);
  }
  waiter.join();
  return code;
}

}  // namespace mainspring
