#include "deploy/emit/yaml.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

namespace deploy::emit {
namespace {

using json = nlohmann::ordered_json;

// Words YAML 1.1 parsers (PyYAML, older kubectl) read as booleans or null.
bool is_special_word(std::string_view text) {
  static constexpr std::array<std::string_view, 12> k_words = {
      "y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf", "~"};
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::find(k_words.begin(), k_words.end(), lower) != k_words.end();
}

// A plain scalar only for identifier-like text starting with a letter: `apps/v1`,
// `app.kubernetes.io/name`, `Deployment`. Anything else is quoted.
bool is_plain_safe(std::string_view text) {
  if (text.empty() || !std::isalpha(static_cast<unsigned char>(text.front())) ||
      is_special_word(text)) {
    return false;
  }
  return std::all_of(text.begin(), text.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '-' || c == '.' || c == '/';
  });
}

std::string scalar(const json& value) {
  if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    // ensure_ascii: \uXXXX for everything else, which YAML double quotes read alike.
    return is_plain_safe(text) ? text : value.dump(-1, ' ', true);
  }
  return value.dump();  // numbers, true, false, null
}

bool is_empty_collection(const json& value) {
  return (value.is_object() || value.is_array()) && value.empty();
}

void write(const json& value, int indent, std::string& out);

// `key: value` or `key:` followed by the nested block.
void write_entry(const std::string& key, const json& value, int indent, std::string& out) {
  out.append(indent, ' ');
  out += scalar(json(key)) + ":";
  if (value.is_primitive() || is_empty_collection(value)) {
    out += " " + (is_empty_collection(value) ? value.dump() : scalar(value)) + "\n";
    return;
  }
  out += "\n";
  // Sequences under a key sit at the key's indent (the style kubectl prints).
  write(value, value.is_array() ? indent : indent + 2, out);
}

void write(const json& value, int indent, std::string& out) {
  if (value.is_object()) {
    for (const auto& [key, item] : value.items()) {
      write_entry(key, item, indent, out);
    }
    return;
  }
  if (value.is_array()) {
    for (const auto& item : value) {
      out.append(indent, ' ');
      out += "-";
      if (item.is_primitive() || is_empty_collection(item)) {
        out += " " + (is_empty_collection(item) ? item.dump() : scalar(item)) + "\n";
      } else if (item.is_object()) {
        // The first key shares the dash's line; the rest line up under it.
        std::string nested;
        write(item, indent + 2, nested);
        out += " " + nested.substr(static_cast<std::size_t>(indent) + 2);
      } else {
        out += "\n";
        write(item, indent + 2, out);
      }
    }
    return;
  }
  out.append(indent, ' ');
  out += scalar(value) + "\n";
}

}  // namespace

std::string to_yaml(const json& value) {
  std::string out;
  if (value.is_primitive() || is_empty_collection(value)) {
    return (is_empty_collection(value) ? value.dump() : scalar(value)) + "\n";
  }
  write(value, 0, out);
  return out;
}

std::string to_yaml_stream(const std::vector<json>& documents) {
  std::string out;
  for (const auto& document : documents) {
    out += "---\n" + to_yaml(document);
  }
  return out;
}

}  // namespace deploy::emit
