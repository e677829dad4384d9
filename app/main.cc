// mainspring: the scheduler's one executable. Subcommands:
//   mainspring serve [--listen 127.0.0.1:8080] [--data-dir ./data] ...   run the server
//   mainspring version                                                    print the version
#include <iostream>

#include <CLI/CLI.hpp>

#include "app/serve.h"
#include "app/serve_config.h"

int main(int argc, char** argv) {
  CLI::App app{"Mainspring: a high-throughput job scheduler"};
  app.require_subcommand(1);

  mainspring::serve_config serve_cfg;
  auto* serve = app.add_subcommand("serve", "Run the scheduler server in the foreground");
  mainspring::add_serve_flags(*serve, serve_cfg);

  auto* version = app.add_subcommand("version", "Print the version");

  CLI11_PARSE(app, argc, argv);
  if (*version) {
    std::cout << MAINSPRING_VERSION << "\n";
    return 0;
  }
  if (*serve) return mainspring::run_serve(serve_cfg);
  return 0;
}
