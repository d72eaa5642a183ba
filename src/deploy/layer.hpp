#pragma once

// A layer of an OCI image: a deterministic tar, gzip'd. The same entries give the same
// bytes, hence the same digests, on every run: entries sorted bytewise by path with every
// parent directory present, mtime 0, uid/gid 0 with empty owner names, normalised modes,
// ustar headers (a PAX record only for what ustar cannot hold, under a fixed name), and a
// gzip header with no name, mtime 0 and OS byte 3 (Unix).

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace deploy {

inline constexpr const char* k_layer_media_type = "application/vnd.oci.image.layer.v1.tar+gzip";

// One entry of a layer, as it appears in the image's root file system.
struct LayerEntry {
  enum class Kind { directory, file, symlink };

  // Relative to the root, '/'-separated, no leading '/', no "." or ".." parts:
  // "usr/local/bin/sbfn". A leading '/' is accepted and dropped.
  std::string path;
  Kind kind = Kind::file;
  unsigned mode = 0644;  // permission bits, sticky bit included ("tmp" is 01777)
  // A file's bytes: read from `source` when it is set (at write time, so large files are
  // never all in memory at once), else `content`.
  std::filesystem::path source;
  std::string content;
  std::string link_target;  // a symlink's target, as written

  // A file copied from the host: mode 0755 when the host file is executable by anyone, else
  // 0644 (what the host says about owners and other bits is dropped).
  static LayerEntry host_file(std::string path, const std::filesystem::path& source);
  static LayerEntry directory(std::string path, unsigned mode = 0755);
  static LayerEntry symlink(std::string path, std::string target);
  static LayerEntry file(std::string path, std::string content, unsigned mode = 0644);
};

// A built layer: the blob that is stored and pushed, and what a manifest and a config say
// about it.
struct Layer {
  std::string media_type = k_layer_media_type;
  std::string blob;            // the gzip bytes
  std::string digest;          // "sha256:<hex>" of `blob`
  std::string diff_id;         // "sha256:<hex>" of the uncompressed tar
  std::uint64_t tar_size = 0;  // bytes of the uncompressed tar
  std::size_t entry_count = 0;
};

// Sorts the entries bytewise by path, adds the parent directories that are missing (mode
// 0755), drops exact duplicates, and writes the layer. Throws util::Error for an invalid
// path, two different entries at one path, or a source file that cannot be read.
Layer build_layer(std::vector<LayerEntry> entries);

// The entries as build_layer writes them (sorted, parents added, duplicates dropped).
std::vector<LayerEntry> normalize_entries(std::vector<LayerEntry> entries);

}  // namespace deploy
