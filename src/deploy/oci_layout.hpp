#pragma once

// An OCI image layout on disk (image-spec image-layout.md): `oci-layout`, `index.json` whose
// manifests carry their tag as `org.opencontainers.image.ref.name`, and every blob under
// `blobs/sha256/<hex>`. What `sbfn deploy --oci-layout` writes, what `skopeo oci:DIR:TAG`
// and `umoci --image DIR:TAG` read, and what the registry push reads back.

#include "deploy/image.hpp"

#include <filesystem>
#include <string>

namespace deploy {

inline constexpr const char* k_default_tag = "latest";
inline constexpr const char* k_ref_name_annotation = "org.opencontainers.image.ref.name";

struct LayoutTarget {
  std::filesystem::path dir;
  std::string tag = k_default_tag;
};

// "DIR" or "DIR:TAG" (as skopeo's oci: transport writes it): the part after the last ':'
// is the tag when it is a valid tag ([A-Za-z0-9_][A-Za-z0-9._-]{0,127}) and DIR is not
// empty; otherwise the whole text is the folder.
LayoutTarget parse_layout_target(const std::string& text);

// Throws util::Error unless `dir` is missing, an empty folder, or already an OCI image
// layout (which then gains or replaces the tag): sbfn never writes into another folder.
void check_layout_dir(const std::filesystem::path& dir);

// Writes oci-layout, the image's blobs (those not there yet), then index.json with the tag
// pointing at the manifest (replacing an earlier manifest of that tag). Each file is
// written atomically; index.json last, so a reader never sees a tag without its blobs.
void write_oci_layout(const LayoutTarget& target, const Image& image);

}  // namespace deploy
