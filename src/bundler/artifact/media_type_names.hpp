#pragma once

// Media types by name: the artifact stores "typescript", not the enum's number, so the
// bytes do not depend on the order of runtime::MediaType (docs/artifact.md, "MODS").

#include "runtime/modules/module_source.hpp"

#include <optional>
#include <string_view>

namespace bundler {

std::string_view media_type_name(runtime::MediaType type);
std::optional<runtime::MediaType> media_type_from_name(std::string_view name);

// What a module's stored code is once transpiled: JavaScript for TypeScript, TSX and JSX,
// CommonJS for CommonJS TypeScript (.cts); the media type itself for the rest.
runtime::MediaType compiled_media_type(runtime::MediaType type);

}  // namespace bundler
