#include "cli/commands/inspect_flags.hpp"

#include "util/error.hpp"

namespace cli {
namespace {

// CLI11 reads a bare flag as "true": that is the default address.
std::string address_text(const std::string& value) {
  return value == "true" ? std::string() : value;
}

CLI::Validator address_validator() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        try {
          runtime::inspector::parse_address(address_text(value));
          return {};
        } catch (const util::Error& error) {
          return error.what();
        }
      },
      "");  // the help text says what the value is
}

}  // namespace

void add_inspect_flags(CLI::App& app, InspectFlags& flags) {
  auto* run = app.add_flag("--inspect", flags.inspect,
                           "Let Chrome DevTools or VS Code attach to each worker (V8 inspector); "
                           "--inspect=[HOST:]PORT: listen there (default 127.0.0.1:9229, "
                           "loopback unless a host is given)")
                  ->check(address_validator());
  auto* wait = app.add_flag("--inspect-wait", flags.wait,
                            "As --inspect (and its =[HOST:]PORT), and each worker waits for a "
                            "debugger to attach before it runs its main module")
                   ->check(address_validator());
  auto* brk = app.add_flag("--inspect-brk", flags.brk,
                           "As --inspect-wait (and its =[HOST:]PORT), and break on the main "
                           "module's first statement")
                  ->check(address_validator());
  run->excludes(wait)->excludes(brk);
  wait->excludes(brk);
  app.add_option("--inspect-mode", flags.mode,
                 "Supabase CLI's form: run, wait or brk at --inspect's address (default "
                 "127.0.0.1:9229)")
      ->check(CLI::IsMember({"run", "wait", "brk"}))
      ->excludes(wait)
      ->excludes(brk);
}

bool inspect_address_given(const InspectFlags& flags) {
  for (const auto* value : {&flags.inspect, &flags.wait, &flags.brk}) {
    if (!value->empty() && *value != "true") {
      return true;
    }
  }
  return false;
}

std::optional<runtime::inspector::Settings> inspect_settings(const InspectFlags& flags) {
  using runtime::inspector::Mode;
  runtime::inspector::Settings settings;
  if (!flags.brk.empty()) {
    settings.mode = Mode::brk;
    settings.address = runtime::inspector::parse_address(address_text(flags.brk));
  } else if (!flags.wait.empty()) {
    settings.mode = Mode::wait;
    settings.address = runtime::inspector::parse_address(address_text(flags.wait));
  } else if (!flags.inspect.empty() || !flags.mode.empty()) {
    settings.address = runtime::inspector::parse_address(address_text(flags.inspect));
    settings.mode = flags.mode == "brk" ? Mode::brk : flags.mode == "wait" ? Mode::wait : Mode::run;
  } else {
    return std::nullopt;
  }
  return settings;
}

}  // namespace cli
