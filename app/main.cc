// mainspring: the scheduler's one executable. Subcommands:
//   mainspring serve [--listen 127.0.0.1:8080] [--data-dir ./data] ...   run the server
//   mainspring repair --data-dir ./data                                   repair a damaged store
//   mainspring version                                                    print the version
#include <iostream>

#include <CLI/CLI.hpp>

#include "app/serve.h"
#include "app/serve_config.h"
#include "storage/state_store.h"

int main(int argc, char** argv) {
  CLI::App app{"Mainspring: a high-throughput job scheduler"};
  app.require_subcommand(1);

  mainspring::serve_config serve_cfg;
  auto* serve = app.add_subcommand("serve", "Run the scheduler server in the foreground");
  mainspring::add_serve_flags(*serve, serve_cfg);

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
