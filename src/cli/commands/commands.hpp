#pragma once

// The subcommands, as data: each registers its options on a CLI11 subcommand and
// runs from the parsed values. main.cpp holds only the table of them.

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace cli {

struct Command {
  const char* name;
  const char* description;
  // Declares the options on `app`; returns the function that runs the command.
  std::function<std::function<int()>(CLI::App& app)> setup;
  // Left out of --help and the completions: a command for machines, not people.
  bool hidden = false;
};

Command new_command();
Command serve_command();
Command test_command();
Command bundle_command();
Command deploy_command();
Command secrets_command();
Command completions_command();
Command healthcheck_command();

// A usage error as every command reports it: "error: <message>" and where the options
// are explained, on stderr; returns 2, the exit code.
int usage_error(const std::string& command, const std::string& message);

}  // namespace cli
