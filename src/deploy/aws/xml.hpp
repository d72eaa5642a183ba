#pragma once

// The XML that AWS's query-protocol services (STS, CloudFormation) answer with, as a plain
// tree. Parsed with Boost.PropertyTree's parser (already a dependency); namespaces are
// dropped from names, since each reply uses just its service's default namespace.

#include <string>
#include <string_view>
#include <vector>

namespace deploy::aws {

struct XmlElement {
  std::string name;
  std::string text;  // character data directly inside, trimmed of nothing
  std::vector<XmlElement> children;

  // The first child named `name`, or nullptr.
  const XmlElement* child(std::string_view name) const;
  // The text at a '/'-separated path of child names ("Credentials/AccessKeyId"); "" when absent.
  std::string text_at(std::string_view path) const;
  // The element at a path, or nullptr.
  const XmlElement* at(std::string_view path) const;
  // The children named `name` (e.g. the `member`s of a list).
  std::vector<const XmlElement*> all(std::string_view name) const;
};

// The document element of `text`; throws util::Error naming `what` when it is not XML.
XmlElement parse_xml(std::string_view text, const std::string& what);

}  // namespace deploy::aws
