// hashwatch: the command-line tool. `hashwatch check-config FILE` validates a configuration.
#include <CLI/CLI.hpp>

#include <iostream>

#include "daemon/config.h"

int main(int argc, char** argv) {
  CLI::App cli{"hashwatch: tools for the hashwatch daemon"};
  cli.set_version_flag("--version", HASHWATCH_VERSION);
  cli.require_subcommand(1);

  std::string config_path;
  auto* check = cli.add_subcommand("check-config", "validate a configuration file (exit 0 or 1)");
  check->add_option("file", config_path, "configuration file")->required();

  CLI11_PARSE(cli, argc, argv);

  if (check->parsed()) {
    auto result = hashwatch::daemon::load_config_file(config_path);
    if (!result.ok()) {
      for (const auto& e : result.errors) std::cerr << e.to_string() << "\n";
      std::cerr << config_path << ": " << result.errors.size() << " error"
                << (result.errors.size() == 1 ? "" : "s") << "\n";
      return 1;
    }
    std::cout << config_path << ": OK (" << result.config->feeds.size() << " feeds)\n";
    return 0;
  }
  return 2;
}
