#pragma once

// Runs a command without a shell and collects what it prints: for `credential_process`.

#include <string>
#include <string_view>
#include <vector>

namespace deploy::aws {

struct ProcessResult {
  int exit_code = 0;  // 128 + the signal when it was killed
  std::string out;
  std::string err;
};

// Runs `argv` (argv[0] looked up in PATH) with the caller's environment and no stdin.
// Throws util::Error when it cannot start.
ProcessResult run_process(const std::vector<std::string>& argv);

// Splits a command line as a POSIX shell would split words: blanks separate, '…' keeps
// everything literal, "…" keeps all but \" \\ \$ \`, and \ escapes outside quotes. No
// expansion. Throws util::Error on an unterminated quote.
std::vector<std::string> split_command_line(std::string_view line);

}  // namespace deploy::aws
