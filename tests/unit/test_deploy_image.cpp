// The image around the layers: the runtime layer's entries for sbfn itself, the config
// and manifest JSON, the git revision label, and the OCI image layout on disk.
#include "support/temp_dir.hpp"

#include "deploy/image.hpp"
#include "deploy/oci_layout.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/hash.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>

namespace fs = std::filesystem;
using deploy::LayerEntry;
using nlohmann::json;

namespace {

deploy::ImageInputs sample_inputs() {
  deploy::ImageInputs inputs;
  inputs.functions = {{"hello-world", "artifact bytes of hello-world", false},
                      {"stripe-webhook", "artifact bytes of stripe-webhook", true}};
  inputs.sbfn_version = "0.1.0";
  return inputs;
}

// A small image (no runtime layer: that one is big and has its own test).
deploy::Image small_image(const deploy::ImageInputs& inputs) {
  deploy::Image image;
  image.layers.push_back(deploy::build_layer({LayerEntry::file("etc/motd", "hi\n")}));
  image.layers.push_back(deploy::build_layer(deploy::functions_layer_entries(inputs.functions)));
  image.config = deploy::make_blob(deploy::k_config_media_type,
                                   deploy::image_config_json(image.layers, inputs));
  image.manifest = deploy::make_blob(deploy::k_manifest_media_type,
                                     deploy::image_manifest_json(image.config, image.layers));
  return image;
}

std::map<std::string, const LayerEntry*> by_path(const std::vector<LayerEntry>& entries) {
  std::map<std::string, const LayerEntry*> out;
  for (const auto& entry : entries) {
    out[entry.path] = &entry;
  }
  return out;
}

}  // namespace

TEST_SUITE_BEGIN("deploy");

TEST_CASE(
    "deploy::runtime_layer_entries holds sbfn, its libraries, the loader, certs, zones, /tmp") {
  deploy::RuntimeSources sources;
  sources.binary = SBFN_BINARY;
  auto entries = deploy::normalize_entries(deploy::runtime_layer_entries(sources));
  auto paths = by_path(entries);
  REQUIRE(paths.count("usr/local/bin/sbfn") == 1);
  CHECK(paths["usr/local/bin/sbfn"]->mode == 0755);
  CHECK(paths["usr/local/bin/sbfn"]->source == fs::path(SBFN_BINARY));
  // The loader at its PT_INTERP path, as a link to its file in the library folder.
  REQUIRE(paths.count("lib64/ld-linux-x86-64.so.2") == 1);
  CHECK(paths["lib64/ld-linux-x86-64.so.2"]->kind == LayerEntry::Kind::symlink);
  CHECK(paths["lib64/ld-linux-x86-64.so.2"]->link_target ==
        "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2");
  CHECK(paths.at("usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2")->kind == LayerEntry::Kind::file);
  // Every library ld.so loads, under its soname, with the build tree's V8 among them.
  auto dependencies = deploy::find_dependencies(SBFN_BINARY);
  for (const auto& library : dependencies.libraries) {
    INFO(library.soname);
    CHECK(paths.count("usr/lib/x86_64-linux-gnu/" + library.soname) == 1);
  }
  CHECK(paths.count("usr/lib/x86_64-linux-gnu/libnode.so.108") == 1);
  // Nothing else in the library folder: exactly what is needed (files and soname links).
  std::size_t in_library_dir = 0;
  for (const auto& [path, entry] : paths) {
    if (path.starts_with("usr/lib/x86_64-linux-gnu/")) {
      ++in_library_dir;
    }
  }
  CHECK(in_library_dir <= 2 * (dependencies.libraries.size() + 1));
  CHECK(paths.at("etc/ssl/certs/ca-certificates.crt")->kind == LayerEntry::Kind::file);
  CHECK(paths.count("usr/share/zoneinfo/UTC") == 1);
  CHECK(paths.count("usr/share/zoneinfo/Europe/Paris") == 1);
  CHECK(paths.at("tmp")->mode == 01777);
  // No path of the build machine inside the image.
  for (const auto& [path, entry] : paths) {
    CHECK_MESSAGE(path.find(".deps") == std::string::npos, path);
    CHECK_MESSAGE(entry->link_target.find(".deps") == std::string::npos, path);
  }
}

TEST_CASE("deploy::runtime_layer_entries refuses a binary that is not x86-64 and missing certs") {
  test_support::TempDir dir;
  util::write_file_atomic(dir.path / "sbfn", "#!/bin/sh\n");
  deploy::RuntimeSources sources;
  sources.binary = dir.path / "sbfn";
  CHECK_THROWS_WITH_AS(deploy::runtime_layer_entries(sources),
                       ((dir.path / "sbfn").string() +
                        " is not an x86-64 ELF executable: images are built for linux/amd64 only")
                           .c_str(),
                       util::Error);
  sources.binary = SBFN_BINARY;
  sources.ca_certificates = dir.path / "none.crt";
  CHECK_THROWS_WITH_AS(deploy::runtime_layer_entries(sources),
                       ("CA certificates not found at " + (dir.path / "none.crt").string() +
                        " (Debian: apt-get install ca-certificates); the image's fetch() needs "
                        "them")
                           .c_str(),
                       util::Error);
}

TEST_CASE("deploy::image_config_json: platform, entrypoint, port, healthcheck, labels, diff_ids") {
  auto inputs = sample_inputs();
  inputs.revision = "0123456789abcdef0123456789abcdef01234567";
  auto image = small_image(inputs);
  auto config = json::parse(image.config.bytes);
  CHECK(config["architecture"] == "amd64");
  CHECK(config["os"] == "linux");
  CHECK(config["created"] == "1970-01-01T00:00:00Z");
  CHECK(config["config"]["Entrypoint"] ==
        json({"/usr/local/bin/sbfn", "serve", "--bundle", "/functions", "--host", "0.0.0.0",
              "--port", "8000"}));
  CHECK(config["config"]["ExposedPorts"] == json::parse(R"({"8000/tcp":{}})"));
  CHECK(config["config"]["Healthcheck"]["Test"] ==
        json({"CMD", "/usr/local/bin/sbfn", "healthcheck", "http://127.0.0.1:8000/health"}));
  CHECK(config["config"]["Healthcheck"]["Interval"] == 30000000000LL);  // nanoseconds
  const auto& labels = config["config"]["Labels"];
  CHECK(labels["dev.sbfn.functions"] == "hello-world,stripe-webhook");
  CHECK(labels["dev.sbfn.function.hello-world.digest"] ==
        "sha256:" + util::sha256_hex("artifact bytes of hello-world"));
  CHECK(labels["dev.sbfn.function.hello-world.verify_jwt"] == "false");
  CHECK(labels["dev.sbfn.function.stripe-webhook.verify_jwt"] == "true");
  CHECK(labels["org.opencontainers.image.revision"] == *inputs.revision);
  CHECK(config["rootfs"]["type"] == "layers");
  CHECK(config["rootfs"]["diff_ids"] == json({image.layers[0].diff_id, image.layers[1].diff_id}));
  CHECK(config["history"].size() == 2);

  inputs.revision.reset();
  auto without = json::parse(small_image(inputs).config.bytes);
  CHECK_FALSE(without["config"]["Labels"].contains("org.opencontainers.image.revision"));
}

TEST_CASE("deploy::image_config_json on a base image: its layers first, its settings kept") {
  deploy::BaseImage base;
  base.layers.push_back(deploy::build_layer({LayerEntry::file("etc/base-release", "base\n")}));
  base.config = json({{"architecture", "amd64"},
                      {"os", "linux"},
                      {"config",
                       {{"Env", {"LANG=C.UTF-8", "HOME=/srv"}},
                        {"User", "1000:1000"},
                        {"WorkingDir", "/srv"},
                        {"Cmd", {"/bin/sh"}},
                        {"Entrypoint", {"/docker-entrypoint.sh"}},
                        {"ExposedPorts", {{"9000/tcp", json::object()}}},
                        {"Labels", {{"org.example.base", "yes"}, {"dev.sbfn.functions", "old"}}}}},
                      {"rootfs", {{"type", "layers"}, {"diff_ids", {base.layers[0].diff_id}}}},
                      {"history", {{{"created_by", "ADD base"}}}}})
                    .dump();
  auto inputs = sample_inputs();
  inputs.base = &base;
  auto image = small_image(inputs);
  auto config = json::parse(image.config.bytes);
  CHECK(config["rootfs"]["diff_ids"] ==
        json({base.layers[0].diff_id, image.layers[0].diff_id, image.layers[1].diff_id}));
  REQUIRE(config["history"].size() == 3);
  CHECK(config["history"][0]["created_by"] == "ADD base");
  const auto& settings = config["config"];
  CHECK(settings["Entrypoint"][0] == "/usr/local/bin/sbfn");
  CHECK_FALSE(settings.contains("Cmd"));  // it would be passed to sbfn serve as arguments
  CHECK(settings["User"] == "1000:1000");
  CHECK(settings["WorkingDir"] == "/srv");
  CHECK(settings["Env"] ==
        json({"LANG=C.UTF-8", "HOME=/srv",
              "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}));
  CHECK(settings["ExposedPorts"] == json::parse(R"({"8000/tcp":{},"9000/tcp":{}})"));
  CHECK(settings["Labels"]["org.example.base"] == "yes");
  CHECK(settings["Labels"]["dev.sbfn.functions"] == "hello-world,stripe-webhook");
  CHECK(settings["Healthcheck"]["Test"][1] == "/usr/local/bin/sbfn");

  // FROM scratch: the same bytes as ever (no base key leaks into the config).
  inputs.base = nullptr;
  auto scratch = json::parse(small_image(inputs).config.bytes);
  CHECK(scratch["config"]["WorkingDir"] == "/");
  CHECK(scratch["config"]["Env"].size() == 1);
  CHECK_FALSE(scratch["config"].contains("User"));
}

TEST_CASE("deploy::image_manifest_json describes the config and the layers, base first") {
  auto image = small_image(sample_inputs());
  auto manifest = json::parse(image.manifest.bytes);
  CHECK(manifest["schemaVersion"] == 2);
  CHECK(manifest["mediaType"] == "application/vnd.oci.image.manifest.v1+json");
  CHECK(manifest["config"] == json({{"mediaType", "application/vnd.oci.image.config.v1+json"},
                                    {"digest", image.config.digest},
                                    {"size", image.config.bytes.size()}}));
  REQUIRE(manifest["layers"].size() == 2);
  for (std::size_t i = 0; i < 2; ++i) {
    CHECK(manifest["layers"][i]["mediaType"] == "application/vnd.oci.image.layer.v1.tar+gzip");
    CHECK(manifest["layers"][i]["digest"] == image.layers[i].digest);
    CHECK(manifest["layers"][i]["size"] == image.layers[i].blob.size());
  }
  CHECK(image.manifest.digest == "sha256:" + util::sha256_hex(image.manifest.bytes));
  // Same inputs, same bytes.
  auto again = small_image(sample_inputs());
  CHECK(again.config.bytes == image.config.bytes);
  CHECK(again.manifest.digest == image.manifest.digest);
}

TEST_CASE("deploy::functions_layer_entries puts each artifact at /functions/<name>.sbfn") {
  auto entries =
      deploy::normalize_entries(deploy::functions_layer_entries(sample_inputs().functions));
  auto paths = by_path(entries);
  CHECK(paths.size() == 3);
  CHECK(paths.at("functions")->kind == LayerEntry::Kind::directory);
  CHECK(paths.at("functions/hello-world.sbfn")->content == "artifact bytes of hello-world");
  CHECK(paths.at("functions/stripe-webhook.sbfn")->mode == 0644);
}

TEST_CASE("deploy::git_revision reads HEAD through loose refs, packed-refs and worktrees") {
  test_support::TempDir dir;
  const std::string a(40, 'a'), b(40, 'b'), c(40, 'c');
  CHECK_FALSE(deploy::git_revision(dir.path).has_value());
  // A loose ref, found from a folder below the checkout.
  util::write_file_atomic(dir.path / "repo/.git/HEAD", "ref: refs/heads/main\n");
  util::write_file_atomic(dir.path / "repo/.git/refs/heads/main", a + "\n");
  fs::create_directories(dir.path / "repo/supabase/functions");
  CHECK(deploy::git_revision(dir.path / "repo/supabase/functions") == a);
  // packed-refs only.
  fs::remove(dir.path / "repo/.git/refs/heads/main");
  util::write_file_atomic(dir.path / "repo/.git/packed-refs",
                          "# pack-refs with: peeled fully-peeled sorted\n" + b +
                              " refs/heads/main\n" + c + " refs/tags/v1\n");
  CHECK(deploy::git_revision(dir.path / "repo") == b);
  // A worktree: .git is a file, refs live in the common dir.
  util::write_file_atomic(dir.path / "wt/.git",
                          "gitdir: " + (dir.path / "repo/.git/worktrees/wt").string() + "\n");
  util::write_file_atomic(dir.path / "repo/.git/worktrees/wt/HEAD", "ref: refs/tags/v1\n");
  util::write_file_atomic(dir.path / "repo/.git/worktrees/wt/commondir", "../..\n");
  CHECK(deploy::git_revision(dir.path / "wt") == c);
  // Detached HEAD.
  util::write_file_atomic(dir.path / "repo/.git/HEAD", a + "\n");
  CHECK(deploy::git_revision(dir.path / "repo") == a);
  // A branch with no commit yet.
  util::write_file_atomic(dir.path / "repo/.git/HEAD", "ref: refs/heads/new\n");
  CHECK_FALSE(deploy::git_revision(dir.path / "repo").has_value());
}

TEST_CASE("deploy::parse_layout_target splits DIR:TAG as skopeo's oci: transport does") {
  auto plain = deploy::parse_layout_target("out/image");
  CHECK(plain.dir == "out/image");
  CHECK(plain.tag == "latest");
  auto tagged = deploy::parse_layout_target("out/image:v3");
  CHECK(tagged.dir == "out/image");
  CHECK(tagged.tag == "v3");
  auto not_a_tag = deploy::parse_layout_target("a:b/c");
  CHECK(not_a_tag.dir == "a:b/c");
  CHECK(not_a_tag.tag == "latest");
}

TEST_CASE("deploy::write_oci_layout writes oci-layout, index.json and every blob by digest") {
  test_support::TempDir dir;
  auto layout = dir.path / "layout";
  auto image = small_image(sample_inputs());
  deploy::write_oci_layout({layout, "v1"}, image);
  CHECK(util::read_file(layout / "oci-layout") == R"({"imageLayoutVersion":"1.0.0"})");
  auto blob = [&](const std::string& digest) {
    return util::read_file(layout / "blobs/sha256" / digest.substr(7));
  };
  CHECK(blob(image.manifest.digest) == image.manifest.bytes);
  CHECK(blob(image.config.digest) == image.config.bytes);
  CHECK(blob(image.layers[0].digest) == image.layers[0].blob);
  CHECK(blob(image.layers[1].digest) == image.layers[1].blob);
  auto index = json::parse(util::read_file(layout / "index.json"));
  CHECK(index["schemaVersion"] == 2);
  CHECK(index["mediaType"] == "application/vnd.oci.image.index.v1+json");
  REQUIRE(index["manifests"].size() == 1);
  CHECK(index["manifests"][0]["digest"] == image.manifest.digest);
  CHECK(index["manifests"][0]["size"] == image.manifest.bytes.size());
  CHECK(index["manifests"][0]["mediaType"] == "application/vnd.oci.image.manifest.v1+json");
  CHECK(index["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"] == "v1");

  // Another tag is added beside it; the same tag again replaces its manifest.
  auto inputs = sample_inputs();
  inputs.functions.pop_back();
  auto other = small_image(inputs);
  deploy::write_oci_layout({layout, "v2"}, other);
  deploy::write_oci_layout({layout, "v1"}, other);
  index = json::parse(util::read_file(layout / "index.json"));
  REQUIRE(index["manifests"].size() == 2);
  CHECK(index["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"] == "v2");
  CHECK(index["manifests"][1]["annotations"]["org.opencontainers.image.ref.name"] == "v1");
  CHECK(index["manifests"][1]["digest"] == other.manifest.digest);
}

TEST_CASE("deploy::check_layout_dir refuses a folder that is neither empty nor a layout") {
  test_support::TempDir dir;
  deploy::check_layout_dir(dir.path / "missing");
  deploy::check_layout_dir(dir.path);  // empty
  util::write_file_atomic(dir.path / "notes.txt", "mine");
  CHECK_THROWS_WITH_AS(deploy::check_layout_dir(dir.path),
                       ("--oci-layout " + dir.path.string() +
                        " is a folder that is neither empty nor an OCI image layout (no "
                        "oci-layout file); name a new or empty folder")
                           .c_str(),
                       util::Error);
  CHECK_THROWS_WITH_AS(
      deploy::check_layout_dir(dir.path / "notes.txt"),
      ("--oci-layout " + (dir.path / "notes.txt").string() + " is a file, not a folder").c_str(),
      util::Error);
  CHECK_THROWS_AS(deploy::write_oci_layout({dir.path, "latest"}, small_image(sample_inputs())),
                  util::Error);
  CHECK_FALSE(fs::exists(dir.path / "index.json"));
}

TEST_CASE("deploy::write_oci_layout refuses an index.json entry of the wrong shape by name") {
  // A tag annotation that is not a string, or an entry that is not an object, made
  // nlohmann's type_error escape instead of a message naming the file.
  const auto image = small_image(sample_inputs());
  for (const char* index : {
           R"({"manifests":[{"annotations":{"org.opencontainers.image.ref.name":5}}]})",
           R"({"manifests":[{"annotations":"v1"}]})",
           R"({"manifests":["sha256:abc"]})",
       }) {
    INFO(index);
    test_support::TempDir dir;
    util::write_file_atomic(dir.path / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
    util::write_file_atomic(dir.path / "index.json", index);
    const std::string message = (dir.path / "index.json").string() + " manifests entry 0";
    CHECK_THROWS_WITH_AS(deploy::write_oci_layout({dir.path, "v1"}, image),
                         doctest::Contains(message.c_str()), util::Error);
    CHECK(util::read_file(dir.path / "index.json") == index);
  }
}

TEST_CASE("deploy::image_config_json on a base whose config has Go's nulls") {
  // "WorkingDir": null made nlohmann's type_error escape; Go writes nil maps and slices as
  // null, which is absent.
  deploy::BaseImage base;
  base.config = R"({"architecture":"amd64","os":"linux","history":null,"rootfs":null,
                    "config":{"Env":null,"Labels":null,"ExposedPorts":null,"WorkingDir":null}})";
  auto inputs = sample_inputs();
  inputs.base = &base;
  auto config = json::parse(small_image(inputs).config.bytes);
  CHECK(config["config"]["WorkingDir"] == "/");
  CHECK(config["config"]["Env"].size() == 1);
  CHECK(config["rootfs"]["diff_ids"].size() == 2);
  CHECK(config["history"].size() == 2);
}

TEST_SUITE_END();
