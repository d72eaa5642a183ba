// deploy::emit's YAML writer and Kubernetes naming: every scalar reads back as what it was
// (the manifests themselves are validated by tests/deploy/test_emit.py).
#include "deploy/emit/emit.hpp"
#include "deploy/emit/yaml.hpp"

#include <doctest/doctest.h>

namespace {

using deploy::emit::kubernetes_name;
using deploy::emit::to_yaml;
using json = nlohmann::ordered_json;

}  // namespace

TEST_SUITE_BEGIN("deploy");

TEST_CASE("deploy::emit::to_yaml quotes every string a YAML parser would read as something else") {
  CHECK(to_yaml(json{{"a", "apps/v1"}}) == "a: apps/v1\n");
  // Booleans and nulls of YAML 1.1, numbers, comments, keys, indicators, empty.
  for (const char* text : {"no", "Yes", "on", "null", "~", "8000", "1e3", "#x", "a: b", "- x", "",
                           "*ref", "!tag", "{x}", "-x", "x y"}) {
    CAPTURE(text);
    CHECK(to_yaml(json{{"k", text}}) == "k: " + json(text).dump() + "\n");
  }
  CHECK(to_yaml(json{{"k", "line\nnext \"q\" é"}}) == "k: \"line\\nnext \\\"q\\\" \\u00e9\"\n");
  CHECK(to_yaml(json{{"num", 8000},
                     {"b", true},
                     {"z", nullptr},
                     {"e", json::array()},
                     {"o", json::object()}}) == "num: 8000\nb: true\nz: null\ne: []\no: {}\n");
  // Keys too: `n` is false to a YAML 1.1 reader.
  CHECK(to_yaml(json{{"n", 1}}) == "\"n\": 1\n");
  CHECK(to_yaml(json{{".env", 1}}) == "\".env\": 1\n");
}

TEST_CASE("deploy::emit::to_yaml nests blocks the way kubectl prints them") {
  json value = {
      {"spec",
       {{"containers", json::array({{{"name", "functions"}, {"args", {"--port", "8000"}}}})}}}};
  CHECK(to_yaml(value) ==
        "spec:\n"
        "  containers:\n"
        "  - name: functions\n"
        "    args:\n"
        "    - \"--port\"\n"
        "    - \"8000\"\n");
  CHECK(deploy::emit::to_yaml_stream({json{{"a", 1}}, json{{"b", 2}}}) == "---\na: 1\n---\nb: 2\n");
}

TEST_CASE("deploy::emit::kubernetes_name is a DNS-1123 label from the image's repository") {
  CHECK(kubernetes_name("123456789012.dkr.ecr.eu-west-1.amazonaws.com/fns:v3") == "fns");
  CHECK(kubernetes_name("127.0.0.1:5000/acme/edge_fns") == "edge-fns");
  CHECK(kubernetes_name("fns@sha256:0123") == "fns");
  CHECK(kubernetes_name("ghcr.io/acme/2fast:v1") == "fn-2fast");
  CHECK(kubernetes_name("") == "sbfn-functions");
  CHECK(kubernetes_name("r/" + std::string(80, 'a')).size() == 50);
}

TEST_SUITE_END();
