#pragma once

// What JsrResolver reads out of JSR's two metadata documents, apart from fetching and
// caching them: meta.json (a package's versions, yanked or not, and `latest`) and
// <version>_meta.json (a version's exports and its file manifest). Pure functions of the
// parsed JSON, so registry documents of any shape can be tried on them (fuzz/jsr_meta.cpp):
// a field of the wrong type is ignored or refused with util::Error, never a JSON exception.

#include "bundler/jsr/version_req.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>

namespace bundler {

// The version of meta.json that `req` picks: for a tag, `latest` when the tag is "latest";
// otherwise the highest matching version not yanked, else the highest yanked one. Nullopt
// when none fits (or the document has no usable `versions`).
std::optional<std::string> jsr_version_from_meta(const nlohmann::json& meta, const VersionReq& req);

// A version's exports as an object: a plain string means {".": string}; non-string values
// are ignored.
std::map<std::string, std::string> jsr_exports(const nlohmann::json& version_meta);

// The URL export `export_name` names below `base` ("<registry>@scope/name/<version>/").
// Throws util::Error listing the package's exports when it has no such export, and when
// the export's target leaves the package. `package` ("@std/path@1.0.8") is for messages.
std::string jsr_export_url(const nlohmann::json& version_meta, const std::string& export_name,
                           const std::string& base, const std::string& package);

// The hex SHA-256 the version's manifest gives for `path` ("/mod.ts"). Throws util::Error
// ("Module not found") when the manifest does not list it, and for a checksum that is not
// "sha256-...". `url` is the file's URL, for messages.
std::string jsr_manifest_checksum(const nlohmann::json& version_meta, const std::string& path,
                                  const std::string& url);

}  // namespace bundler
