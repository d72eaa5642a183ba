// Fuzzes what JsrResolver reads out of JSR's metadata (bundler/jsr/jsr_meta.hpp): a
// package's meta.json (versions, yanked, latest) and a version's <version>_meta.json
// (exports, manifest checksums). A registry, a mirror (JSR_URL) or a cache record can hold
// anything. The input is a version requirement on its first line, a sub path on the second
// (an export name and a manifest path) and the JSON document after them; the document goes
// through both readers, as the two have overlapping shapes.
#include "bundler/jsr/jsr_meta.hpp"

#include "bundler/jsr/package_req.hpp"
#include "util/error.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

std::string_view next_line(std::string_view& text) {
  auto end = text.find('\n');
  auto line = text.substr(0, end);
  text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto requirement = next_line(text);
  auto sub_path = std::string(next_line(text));
  // Parsed the way the resolver parses what it fetched: anything not JSON is refused there.
  auto meta = nlohmann::json::parse(text, nullptr, false);
  if (meta.is_discarded()) {
    return 0;
  }
  std::vector<std::string> causes;
  auto req = bundler::VersionReq::try_parse_specifier(requirement, causes);
  bundler::jsr_version_from_meta(meta, req ? *req : bundler::VersionReq::any());
  const std::string base = "https://jsr.io/@fuzz/pkg/1.0.0/";
  try {
    bundler::jsr_export_url(meta, bundler::normalized_export_name(sub_path), base,
                            "@fuzz/pkg@1.0.0");
  } catch (const util::Error&) {
    // No such export, or one that leaves the package: util::Error by contract.
  }
  try {
    bundler::jsr_manifest_checksum(meta, "/" + sub_path, base + sub_path);
  } catch (const util::Error&) {
  }
  return 0;
}
