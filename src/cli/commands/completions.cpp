#include "cli/commands/commands.hpp"
#include "cli/completion/completion.hpp"

#include <cstdio>

namespace cli {

Command completions_command() {
  return {"completions", "Print a shell completion script (bash, zsh or fish)",
          [](CLI::App& app) -> std::function<int()> {
            auto shell = std::make_shared<std::string>();
            app.add_option("shell", *shell, "The shell the script is for")
                ->required()
                ->check(CLI::IsMember({"bash", "zsh", "fish"}));
            return [&app, shell] {
              auto commands = completion::describe(*app.get_parent());
              auto script = *shell == "bash"  ? completion::bash_script(commands)
                            : *shell == "zsh" ? completion::zsh_script(commands)
                                              : completion::fish_script(commands);
              std::fputs(script.c_str(), stdout);
              return 0;
            };
          }};
}

}  // namespace cli
