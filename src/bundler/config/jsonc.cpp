#include "bundler/config/jsonc.hpp"

#include "util/error.hpp"

namespace bundler {

std::string strip_jsonc(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  // A comma is held back until the next significant character shows whether it trails.
  std::size_t pending_comma = std::string::npos;
  auto flush_comma = [&] { pending_comma = std::string::npos; };
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '"') {
      flush_comma();
      out += c;
      for (++i; i < text.size(); ++i) {
        out += text[i];
        if (text[i] == '\\' && i + 1 < text.size()) {
          out += text[++i];
        } else if (text[i] == '"') {
          break;
        }
      }
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
      while (i < text.size() && text[i] != '\n') {
        ++i;
      }
      out += '\n';
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
      auto end = text.find("*/", i + 2);
      i = end == std::string_view::npos ? text.size() : end + 1;
      out += ' ';
    } else if (c == ',') {
      flush_comma();
      pending_comma = out.size();
      out += c;
    } else if (c == '}' || c == ']') {
      if (pending_comma != std::string::npos) {
        out[pending_comma] = ' ';
      }
      flush_comma();
      out += c;
    } else {
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        flush_comma();
      }
      out += c;
    }
  }
  return out;
}

nlohmann::json parse_jsonc(std::string_view text, const std::string& name_for_errors) {
  try {
    return nlohmann::json::parse(strip_jsonc(text));
  } catch (const nlohmann::json::exception& error) {
    // Not parse_error alone: a number beyond double's range (`1e999`) is out_of_range (406),
    // which escaped as a crash instead of this message (found by fuzz/deno_json.cpp).
    throw util::Error("Unable to parse config file JSON \"" + name_for_errors +
                      "\": " + error.what());
  }
}

}  // namespace bundler
