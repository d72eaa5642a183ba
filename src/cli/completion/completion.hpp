#pragma once

// Shell completions for bash, zsh and fish, generated from the CLI11 command tree (never
// written by hand): `sbfn completions <shell>` prints one, and the build writes all three
// into build/completions/.

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace cli::completion {

// What a shell needs to know of one option.
struct Flag {
  std::vector<std::string> names;  // "--port", "-o"
  std::string description;
  bool takes_value = false;
  enum class Value { any, file, folder } value = Value::any;
  std::vector<std::string> choices;  // --policy: per_worker, oneshot
};

struct Command {
  std::string name;  // "" for sbfn itself
  std::string description;
  std::vector<Flag> flags;
  bool takes_files = false;  // positional arguments that are paths
  // Words it takes after its name: its own subcommands (`sbfn secrets set`), whose flags are
  // among `flags`.
  std::vector<std::string> words;
};

// sbfn itself first, then each subcommand, as `root` declares them.
std::vector<Command> describe(const CLI::App& root);

std::string bash_script(const std::vector<Command>& commands);
std::string zsh_script(const std::vector<Command>& commands);
std::string fish_script(const std::vector<Command>& commands);

}  // namespace cli::completion
