#pragma once

// Which files `sbfn test` runs, as `deno test` finds them (cli/tools/test/mod.rs,
// is_supported_test_path): a script (ts, tsx, js, jsx, mjs, mts, cjs, cts) whose stem ends
// in `_test` or `.test`, is `test`, or lies in a `__tests__` folder; plus Supabase's
// convention, `<functions dir>/tests/*-test.ts` (its docs put function tests there).
// node_modules and hidden folders are skipped.

#include <filesystem>
#include <string>
#include <vector>

namespace tester {

struct DiscoveryRequest {
  // Files (always run, whatever their name), folders (searched) and globs (every script
  // they match) as given; empty: search `cwd`.
  std::vector<std::string> paths;
  std::filesystem::path cwd;            // absolute
  std::filesystem::path functions_dir;  // absolute: where the Supabase tests/ folder is
};

// Whether `path` is a test module by its name alone (Deno's rule or Supabase's).
bool is_test_module(const std::filesystem::path& path, const std::filesystem::path& functions_dir);

// The test modules, absolute and normal, each once: per argument in argument order, the
// files a folder or glob gives sorted by path (Deno's order). Throws util::Error with
// Deno's message for a named file that does not exist.
std::vector<std::filesystem::path> find_test_modules(const DiscoveryRequest& request);

}  // namespace tester
