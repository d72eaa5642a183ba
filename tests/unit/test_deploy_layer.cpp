// Layers are deterministic tar+gzip: the same entries give the same bytes whatever their
// order, every header field that could carry the build machine is fixed, and the digests
// are those of the blob and of the uncompressed tar.
#include "support/temp_dir.hpp"

#include "deploy/gzip_stream.hpp"
#include "deploy/layer.hpp"
#include "deploy/layer_cache.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/hash.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>

namespace fs = std::filesystem;
using deploy::LayerEntry;

namespace {

struct TarEntry {
  std::string path;
  unsigned type = 0;
  unsigned perm = 0;
  long long mtime = -1;
  long long uid = -1, gid = -1;
  std::string uname, gname, symlink, content;
};

// The tar read back with libarchive (an independent reader of what we wrote).
std::vector<TarEntry> read_tar(const std::string& tar) {
  std::vector<TarEntry> out;
  auto* a = archive_read_new();
  archive_read_support_format_tar(a);
  REQUIRE(archive_read_open_memory(a, tar.data(), tar.size()) == ARCHIVE_OK);
  archive_entry* e = nullptr;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    TarEntry entry;
    entry.path = archive_entry_pathname(e);
    entry.type = archive_entry_filetype(e);
    entry.perm = archive_entry_perm(e);
    entry.mtime = archive_entry_mtime(e);
    entry.uid = archive_entry_uid(e);
    entry.gid = archive_entry_gid(e);
    entry.uname = archive_entry_uname(e) ? archive_entry_uname(e) : "";
    entry.gname = archive_entry_gname(e) ? archive_entry_gname(e) : "";
    entry.symlink = archive_entry_symlink(e) ? archive_entry_symlink(e) : "";
    char buffer[4096];
    la_ssize_t n = 0;
    while ((n = archive_read_data(a, buffer, sizeof buffer)) > 0) {
      entry.content.append(buffer, static_cast<std::size_t>(n));
    }
    out.push_back(entry);
  }
  archive_read_free(a);
  return out;
}

std::vector<LayerEntry> sample_entries(const fs::path& host_file) {
  return {
      LayerEntry::file("/usr/share/doc/readme.txt", "hello\n"),
      LayerEntry::symlink("lib64/ld-linux-x86-64.so.2",
                          "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"),
      LayerEntry::host_file("usr/local/bin/tool", host_file),
      LayerEntry::directory("tmp", 01777),
      LayerEntry::file("usr/share/doc-b", "b", 0600),
  };
}

std::string error_of(const std::function<void()>& run) {
  try {
    run();
  } catch (const util::Error& error) {
    return error.what();
  }
  return "(no error)";
}

}  // namespace

TEST_SUITE_BEGIN("deploy");

TEST_CASE("deploy::build_layer gives the same bytes for the same entries in any order") {
  test_support::TempDir dir;
  auto tool = dir.path / "tool";
  util::write_file_atomic(tool, "#!/bin/sh\n");
  fs::permissions(tool, fs::perms::owner_all | fs::perms::group_read);  // 0740: executable
  auto entries = sample_entries(tool);
  auto first = deploy::build_layer(entries);
  std::reverse(entries.begin(), entries.end());
  auto second = deploy::build_layer(entries);
  CHECK(first.blob == second.blob);
  CHECK(first.digest == second.digest);
  CHECK(first.diff_id == second.diff_id);

  // Another host file with other owners, times and permissions but the same bytes and
  // executable bit makes the same layer.
  auto elsewhere = dir.path / "elsewhere";
  util::write_file_atomic(elsewhere, "#!/bin/sh\n");
  fs::permissions(elsewhere, fs::perms::all);
  fs::last_write_time(elsewhere, fs::file_time_type::clock::now() - std::chrono::hours(100));
  auto third = deploy::build_layer(sample_entries(elsewhere));
  CHECK(third.digest == first.digest);

  // A change of content changes both digests.
  auto changed = sample_entries(tool);
  changed[0].content = "hello!\n";
  auto fourth = deploy::build_layer(changed);
  CHECK(fourth.digest != first.digest);
  CHECK(fourth.diff_id != first.diff_id);
}

TEST_CASE("deploy::build_layer digests are the blob's and the uncompressed tar's") {
  auto layer = deploy::build_layer({LayerEntry::file("a/b.txt", "bee")});
  CHECK(layer.media_type == "application/vnd.oci.image.layer.v1.tar+gzip");
  CHECK(layer.digest == "sha256:" + util::sha256_hex(layer.blob));
  auto tar = deploy::gunzip(layer.blob);
  CHECK(layer.diff_id == "sha256:" + util::sha256_hex(tar));
  CHECK(layer.tar_size == tar.size());
  CHECK(layer.entry_count == 2);
  // Two 512-byte zero blocks end it, with no padding to a 10 KiB record: a, a/b.txt
  // (header + one data block each, but a directory has no data) + the end.
  CHECK(tar.size() == 512 + 512 + 512 + 1024);
  CHECK(tar.substr(tar.size() - 1024) == std::string(1024, '\0'));
}

TEST_CASE("deploy::build_layer writes a fixed gzip header: no name, mtime 0, OS Unix") {
  auto layer = deploy::build_layer({LayerEntry::file("x", "x")});
  REQUIRE(layer.blob.size() > 10);
  const auto* b = reinterpret_cast<const unsigned char*>(layer.blob.data());
  CHECK(b[0] == 0x1f);
  CHECK(b[1] == 0x8b);
  CHECK(b[2] == 8);                         // deflate
  CHECK(b[3] == 0);                         // FLG: no name, comment, extra or header CRC
  CHECK((b[4] | b[5] | b[6] | b[7]) == 0);  // MTIME
  CHECK(b[9] == 3);                         // OS: Unix
}

TEST_CASE("deploy::build_layer sorts entries, adds parents and fixes owners, times and modes") {
  test_support::TempDir dir;
  auto tool = dir.path / "tool";
  util::write_file_atomic(tool, "#!/bin/sh\n");
  fs::permissions(tool, fs::perms::owner_all);
  auto entries = read_tar(deploy::gunzip(deploy::build_layer(sample_entries(tool)).blob));
  std::vector<std::string> paths;
  for (const auto& e : entries) {
    paths.push_back(e.path);
    CHECK(e.mtime == 0);
    CHECK(e.uid == 0);
    CHECK(e.gid == 0);
    CHECK(e.uname.empty());
    CHECK(e.gname.empty());
  }
  // Bytewise by path (so "doc-b" sorts between "doc" and "doc/readme.txt": '-' < '/'), each
  // parent before its children, folders with a trailing slash.
  CHECK(paths == std::vector<std::string>{"lib64/", "lib64/ld-linux-x86-64.so.2", "tmp/", "usr/",
                                          "usr/local/", "usr/local/bin/", "usr/local/bin/tool",
                                          "usr/share/", "usr/share/doc/", "usr/share/doc-b",
                                          "usr/share/doc/readme.txt"});
  auto find = [&](const std::string& path) {
    return *std::find_if(entries.begin(), entries.end(),
                         [&](const TarEntry& e) { return e.path == path; });
  };
  CHECK(find("lib64/").perm == 0755);
  CHECK(find("lib64/").type == AE_IFDIR);
  CHECK(find("tmp/").perm == 01777);
  CHECK(find("usr/local/bin/tool").perm == 0755);  // host 0700: executable -> 0755
  CHECK(find("usr/local/bin/tool").content == "#!/bin/sh\n");
  CHECK(find("usr/share/doc/readme.txt").perm == 0644);
  CHECK(find("usr/share/doc/readme.txt").content == "hello\n");
  CHECK(find("usr/share/doc-b").perm == 0600);
  CHECK(find("lib64/ld-linux-x86-64.so.2").type == AE_IFLNK);
  CHECK(find("lib64/ld-linux-x86-64.so.2").symlink ==
        "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2");
}

TEST_CASE("deploy::build_layer keeps long paths and long link targets, deterministically") {
  std::string deep = "usr/share";
  while (deep.size() < 300) {
    deep += "/a-rather-long-folder-name";
  }
  std::vector<LayerEntry> entries{LayerEntry::file(deep + "/file", "x"),
                                  LayerEntry::symlink("link", "/" + deep + "/file")};
  auto first = deploy::build_layer(entries);
  auto again = deploy::build_layer(entries);
  CHECK(first.blob == again.blob);
  auto tar = deploy::gunzip(first.blob);
  auto read = read_tar(tar);
  bool found_file = false;
  for (const auto& e : read) {
    found_file = found_file || (e.path == deep + "/file" && e.content == "x");
    if (e.path == "link") {
      CHECK(e.symlink == "/" + deep + "/file");
    }
  }
  CHECK(found_file);
  // The PAX records that carry them are named without a process id or a time.
  CHECK(tar.find(std::to_string(::getpid())) == std::string::npos);
}

TEST_CASE("deploy::normalize_entries refuses paths outside the root and clashing entries") {
  CHECK(error_of([] { deploy::build_layer({LayerEntry::file("../etc/passwd", "x")}); }) ==
        "layer path \"../etc/passwd\" has a \"..\" part");
  CHECK(error_of([] { deploy::build_layer({LayerEntry::file("/", "x")}); }) ==
        "layer path \"/\" names the root itself");
  CHECK(error_of([] {
          deploy::build_layer({LayerEntry::file("a", "x"), LayerEntry::file("/a", "y")});
        }) == "two different entries for /a in one layer");
  CHECK(error_of([] {
          deploy::build_layer({LayerEntry::file("a", "x"), LayerEntry::file("a/b", "y")});
        }) == "/a is both a file or symlink and the folder of /a/b in one layer");
  // The same entry twice is one entry.
  auto layer = deploy::build_layer({LayerEntry::file("a", "x"), LayerEntry::file("//a", "x")});
  CHECK(layer.entry_count == 1);
}

TEST_CASE("deploy::build_layer names a host file that cannot be read") {
  CHECK(error_of([] {
          deploy::build_layer({LayerEntry::host_file("x", "/nonexistent/sbfn-test-file")});
        }) == "cannot put /nonexistent/sbfn-test-file in the image: not a readable file");
}

TEST_CASE("deploy::build_layer_cached reuses an intact layer for the same files only") {
  test_support::TempDir dir("sbfn-layer-cache");
  const char* previous = std::getenv("SBFN_CACHE_DIR");
  std::string saved = previous ? previous : "";
  ::setenv("SBFN_CACHE_DIR", (dir.path / "cache").c_str(), 1);
  auto file = dir.path / "lib.so";
  util::write_file_atomic(file, std::string(100000, 'x'));
  auto entries = [&] {
    return std::vector<LayerEntry>{LayerEntry::host_file("usr/lib/lib.so", file),
                                   LayerEntry::directory("tmp", 01777)};
  };
  auto fresh = deploy::build_layer(entries());
  auto first = deploy::build_layer_cached(entries());
  CHECK(first.digest == fresh.digest);
  CHECK(first.diff_id == fresh.diff_id);
  std::vector<fs::path> blobs;
  for (const auto& cached : fs::directory_iterator(dir.path / "cache" / "layers")) {
    if (cached.path().extension() == ".gz") {
      blobs.push_back(cached.path());
    }
  }
  REQUIRE(blobs.size() == 1);

  auto second = deploy::build_layer_cached(entries());
  CHECK(second.blob == fresh.blob);
  CHECK(second.tar_size == fresh.tar_size);
  CHECK(second.entry_count == fresh.entry_count);

  // A torn or altered cache entry is not trusted: the layer is built again.
  util::write_file_atomic(blobs[0], "not a layer");
  auto repaired = deploy::build_layer_cached(entries());
  CHECK(repaired.blob == fresh.blob);

  // Other content (a rebuilt binary, an upgraded library) is another layer.
  util::write_file_atomic(file, std::string(100000, 'y'));
  auto changed = deploy::build_layer_cached(entries());
  CHECK(changed.digest == deploy::build_layer(entries()).digest);
  CHECK(changed.digest != fresh.digest);

  if (previous) {
    ::setenv("SBFN_CACHE_DIR", saved.c_str(), 1);
  } else {
    ::unsetenv("SBFN_CACHE_DIR");
  }
}

TEST_SUITE_END();
