// mainspring: the scheduler's one executable. Subcommands:
//   mainspring serve [--listen 127.0.0.1:8080] [--data-dir ./data] ...   run the server
//   mainspring agent --server HOST:PORT --group G --node-id N [--tags k=v,...]   run a worker node
//   mainspring repair --data-dir ./data                                   repair a damaged store
//   mainspring version                                                    print the version
// Any subcommand's flags may also come from a TOML file, `--config FILE`, under a section named
// after it ([serve], [agent]); a flag on the command line wins over the file.
#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>

#include "agent/agent_config.h"
#include "app/agent_command.h"
#include "app/config_file.h"
#include "app/serve.h"
#include "app/serve_config.h"
#include "storage/state_store.h"

int main(int argc, char** argv) {
  CLI::App app{"Mainspring: a high-throughput job scheduler"};
  app.require_subcommand(1);
  // A key no flag has, or a section no subcommand has, is an error: a typo must not pass silently.
  // MAINSPRING_CONFIG names the file when --config does not (CLI11 2.1 reads the config file
  // before the environment, so it is the option's default, required to exist).
  const char* env_config = std::getenv("MAINSPRING_CONFIG");
  const bool config_from_env = env_config != nullptr && *env_config != '\0';
  app.set_config("--config", config_from_env ? env_config : "",
                 "TOML file of flags, one section per subcommand: [serve] listen = \"127.0.0.1:8080\" ... "
                 "(flags given on the command line win); may follow the subcommand; default $MAINSPRING_CONFIG",
                 config_from_env);
  app.config_formatter(mainspring::make_config_reader());  // TOML, comments after [section] too
  app.allow_config_extras(CLI::config_extras_mode::error);

  mainspring::serve_config serve_cfg;
  auto* serve = app.add_subcommand(
      "serve", "Run the scheduler server in the foreground (flags may also come from --config FILE, section [serve])");
  mainspring::add_serve_flags(*serve, serve_cfg);
  serve->fallthrough();  // `mainspring serve --config FILE` as well as `mainspring --config FILE serve`

  mainspring::agent_config agent_cfg;
  auto* agent = app.add_subcommand(
      "agent", "Run a worker node: join a group and run its REMOTE@ commands (the group's secret comes "
               "from MAINSPRING_GROUP_SECRET or --secret-file)");
  mainspring::add_agent_flags(*agent, agent_cfg);
  agent->fallthrough();

  std::string repair_dir = "./data";
  auto* repair = app.add_subcommand(
      "repair", "Repair a damaged data dir (LevelDB RepairDB); stop the server first");
  repair->add_option("--data-dir", repair_dir, "The data dir to repair")->capture_default_str();

  auto* version = app.add_subcommand("version", "Print the version");

  CLI11_PARSE(app, argc, argv);
  if (*version) {
    std::cout << MAINSPRING_VERSION << "\n";
    return 0;
  }
  if (*serve) return mainspring::run_serve(serve_cfg);
  if (*agent) return mainspring::run_agent_command(agent_cfg);
  if (*repair) {
    auto st = mainspring::state_store::repair(repair_dir);
    if (!st.ok()) {
      std::cerr << "repair failed: " << st.message() << "\n";
      return 1;
    }
    std::cout << "repaired " << repair_dir << "; records LevelDB could not read are lost\n";
    return 0;
  }
  return 0;
}
