#pragma once

// JSON values written as block-style YAML, for manifests people read and `kubectl apply`.
// Every string that is not plainly safe is written as a JSON string (ASCII, escaped), which
// is also a YAML double-quoted scalar, so no value can turn into a number, a boolean, a
// null, a comment or a new key (`"no"`, `"8000"`, `"a: b"`, `"#x"` stay strings).

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace deploy::emit {

// One YAML document (no `---`), ending in a newline.
std::string to_yaml(const nlohmann::ordered_json& value);

// Several documents, each introduced by `---`, as `kubectl apply -f` reads them.
std::string to_yaml_stream(const std::vector<nlohmann::ordered_json>& documents);

}  // namespace deploy::emit
