#include "project/scaffold.hpp"

#include "project/config.hpp"
#include "project/local_stack.hpp"
#include "project/toml_file.hpp"

#include "util/files.hpp"

#include <toml.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

namespace project {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view k_name_token = "__name__";
constexpr std::string_view k_default_port_url = "http://127.0.0.1:54321/functions/v1/";

// Byte for byte what `supabase functions new` writes (no newline at the end).
constexpr std::string_view k_npmrc =
    "# Configuration for private npm package dependencies\n"
    "# For more information on using private registries with Edge Functions, see:\n"
    "# https://supabase.com/docs/guides/functions/"
    "import-maps#importing-from-private-registries";

// A function folder holding any of these already has an entrypoint (config.cpp serves the
// first it finds), so `sbfn new` leaves it alone.
constexpr std::array<std::string_view, 5> k_entrypoints = {"index.ts", "index.js", "index.mjs",
                                                           "index.tsx", "index.jsx"};

std::string replace_all(std::string text, std::string_view token, std::string_view value) {
  for (auto at = text.find(token); at != std::string::npos;
       at = text.find(token, at + value.size())) {
    text.replace(at, token.size(), value);
  }
  return text;
}

// `value` as one shell word: as is when it is plain, else in single quotes.
std::string shell_word(const std::string& value) {
  const bool plain = !value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("_./-+=:@%", c) != nullptr;
  });
  if (plain) {
    return value;
  }
  return "'" + replace_all(value, "'", "'\\''") + "'";
}

// Whether `path` is `folder` or inside it, compared as absolute lexical paths.
bool inside(const fs::path& folder, const fs::path& path) {
  const auto relative = fs::absolute(path).lexically_normal().lexically_relative(
      fs::absolute(folder).lexically_normal());
  return !relative.empty() && *relative.begin() != "..";
}

// How a template file is written when the target exists.
enum class Policy { never_overwrite, overwrite, keep_existing };

struct PlannedFile {
  fs::path path;  // relative to the project root
  std::string content;
  Policy policy;
  int rank;  // listing order: entrypoint, function files, shared files, tests
};

// Creates `path` only if it does not exist (O_EXCL), so that a file created between the
// check and the write is not overwritten either.
void write_new_file(const fs::path& path, const fs::path& shown, std::string_view content) {
  std::FILE* file = std::fopen(path.c_str(), "wx");
  if (file == nullptr) {
    if (errno == EEXIST) {
      throw util::Error(shown.string() + " already exists: sbfn new never overwrites a function");
    }
    throw util::Error("cannot create " + shown.string() + ": " + std::strerror(errno));
  }
  const bool ok = std::fwrite(content.data(), 1, content.size(), file) == content.size();
  if (std::fclose(file) != 0 || !ok) {
    throw util::Error("cannot write " + shown.string() + ": " + std::strerror(errno));
  }
}

void write_file(const fs::path& path, const fs::path& shown, std::string_view content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out) {
    throw util::Error("cannot write " + shown.string());
  }
}

// Whether config.toml declares [functions.<name>] (as a table or through dotted keys).
bool declares_function(const fs::path& config_toml, const fs::path& shown,
                       const std::string& name) {
  toml::value root;
  try {
    root = parse_toml_file(config_toml);
  } catch (const toml::syntax_error& syntax) {
    throw util::Error(shown.string() + ": invalid TOML:\n" + syntax.what());
  } catch (const std::exception& other) {
    throw util::Error("cannot read config file " + shown.string() + ": " + other.what());
  }
  if (!root.is_table() || !root.contains("functions")) {
    return false;
  }
  const auto& functions = root.at("functions");
  return functions.is_table() && functions.contains(name);
}

// Where functions go when no folder is named (the issue's rule, also Supabase's layout).
fs::path new_functions_dir(const fs::path& root) {
  if (!fs::is_directory(root / "supabase") && fs::is_directory(root / "functions")) {
    return "functions";
  }
  return fs::path("supabase") / "functions";
}

// `to` as config.toml writes paths: relative to `from` (its folder), starting "./" or "../".
std::string path_from(const fs::path& from, const fs::path& to) {
  const std::string relative = fs::absolute(to)
                                   .lexically_normal()
                                   .lexically_relative(fs::absolute(from).lexically_normal())
                                   .generic_string();
  return relative.starts_with("..") ? relative : "./" + relative;
}

// Appends `block` (which starts with a blank line) to config.toml without touching a byte of
// what is there: a last line without a newline gets one first, and a new or empty file starts
// with the block itself.
void append_config_block(const fs::path& config_toml, const fs::path& shown, std::string block) {
  const std::string before = fs::exists(config_toml) ? util::read_file(config_toml) : std::string();
  if (before.empty()) {
    block.erase(0, 1);
  } else if (before.back() != '\n') {
    block.insert(0, "\n");
  }
  std::ofstream out(config_toml, std::ios::binary | std::ios::app);
  out << block;
  out.close();
  if (!out) {
    throw util::Error("cannot write " + shown.string());
  }
}

std::vector<PlannedFile> plan_files(const TemplateVariant& variant, const std::string& name,
                                    const fs::path& functions_dir) {
  std::vector<PlannedFile> planned;
  const std::string function_prefix = std::string(k_name_token) + "/";
  auto text_tokens = [&](std::string text) {
    text = replace_all(std::move(text), k_name_token, name);
    text = replace_all(std::move(text), "__anon_key__", demo_anon_key());
    return replace_all(std::move(text), "__publishable_key__", default_publishable_key());
  };
  for (const auto& file : variant.files) {
    const fs::path path = functions_dir / replace_all(file.path, k_name_token, name);
    const std::string inner =
        file.path.starts_with(function_prefix) ? file.path.substr(function_prefix.size()) : "";
    const bool entrypoint =
        std::find(k_entrypoints.begin(), k_entrypoints.end(), inner) != k_entrypoints.end();
    Policy policy = Policy::keep_existing;
    int rank = file.path.starts_with("tests/") ? 3 : 2;
    if (entrypoint) {
      policy = Policy::never_overwrite;
      rank = 0;
    } else if (!inner.empty()) {
      policy = inner == "deno.json" ? Policy::overwrite : Policy::keep_existing;
      rank = 1;
    }
    planned.push_back({path, text_tokens(file.content), policy, rank});
  }
  planned.push_back({functions_dir / name / ".npmrc", std::string(k_npmrc), Policy::overwrite, 1});
  std::stable_sort(planned.begin(), planned.end(),
                   [](const PlannedFile& a, const PlannedFile& b) { return a.rank < b.rank; });
  return planned;
}

}  // namespace

const TemplateVariant& choose_template(const std::vector<Template>& templates,
                                       const std::string& template_name, const std::string& auth) {
  const auto found = std::find_if(templates.begin(), templates.end(),
                                  [&](const Template& t) { return t.name == template_name; });
  if (found == templates.end()) {
    std::string names;
    for (const auto& t : templates) {
      names += (names.empty() ? "" : ", ") + t.name;
    }
    throw TemplateChoiceError("unknown template '" + template_name + "'; the templates are: " +
                              names + " (sbfn new --list-templates describes them)");
  }
  const std::string wanted = auth.empty() ? found->default_variant : auth;
  if (found->default_variant.empty()) {
    if (!auth.empty()) {
      throw TemplateChoiceError("--auth is for templates with auth modes (server); template '" +
                                template_name + "' has none");
    }
    return found->variants.front();
  }
  std::string modes;
  for (const auto& variant : found->variants) {
    if (variant.name == wanted) {
      return variant;
    }
    modes += (modes.empty() ? "" : ", ") + variant.name;
  }
  throw TemplateChoiceError("template '" + template_name + "' has no auth mode '" + wanted +
                            "'; its modes are: " + modes);
}

std::string config_block(const std::string& name, bool verify_jwt,
                         const std::string& function_dir_from_supabase) {
  // Supabase's own block (apps/cli-go/internal/functions/new/templates/config.toml).
  constexpr std::string_view k_block = R"(
[functions.__name__]
enabled = true
verify_jwt = __verify_jwt__
import_map = "__dir__/deno.json"
# Uncomment to specify a custom file path to the entrypoint.
# Supported file extensions are: .ts, .js, .mjs, .jsx, .tsx
entrypoint = "__dir__/index.ts"
# Specifies static files to be bundled with the function. Supports glob patterns.
# For example, if you want to serve static HTML pages in your function:
# static_files = [ "__dir__/*.html" ]
)";
  std::string block = replace_all(std::string(k_block), k_name_token, name);
  block = replace_all(std::move(block), "__verify_jwt__", verify_jwt ? "true" : "false");
  return replace_all(std::move(block), "__dir__", function_dir_from_supabase);
}

CreatedFunction create_function(const NewFunctionOptions& options,
                                const std::vector<Template>& templates) {
  if (!is_valid_slug(options.name)) {
    throw util::Error(std::string(k_invalid_slug_message));
  }
  const TemplateVariant& variant = choose_template(templates, options.template_name, options.auth);
  const fs::path& root = options.project_root;
  auto on_disk = [&](const fs::path& path) { return (root / path).lexically_normal(); };

  CreatedFunction created;
  created.name = options.name;
  created.template_name = options.template_name;
  created.verify_jwt = variant.verify_jwt;
  created.functions_dir =
      (options.functions_dir.empty() ? new_functions_dir(root) : options.functions_dir)
          .lexically_normal();
  created.function_dir = created.functions_dir / options.name;
  created.test_file = created.functions_dir / "tests" / (options.name + "-test.ts");

  // Everything that can refuse is checked before the first byte is written.
  for (const auto entrypoint : k_entrypoints) {
    const fs::path existing = created.function_dir / entrypoint;
    if (fs::exists(on_disk(existing))) {
      throw util::Error(existing.string() + " already exists: sbfn new never overwrites a " +
                        "function (pick another name, or remove that file first)");
    }
  }
  const fs::path supabase_dir = "supabase";
  const bool supabase_project = fs::is_directory(on_disk(supabase_dir)) ||
                                inside(on_disk(supabase_dir), on_disk(created.functions_dir));
  created.config_toml = supabase_dir / "config.toml";
  if (supabase_project && !variant.main_service) {
    const bool config_exists = fs::exists(on_disk(created.config_toml));
    created.config = config_exists && declares_function(on_disk(created.config_toml),
                                                        created.config_toml, options.name)
                         ? CreatedFunction::Config::already_declared
                         : (config_exists ? CreatedFunction::Config::appended
                                          : CreatedFunction::Config::created);
  }

  for (const auto& file : plan_files(variant, options.name, created.functions_dir)) {
    const fs::path target = on_disk(file.path);
    fs::create_directories(target.parent_path());
    if (file.policy == Policy::never_overwrite) {
      write_new_file(target, file.path, file.content);
    } else if (file.policy == Policy::keep_existing && fs::exists(target)) {
      created.kept.push_back(file.path);
      continue;
    } else {
      write_file(target, file.path, file.content);
    }
    created.written.push_back(file.path);
  }

  if (created.config == CreatedFunction::Config::created ||
      created.config == CreatedFunction::Config::appended) {
    append_config_block(
        on_disk(created.config_toml), created.config_toml,
        config_block(options.name, variant.verify_jwt,
                     path_from(on_disk(supabase_dir), on_disk(created.function_dir))));
  }

  if (created.config == CreatedFunction::Config::already_declared) {
    created.warnings.push_back("[functions." + options.name + "] is already declared in " +
                               created.config_toml.generic_string());
  }
  created.serve_command = "sbfn serve";
  // `serve` finds supabase/functions, else functions/; any other folder must be named.
  const fs::path serve_default = fs::is_directory(on_disk("supabase/functions"))
                                     ? fs::path("supabase/functions")
                                     : fs::path("functions");
  if (created.functions_dir != serve_default) {
    created.serve_command +=
        " --functions-dir " + shell_word(created.functions_dir.generic_string());
  }
  if (variant.main_service) {
    created.serve_command =
        "sbfn serve --main-service " + shell_word(created.function_dir.generic_string());
    created.test_file.clear();
  } else if (!variant.verify_jwt && !supabase_project) {
    created.serve_command += " --no-verify-jwt";
    created.warnings.push_back(
        "note: template '" + options.template_name +
        "' wants verify_jwt = false, and this project has no supabase/ folder to hold a "
        "config.toml saying so: serve it with --no-verify-jwt");
  }

  const std::string url = std::string(k_default_port_url) + options.name;
  for (std::string line : variant.try_lines) {
    line = replace_all(std::move(line), "__url__", url);
    line = replace_all(std::move(line), "__root_url__", "http://127.0.0.1:54321/");
    line = replace_all(std::move(line), "__functions_dir__",
                       shell_word(created.functions_dir.generic_string()));
    line = replace_all(std::move(line), k_name_token, options.name);
    line = replace_all(std::move(line), "__anon_key__", demo_anon_key());
    created.try_lines.push_back(
        replace_all(std::move(line), "__publishable_key__", default_publishable_key()));
  }
  return created;
}

std::string creation_report(const CreatedFunction& created) {
  std::string out = "Created new Function at " + created.function_dir.generic_string() +
                    " (template " + created.template_name + ")\n";
  for (const auto& path : created.written) {
    out += "  " + path.generic_string() + "\n";
  }
  for (const auto& path : created.kept) {
    out += "  " + path.generic_string() + " (already there, kept as it was)\n";
  }
  using Config = CreatedFunction::Config;
  const std::string block = "[functions." + created.name + "]";
  switch (created.config) {
    case Config::created:
      out += "  " + created.config_toml.generic_string() + " (created with " + block + ")\n";
      break;
    case Config::appended:
      out += "  " + created.config_toml.generic_string() + " (" + block + " added)\n";
      break;
    case Config::already_declared:
      out += "  " + created.config_toml.generic_string() + " (" + block +
             " already declared, left as it was)\n";
      break;
    case Config::no_supabase_folder:
      break;
  }

  out += "\nNext: serve it, call it, test it\n  " + created.serve_command + "\n";
  for (const auto& line : created.try_lines) {
    out += "  " + line + "\n";
  }
  if (!created.test_file.empty()) {
    out += "  sbfn test " + shell_word(created.test_file.generic_string()) + "\n";
  }
  return out;
}

std::string template_list(const std::vector<Template>& templates) {
  std::string out;
  for (const auto& t : templates) {
    std::string line = "  " + t.name;
    line.resize(std::max<std::size_t>(line.size() + 2, 18), ' ');
    line += t.description;
    if (t.name == k_default_template) {
      line += " (default)";
    }
    out += line + "\n";
  }
  return out;
}

}  // namespace project
