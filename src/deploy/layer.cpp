// build_layer: entries -> a PAX-restricted tar (libarchive) streamed through SHA-256 (the
// diff_id) and gzip (the blob), never holding the whole tar in memory.
#include "deploy/layer.hpp"

#include "deploy/gzip_stream.hpp"
#include "util/error.hpp"
#include "util/hash.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <fstream>
#include <memory>

namespace deploy {
namespace {

namespace fs = std::filesystem;

// Where libarchive's output goes: hashed as the tar, then compressed.
struct TarSink {
  util::Sha256 tar_hash;
  GzipStream gzip;
  std::uint64_t tar_size = 0;
};

la_ssize_t write_to_sink(struct archive*, void* client, const void* buffer, size_t length) {
  auto* sink = static_cast<TarSink*>(client);
  std::string_view bytes(static_cast<const char*>(buffer), length);
  sink->tar_hash.update(bytes);
  sink->gzip.write(bytes);
  sink->tar_size += length;
  return static_cast<la_ssize_t>(length);
}

struct ArchiveDeleter {
  void operator()(struct archive* a) const { archive_write_free(a); }
};
struct EntryDeleter {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

void check(struct archive* a, int status, const std::string& what) {
  if (status < ARCHIVE_OK) {
    throw util::Error("writing a layer failed at " + what + ": " + archive_error_string(a));
  }
}

void write_data(struct archive* a, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    auto written = archive_write_data(a, data.data(), data.size());
    if (written <= 0) {
      throw util::Error("writing /" + path + " into a layer failed: " + archive_error_string(a));
    }
    data.remove_prefix(static_cast<std::size_t>(written));
  }
}

// A host file's bytes, copied in pieces; its size must not change since it was measured.
void write_source(struct archive* a, const LayerEntry& entry, std::uint64_t size) {
  std::ifstream in(entry.source, std::ios::binary);
  if (!in) {
    throw util::Error("cannot read " + entry.source.string() + " for /" + entry.path);
  }
  std::string buffer(1 << 20, '\0');
  std::uint64_t copied = 0;
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    auto got = static_cast<std::size_t>(in.gcount());
    if (got == 0) {
      break;
    }
    copied += got;
    if (copied > size) {
      break;
    }
    write_data(a, std::string_view(buffer.data(), got), entry.path);
  }
  if (copied != size) {
    throw util::Error(entry.source.string() + " changed size while it was put in the image");
  }
}

}  // namespace

Layer build_layer(std::vector<LayerEntry> entries) {
  auto sorted = normalize_entries(std::move(entries));
  TarSink sink;
  std::unique_ptr<struct archive, ArchiveDeleter> a(archive_write_new());
  // Restricted PAX: plain ustar headers, and a PAX record (named PaxHeader/<name>, with the
  // entry's mtime: nothing from the process) only for what ustar cannot hold.
  check(a.get(), archive_write_set_format_pax_restricted(a.get()), "format");
  // No blocking: the tar ends with its two 512-byte zero blocks, not padded to 10 KiB.
  check(a.get(), archive_write_set_bytes_per_block(a.get(), 0), "block size");
  check(a.get(), archive_write_open(a.get(), &sink, nullptr, write_to_sink, nullptr), "open");
  for (const auto& entry : sorted) {
    std::unique_ptr<archive_entry, EntryDeleter> e(archive_entry_new());
    archive_entry_set_mtime(e.get(), 0, 0);
    archive_entry_set_uid(e.get(), 0);
    archive_entry_set_gid(e.get(), 0);
    std::uint64_t size = 0;
    switch (entry.kind) {
      case LayerEntry::Kind::directory:
        // A trailing slash, as tar itself writes directories.
        archive_entry_set_pathname(e.get(), (entry.path + "/").c_str());
        archive_entry_set_filetype(e.get(), AE_IFDIR);
        break;
      case LayerEntry::Kind::symlink:
        archive_entry_set_pathname(e.get(), entry.path.c_str());
        archive_entry_set_filetype(e.get(), AE_IFLNK);
        archive_entry_set_symlink(e.get(), entry.link_target.c_str());
        break;
      case LayerEntry::Kind::file:
        archive_entry_set_pathname(e.get(), entry.path.c_str());
        archive_entry_set_filetype(e.get(), AE_IFREG);
        if (entry.source.empty()) {
          size = entry.content.size();
        } else {
          std::error_code error;
          size = fs::file_size(entry.source, error);
          if (error) {
            throw util::Error("cannot read " + entry.source.string() + " for /" + entry.path +
                              ": " + error.message());
          }
        }
        archive_entry_set_size(e.get(), static_cast<la_int64_t>(size));
        break;
    }
    archive_entry_set_perm(e.get(), static_cast<mode_t>(entry.mode & 07777));
    check(a.get(), archive_write_header(a.get(), e.get()), "/" + entry.path);
    if (entry.kind == LayerEntry::Kind::file) {
      if (entry.source.empty()) {
        write_data(a.get(), entry.content, entry.path);
      } else {
        write_source(a.get(), entry, size);
      }
    }
  }
  check(a.get(), archive_write_close(a.get()), "the end of the archive");

  Layer layer;
  layer.blob = sink.gzip.finish();
  layer.digest = "sha256:" + util::sha256_hex(layer.blob);
  layer.diff_id = "sha256:" + sink.tar_hash.hex_digest();
  layer.tar_size = sink.tar_size;
  layer.entry_count = sorted.size();
  return layer;
}

}  // namespace deploy
