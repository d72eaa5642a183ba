#pragma once

// The templates `sbfn new` writes: the repository's templates/ folder, packed at build time
// (cmake/PackTemplates.cmake) and linked into the binary.
//
// A template is a folder laid out like a functions folder, with `__name__` standing for the
// new function's name in paths and text:
//   templates/<template>/template.json            description, verify_jwt, the commands to try
//   templates/<template>/__name__/index.ts ...    the function
//   templates/<template>/tests/__name__-test.ts   its Deno.test file
//   templates/<template>/_shared/...              files shared between functions
// A template with auth modes (`server`) has `"variants"` in template.json and one such
// folder per mode (`templates/server/apikey/__name__/index.ts`).

#include <string>
#include <string_view>
#include <vector>

namespace project {

// One file: its path below the template (or variant) folder, `/`-separated, and its bytes.
struct TemplateFile {
  std::string path;
  std::string content;
};

// What one choice of a template writes. Templates without auth modes have a single variant
// with an empty name.
struct TemplateVariant {
  std::string name;
  // `verify_jwt` of the function's [functions.<name>] block in supabase/config.toml.
  bool verify_jwt = true;
  // Shell lines to try the function with once it is served (tokens: see scaffold.cpp).
  std::vector<std::string> try_lines;
  std::vector<TemplateFile> files;
  // A main service (`serve --main-service`) rather than a function: no config.toml block,
  // no test, served with --main-service.
  bool main_service = false;
};

struct Template {
  std::string name;
  // One line, for `sbfn new --list-templates`.
  std::string description;
  // The variant used when none is asked for (empty for templates without auth modes).
  std::string default_variant;
  std::vector<TemplateVariant> variants;
};

// Reads a pack (`<path>\n<size>\n<bytes>` per file) into templates sorted by name. Throws
// std::runtime_error on a malformed pack or template.json: a build problem, not a user's.
std::vector<Template> parse_template_pack(std::string_view pack);

// The templates built into this binary (parsed once).
const std::vector<Template>& builtin_templates();

}  // namespace project
