#include "runtime/modules/source_map.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace runtime {
namespace {

int base64_digit(char c) {
  if (c >= 'A' && c <= 'Z') {
    return c - 'A';
  }
  if (c >= 'a' && c <= 'z') {
    return c - 'a' + 26;
  }
  if (c >= '0' && c <= '9') {
    return c - '0' + 52;
  }
  return c == '+' ? 62 : c == '/' ? 63 : -1;
}

// Reads one base64 VLQ value starting at `i`; false on malformed input.
bool read_vlq(const std::string& s, size_t& i, int& value) {
  int result = 0;
  int shift = 0;
  for (;;) {
    if (i >= s.size()) {
      return false;
    }
    int digit = base64_digit(s[i++]);
    if (digit < 0 || shift > 28) {
      return false;
    }
    result += (digit & 31) << shift;
    shift += 5;
    if (!(digit & 32)) {
      break;
    }
  }
  value = (result & 1) ? -(result >> 1) : (result >> 1);
  return true;
}

}  // namespace

SourceMap SourceMap::parse(const std::string& json) {
  SourceMap map;
  auto doc = nlohmann::json::parse(json, nullptr, false);
  if (!doc.is_object() || !doc["mappings"].is_string()) {
    return map;
  }
  const std::string& mappings = doc["mappings"].get_ref<const std::string&>();
  int source_line = 0;
  int source_column = 0;
  int source_index = 0;
  int name_index = 0;
  map.m_lines.emplace_back();
  int generated_column = 0;
  size_t i = 0;
  while (i < mappings.size()) {
    char c = mappings[i];
    if (c == ';') {
      map.m_lines.emplace_back();
      generated_column = 0;
      ++i;
      continue;
    }
    if (c == ',') {
      ++i;
      continue;
    }
    int fields[5] = {0, 0, 0, 0, 0};
    int count = 0;
    while (i < mappings.size() && mappings[i] != ',' && mappings[i] != ';' && count < 5) {
      if (!read_vlq(mappings, i, fields[count++])) {
        return SourceMap{};
      }
    }
    generated_column += fields[0];
    if (count >= 4) {
      source_index += fields[1];
      source_line += fields[2];
      source_column += fields[3];
      if (count == 5) {
        name_index += fields[4];
      }
      map.m_lines.back().push_back({generated_column, source_line, source_column});
    }
  }
  return map;
}

std::optional<SourceMap::Position> SourceMap::original(int line, int column) const {
  if (line < 1 || static_cast<size_t>(line) > m_lines.size()) {
    return std::nullopt;
  }
  const auto& segments = m_lines[line - 1];
  const Segment* best = nullptr;
  for (const auto& segment : segments) {
    if (segment.generated_column <= column - 1) {
      best = &segment;
    } else {
      break;
    }
  }
  if (!best) {
    if (segments.empty()) {
      return std::nullopt;
    }
    return Position{segments.front().line + 1, segments.front().column + 1};
  }
  return Position{best->line + 1, best->column + 1 + (column - 1 - best->generated_column)};
}

std::vector<SourceMap::Mapping> SourceMap::mappings_on_line(int line) const {
  std::vector<Mapping> out;
  if (line >= 0 && static_cast<size_t>(line) < m_lines.size()) {
    for (const auto& segment : m_lines[line]) {
      out.push_back({segment.generated_column, segment.line});
    }
  }
  return out;
}

std::optional<int> SourceMap::source_line_at(int line, int column) const {
  if (line < 0) {
    return std::nullopt;
  }
  for (auto l = std::min<std::size_t>(static_cast<std::size_t>(line) + 1, m_lines.size());
       l-- > 0;) {
    const auto& segments = m_lines[l];
    for (auto it = segments.rbegin(); it != segments.rend(); ++it) {
      if (static_cast<int>(l) < line || it->generated_column <= column) {
        return it->line;
      }
    }
  }
  return std::nullopt;
}

}  // namespace runtime
