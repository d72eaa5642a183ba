#pragma once

// The inspector's flags, shared by `sbfn serve` and `sbfn test`: Node's and edge-runtime's
// `--inspect[=HOST:PORT]`, `--inspect-wait[=...]`, `--inspect-brk[=...]`, and the Supabase
// CLI's `--inspect-mode run|brk|wait`.

#include "runtime/inspector/inspector.hpp"

#include <CLI/CLI.hpp>

#include <memory>
#include <optional>
#include <string>

namespace cli {

struct InspectFlags {
  std::string inspect;  // CLI11 gives a bare flag as "true"
  std::string wait;
  std::string brk;
  std::string mode;
};

// Declares the flags on `app`; a bad address is a usage error (exit 2).
void add_inspect_flags(CLI::App& app, InspectFlags& flags);

// Whether one of the flags was given an address (`--inspect=9230`), not just named.
bool inspect_address_given(const InspectFlags& flags);

// What the parsed flags ask for; nullopt when none was given.
std::optional<runtime::inspector::Settings> inspect_settings(const InspectFlags& flags);

}  // namespace cli
