#include "cli/commands/commands.hpp"

#include <cstdio>

namespace cli {

int usage_error(const std::string& command, const std::string& message) {
  std::fprintf(stderr, "error: %s\nRun 'sbfn %s --help' for the options.\n", message.c_str(),
               command.c_str());
  return 2;
}

}  // namespace cli
