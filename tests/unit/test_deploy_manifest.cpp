// deploy::registry::parse_manifest and parse_image_config: the documents a registry or an
// image layout serves, of every shape, read into descriptors or refused with util::Error
// naming the field. Shapes found by fuzz/oci_manifest.cpp and by reading the old readers.
#include "deploy/registry/manifest.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

namespace registry = deploy::registry;

namespace {

const std::string k_digest = "sha256:" + std::string(64, 'a');

}  // namespace

TEST_SUITE_BEGIN("deploy");

TEST_CASE("registry::parse_manifest reads an index with platforms and tags") {
  auto index = registry::parse_manifest(
      R"({"schemaVersion":2,"manifests":[
          {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
          k_digest +
          R"(","size":7,"platform":{"os":"linux","architecture":"arm","variant":"v7"},
           "annotations":{"org.opencontainers.image.ref.name":"v1"}},
          {"digest":")" +
          k_digest + R"(","platform":null}]})",
      registry::k_oci_index_type, "index");
  CHECK(index.is_index());
  REQUIRE(index.manifests.size() == 2);
  CHECK(index.manifests[0].platform() == "linux/arm/v7");
  CHECK(index.manifests[0].ref_name == "v1");
  CHECK(index.manifests[0].size == 7u);
  CHECK(index.manifests[1].platform() == "?/?");
  CHECK_FALSE(index.manifests[1].size);
}

TEST_CASE("registry::parse_manifest reads an image manifest; its own mediaType wins") {
  auto manifest = registry::parse_manifest(
      R"({"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
          "config":{"digest":")" +
          k_digest + R"(","size":3},
          "layers":[{"digest":")" +
          k_digest + R"(","size":5,"urls":["https://x"]}]})",
      registry::k_oci_index_type, "manifest");
  CHECK(manifest.is_image_manifest());
  REQUIRE(manifest.config);
  CHECK(manifest.config->size == 3u);
  REQUIRE(manifest.layers.size() == 1);
  CHECK(manifest.layers[0].has_urls);
}

TEST_CASE("registry::parse_manifest refuses fields of the wrong type with util::Error") {
  // Each of these made nlohmann's type_error escape the pull (`platform.value("os", "")`
  // on a number, `entry.value(...)` on a string) or the layout writer.
  const std::pair<const char*, const char*> cases[] = {
      {"[]", "m is not a JSON object"},
      {"{\"manifests\":", "m is not a JSON object"},
      {R"({"manifests":{}})", "m: \"manifests\" is not an array"},
      {R"({"manifests":["x"]})", "m manifests entry 0 is not an object"},
      {R"({"manifests":[{"platform":{"os":1}}]})", "m manifests entry 0 platform: \"os\""},
      {R"({"manifests":[{"platform":[]}]})", "\"platform\" is not an object"},
      {R"({"manifests":[{"digest":{}}]})", "\"digest\" is not a string"},
      {R"({"layers":[{"size":-1}]})", "\"size\" is not a byte count"},
      {R"({"layers":[{"size":1.5}]})", "\"size\" is not a byte count"},
      {R"({"config":"sha256:x"})", "m config is not an object"},
      {R"({"mediaType":7})", "\"mediaType\" is not a string"},
  };
  for (const auto& [text, message] : cases) {
    INFO(text);
    CHECK_THROWS_WITH_AS(registry::parse_manifest(text, "", "m"), doctest::Contains(message),
                         util::Error);
  }
}

TEST_CASE("registry::parse_image_config reads the platform and diff_ids, Go's nulls as absent") {
  auto config = registry::parse_image_config(
      R"({"os":"linux","architecture":"amd64","config":{"Labels":null,"Env":null},
          "history":null,"rootfs":{"type":"layers","diff_ids":[")" +
          k_digest + R"("]}})",
      "config");
  CHECK(config.platform == "linux/amd64");
  CHECK(config.diff_ids == std::vector<std::string>{k_digest});
  CHECK(registry::parse_image_config("{}", "c").platform == "?/?");
  const std::pair<const char*, const char*> cases[] = {
      {R"({"rootfs":{"diff_ids":[1]}})", "rootfs.diff_ids holds something other than a digest"},
      {R"({"rootfs":{"diff_ids":"x"}})", "\"diff_ids\" is not an array"},
      {R"({"config":{"Env":"PATH=/bin"}})", "\"Env\" is not an array"},
      {R"({"config":{"Env":[1]}})", "Env holds something other than a string"},
      {R"({"config":{"WorkingDir":1}})", "\"WorkingDir\" is not a string"},
      {R"({"config":{"ExposedPorts":[]}})", "\"ExposedPorts\" is not an object"},
      {R"({"history":{}})", "\"history\" is not an array"},
      {R"({"os":1})", "\"os\" is not a string"},
  };
  for (const auto& [text, message] : cases) {
    INFO(text);
    CHECK_THROWS_WITH_AS(registry::parse_image_config(text, "c"), doctest::Contains(message),
                         util::Error);
  }
}

TEST_SUITE_END();
