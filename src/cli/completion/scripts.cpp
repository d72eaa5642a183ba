// The three scripts. Each shell gets the same facts: subcommands with their one-line
// descriptions, each command's flags, which flags take a value, and what that value is
// (one of some choices, a file, a folder, or anything).
#include "cli/completion/completion.hpp"

#include <sstream>

namespace cli::completion {
namespace {

// Shells show one short line per candidate: the description up to its first aside.
std::string short_description(const std::string& text) {
  auto cut = text.find(" (");
  auto line = text.substr(0, cut);
  return line.size() > 80 ? line.substr(0, 77) + "..." : line;
}

std::string joined(const std::vector<std::string>& items, const std::string& separator = " ") {
  std::string out;
  for (const auto& item : items) {
    out += (out.empty() ? "" : separator) + item;
  }
  return out;
}

std::vector<std::string> subcommand_names(const std::vector<Command>& commands) {
  std::vector<std::string> names;
  for (std::size_t i = 1; i < commands.size(); ++i) {
    names.push_back(commands[i].name);
  }
  return names;
}

std::vector<std::string> flag_words(const Command& command) {
  std::vector<std::string> words;
  for (const auto& flag : command.flags) {
    words.insert(words.end(), flag.names.begin(), flag.names.end());
  }
  return words;
}

// Inside '...' for bash and zsh.
std::string single_quoted(const std::string& text) {
  std::string out;
  for (char c : text) {
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out;
}

}  // namespace

std::string bash_script(const std::vector<Command>& commands) {
  std::ostringstream out;
  out << "# bash completion for sbfn, generated from its command tree by `sbfn completions "
         "bash`\n"
      << "_sbfn() {\n"
      << "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} command= i\n"
      << "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
      << "    case ${COMP_WORDS[i]} in\n"
      << "      " << joined(subcommand_names(commands), "|")
      << ") command=${COMP_WORDS[i]}; break ;;\n"
      << "    esac\n"
      << "  done\n"
      << "  case \"$command:$prev\" in\n";
  for (const auto& command : commands) {
    for (const auto& flag : command.flags) {
      if (!flag.takes_value) {
        continue;
      }
      std::vector<std::string> cases;
      for (const auto& name : flag.names) {
        cases.push_back(command.name + ":" + name);
      }
      out << "    " << joined(cases, "|") << ")\n      ";
      if (!flag.choices.empty()) {
        out << "COMPREPLY=($(compgen -W '" << single_quoted(joined(flag.choices))
            << "' -- \"$cur\"))";
      } else if (flag.value == Flag::Value::file) {
        out << "compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- \"$cur\"))";
      } else if (flag.value == Flag::Value::folder) {
        out << "compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- \"$cur\"))";
      } else {
        out << "COMPREPLY=()";
      }
      out << "; return ;;\n";
    }
  }
  out << "  esac\n"
      << "  case $command in\n";
  for (const auto& command : commands) {
    auto words = flag_words(command);
    words.insert(words.begin(), command.words.begin(), command.words.end());
    if (command.name.empty()) {
      auto names = subcommand_names(commands);
      words.insert(words.begin(), names.begin(), names.end());
    }
    out << "    " << (command.name.empty() ? "''" : command.name) << ")\n";
    if (command.takes_files) {
      out << "      if [[ $cur != -* ]]; then\n"
          << "        compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- \"$cur\"))\n"
          << "        return\n"
          << "      fi\n";
    }
    out << "      COMPREPLY=($(compgen -W '" << single_quoted(joined(words))
        << "' -- \"$cur\")) ;;\n";
  }
  out << "  esac\n"
      << "}\n"
      << "complete -F _sbfn sbfn\n";
  return out.str();
}

std::string zsh_script(const std::vector<Command>& commands) {
  auto spec_of = [](const Flag& flag) {
    std::string description = short_description(flag.description);
    std::string escaped;
    for (char c : description) {
      if (c == '[' || c == ']' || c == ':' || c == '\\') {
        escaped += '\\';
      }
      escaped += c;
    }
    std::string names =
        flag.names.size() == 1 ? flag.names[0] : "{" + joined(flag.names, ",") + "}";
    std::string exclusive = flag.names.size() == 1 ? "" : "'(" + joined(flag.names) + ")'";
    std::string value;
    if (flag.takes_value) {
      if (!flag.choices.empty()) {
        value = ":value:(" + joined(flag.choices) + ")";
      } else if (flag.value == Flag::Value::file) {
        value = ":file:_files";
      } else if (flag.value == Flag::Value::folder) {
        value = ":folder:_files -/";
      } else {
        value = ":value: ";
      }
    }
    return exclusive + names + "'[" + single_quoted(escaped) + "]" + single_quoted(value) + "'";
  };
  std::ostringstream out;
  out << "#compdef sbfn\n"
      << "# zsh completion for sbfn, generated from its command tree by `sbfn completions zsh`\n"
      << "_sbfn() {\n"
      << "  local curcontext=$curcontext state line\n"
      << "  typeset -A opt_args\n"
      << "  _arguments -C \\\n";
  for (const auto& flag : commands[0].flags) {
    out << "    " << spec_of(flag) << " \\\n";
  }
  out << "    '1: :->command' \\\n"
      << "    '*:: :->argument' && return\n"
      << "  case $state in\n"
      << "    command)\n"
      << "      local -a commands\n"
      << "      commands=(\n";
  for (std::size_t i = 1; i < commands.size(); ++i) {
    out << "        '" << commands[i].name << ":"
        << single_quoted(short_description(commands[i].description)) << "'\n";
  }
  out << "      )\n"
      << "      _describe -t commands 'sbfn command' commands ;;\n"
      << "    argument)\n"
      << "      case $line[1] in\n";
  for (std::size_t i = 1; i < commands.size(); ++i) {
    out << "        " << commands[i].name << ")\n          _arguments \\\n";
    for (const auto& flag : commands[i].flags) {
      out << "            " << spec_of(flag) << " \\\n";
    }
    out << "            "
        << (commands[i].takes_files     ? "'*:file:_files'"
            : commands[i].words.empty() ? "'*: :'"
                                        : "'*: :(" + joined(commands[i].words) + ")'")
        << " ;;\n";
  }
  out << "      esac ;;\n"
      << "  esac\n"
      << "}\n"
      // Autoloaded from $fpath the file is _sbfn's body: run it. Sourced: register it.
      << "if [[ $funcstack[1] == _sbfn ]]; then _sbfn \"$@\"; else compdef _sbfn sbfn; fi\n";
  return out.str();
}

std::string fish_script(const std::vector<Command>& commands) {
  auto quoted = [](const std::string& text) {
    std::string out = "'";
    for (char c : text) {
      if (c == '\'' || c == '\\') {
        out += '\\';
      }
      out += c;
    }
    return out + "'";
  };
  std::ostringstream out;
  out << "# fish completion for sbfn, generated from its command tree by `sbfn completions fish`\n"
      << "complete -c sbfn -f\n";
  for (std::size_t i = 1; i < commands.size(); ++i) {
    out << "complete -c sbfn -n __fish_use_subcommand -a " << commands[i].name << " -d "
        << quoted(short_description(commands[i].description)) << "\n";
  }
  auto names = subcommand_names(commands);
  for (const auto& command : commands) {
    std::string condition = command.name.empty()
                                ? "__fish_use_subcommand"
                                : quoted("__fish_seen_subcommand_from " + command.name);
    for (const auto& flag : command.flags) {
      out << "complete -c sbfn -n " << condition;
      for (const auto& name : flag.names) {
        out << (name.starts_with("--") ? " -l " + name.substr(2) : " -s " + name.substr(1));
      }
      if (flag.takes_value) {
        if (!flag.choices.empty()) {
          out << " -x -a " << quoted(joined(flag.choices));
        } else if (flag.value == Flag::Value::folder) {
          out << " -x -a '(__fish_complete_directories)'";
        } else if (flag.value == Flag::Value::file) {
          out << " -r -F";
        } else {
          out << " -x";
        }
      }
      out << " -d " << quoted(short_description(flag.description)) << "\n";
    }
    if (command.takes_files) {
      out << "complete -c sbfn -n " << condition << " -F\n";
    }
    if (!command.words.empty()) {
      out << "complete -c sbfn -n " << condition << " -a " << quoted(joined(command.words)) << "\n";
    }
  }
  return out.str();
}

}  // namespace cli::completion
