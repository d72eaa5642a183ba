#pragma once

// src/bundler/config/: how a function's specifiers map before any registry is asked.
//
//   config.hpp           this table of contents
//   function_config.hpp  load_function_config: Supabase's precedence (--import-map >
//                        config.toml > deno.json(c) > import_map.json > global fallback),
//                        workspaces, compilerOptions, where deno.lock lives
//   deno_json.hpp        read_deno_json: the keys of one deno.json / deno.jsonc
//   import_map.hpp       ImportMap: Deno's import map resolution, deno.json's key/ rule
//   jsonc.hpp            comments and trailing commas

#include "bundler/config/deno_json.hpp"
#include "bundler/config/function_config.hpp"
#include "bundler/config/import_map.hpp"
#include "bundler/config/jsonc.hpp"
