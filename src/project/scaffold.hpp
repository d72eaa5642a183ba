#pragma once

// `sbfn new`: a function, its test and its config.toml block written from a template.

#include "project/templates.hpp"

#include "util/error.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace project {

// The template `sbfn new` uses when none is named.
inline constexpr std::string_view k_default_template = "hello-world";

struct NewFunctionOptions {
  std::string name;
  std::string template_name{k_default_template};
  // The template's auth mode (`server`: none, apikey, user); empty: the template's default.
  std::string auth;
  // Empty: supabase/functions when supabase/ exists or neither supabase/ nor functions/
  // does, functions/ when only that exists. Relative paths are taken from `project_root`.
  std::filesystem::path functions_dir;
  // The folder the command runs in (paths in the report are relative to it).
  std::filesystem::path project_root = ".";
};

// A template name or auth mode that does not exist: a usage error (exit 2).
class TemplateChoiceError : public util::Error {
 public:
  using util::Error::Error;
};

struct CreatedFunction {
  std::string name;
  std::string template_name;
  std::filesystem::path functions_dir;  // as given or chosen, relative to the project root
  std::filesystem::path function_dir;
  std::vector<std::filesystem::path> written;
  // Files the template has that were already there and were left alone (shared files, an
  // existing test).
  std::vector<std::filesystem::path> kept;
  enum class Config { created, appended, already_declared, no_supabase_folder };
  Config config = Config::no_supabase_folder;
  std::filesystem::path config_toml;
  bool verify_jwt = true;
  std::filesystem::path test_file;
  // `sbfn serve` with what it needs to find this function (--functions-dir, and
  // --no-verify-jwt when there is no config.toml to turn verification off in).
  std::string serve_command;
  std::vector<std::string> try_lines;  // tokens already replaced
  // For stderr: Supabase's "[functions.<name>] is already declared in ..." and the like.
  std::vector<std::string> warnings;
};

// The template and variant `options` ask for; throws TemplateChoiceError naming the choices.
const TemplateVariant& choose_template(const std::vector<Template>& templates,
                                       const std::string& template_name, const std::string& auth);

// Writes the function. Checks everything before writing anything: throws util::Error with
// Supabase's message for an invalid name, naming the file when the function's entrypoint
// (index.ts, or index.js/.mjs/.tsx/.jsx) already exists, and naming config.toml when it is
// not valid TOML. The function's deno.json and .npmrc are (re)written as Supabase does;
// other files that exist are kept. The [functions.<name>] block is appended to
// supabase/config.toml (created if missing) whenever the project has a supabase/ folder,
// unless already declared; every other byte of the file stays as it was.
CreatedFunction create_function(const NewFunctionOptions& options,
                                const std::vector<Template>& templates);

// What `sbfn new` prints: what was written, then the commands to serve, call and test it.
std::string creation_report(const CreatedFunction& created);

// One line per template, default marked: `sbfn new --list-templates`.
std::string template_list(const std::vector<Template>& templates);

// The block appended to supabase/config.toml, Supabase's own template with paths relative
// to the supabase/ folder (`function_dir_from_supabase`, e.g. "./functions/hello").
std::string config_block(const std::string& name, bool verify_jwt,
                         const std::string& function_dir_from_supabase);

}  // namespace project
