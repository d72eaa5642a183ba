// The command tree as the completion scripts see it.
#include "cli/completion/completion.hpp"

#include <algorithm>

namespace cli::completion {
namespace {

// CLI11 writes choices into the type name: "TEXT:{per_worker,oneshot}".
std::vector<std::string> choices_of(const std::string& type_name) {
  auto open = type_name.find('{');
  auto close = type_name.find('}', open);
  if (open == std::string::npos || close == std::string::npos) {
    return {};
  }
  std::vector<std::string> out;
  std::string item;
  for (char c : type_name.substr(open + 1, close - open - 1)) {
    if (c == ',') {
      out.push_back(item);
      item.clear();
    } else {
      item += c;
    }
  }
  out.push_back(item);
  return out;
}

Flag flag_of(const CLI::Option& option) {
  Flag flag;
  for (const auto& name : option.get_lnames()) {
    flag.names.push_back("--" + name);
  }
  for (const auto& name : option.get_snames()) {
    flag.names.push_back("-" + name);
  }
  flag.description = option.get_description();
  flag.takes_value = !option.get_type_name().empty();  // flags have no value type
  auto type = option.get_type_name();
  flag.choices = choices_of(type);
  bool folder = false;
  for (const auto& name : option.get_lnames()) {
    folder = folder || name.find("dir") != std::string::npos || name == "output";
  }
  if (folder) {
    flag.value = Flag::Value::folder;
  } else if (type.find("FILE") != std::string::npos ||
             option.get_lnames() == std::vector<std::string>{"bundle"}) {
    flag.value = Flag::Value::file;
  }
  return flag;
}

void add_options(const CLI::App& app, Command& command) {
  for (const auto* option : app.get_options()) {
    if (option->nonpositional()) {
      auto flag = flag_of(*option);
      bool known = std::any_of(command.flags.begin(), command.flags.end(),
                               [&](const Flag& other) { return other.names == flag.names; });
      if (!known) {
        command.flags.push_back(std::move(flag));
      }
    } else if (option->get_type_name().find("FILE") != std::string::npos ||
               option->get_name() == "paths") {
      command.takes_files = true;
    }
  }
}

Command command_of(const CLI::App& app, std::string name) {
  Command command;
  command.name = std::move(name);
  command.description = app.get_description();
  add_options(app, command);
  if (!command.name.empty()) {
    for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
      command.words.push_back(sub->get_name());
      add_options(*sub, command);
    }
  }
  return command;
}

}  // namespace

std::vector<Command> describe(const CLI::App& root) {
  std::vector<Command> commands{command_of(root, "")};
  for (const auto* sub : root.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->get_group().empty()) {
      continue;  // a hidden command (healthcheck)
    }
    commands.push_back(command_of(*sub, sub->get_name()));
  }
  return commands;
}

}  // namespace cli::completion
