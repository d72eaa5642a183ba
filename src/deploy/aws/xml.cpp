#include "deploy/aws/xml.hpp"

#include "util/error.hpp"

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>

#include <sstream>

namespace deploy::aws {
namespace {

XmlElement convert(const std::string& name, const boost::property_tree::ptree& tree) {
  XmlElement element;
  auto colon = name.find(':');
  element.name = colon == std::string::npos ? name : name.substr(colon + 1);
  element.text = tree.data();
  for (const auto& [child_name, child] : tree) {
    if (child_name == "<xmlattr>" || child_name == "<xmlcomment>") {
      continue;
    }
    element.children.push_back(convert(child_name, child));
  }
  return element;
}

}  // namespace

const XmlElement* XmlElement::child(std::string_view wanted) const {
  for (const auto& element : children) {
    if (element.name == wanted) {
      return &element;
    }
  }
  return nullptr;
}

const XmlElement* XmlElement::at(std::string_view path) const {
  const XmlElement* node = this;
  while (node && !path.empty()) {
    auto slash = path.find('/');
    node = node->child(path.substr(0, slash));
    path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash + 1);
  }
  return node;
}

std::string XmlElement::text_at(std::string_view path) const {
  const auto* node = at(path);
  return node ? node->text : std::string();
}

std::vector<const XmlElement*> XmlElement::all(std::string_view wanted) const {
  std::vector<const XmlElement*> out;
  for (const auto& element : children) {
    if (element.name == wanted) {
      out.push_back(&element);
    }
  }
  return out;
}

XmlElement parse_xml(std::string_view text, const std::string& what) {
  boost::property_tree::ptree tree;
  std::istringstream in{std::string(text)};
  try {
    boost::property_tree::read_xml(in, tree);
  } catch (const boost::property_tree::xml_parser_error& error) {
    throw util::Error(what + " is not well-formed XML (" + error.message() + ", line " +
                      std::to_string(error.line()) + ")");
  }
  // The tree's top level holds the declaration's siblings; the document element is the one
  // real element there.
  for (const auto& [name, child] : tree) {
    if (name != "<xmlcomment>" && name != "<xmlattr>") {
      return convert(name, child);
    }
  }
  throw util::Error(what + " has no XML element in it");
}

}  // namespace deploy::aws
