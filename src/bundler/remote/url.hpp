#pragma once

// URLs parsed as the WHATWG URL Standard says, the way Deno (Rust's `url` crate) and
// browsers parse them: import maps, redirects' Location headers and jsr module URLs all
// depend on the exact serialisation. The parser is ada, the one Node.js uses; libnode
// (already linked for V8) exports its C API.

#include <optional>
#include <string>
#include <string_view>

namespace bundler {

class Url {
 public:
  // `input` parsed on its own; nullopt when it is not an absolute URL.
  static std::optional<Url> parse(std::string_view input);
  // `input` parsed against `base` (relative references allowed); nullopt on failure.
  static std::optional<Url> parse(std::string_view input, std::string_view base);

  // The serialised URL ("https://jsr.io/@std/path/1.0.0/mod.ts").
  const std::string& href() const { return m_href; }
  // Without the trailing ':' ("https", "jsr", "file").
  const std::string& scheme() const { return m_scheme; }
  const std::string& hostname() const { return m_hostname; }
  // Empty when the URL has no port or the scheme's default one.
  const std::string& port() const { return m_port; }
  const std::string& pathname() const { return m_pathname; }
  // "?a=b" or empty.
  const std::string& search() const { return m_search; }
  // http, https, ws, wss, ftp and file: the schemes with hierarchical paths.
  bool is_special() const;

 private:
  Url() = default;
  static std::optional<Url> from_handle(void* handle);

  std::string m_href;
  std::string m_scheme;
  std::string m_hostname;
  std::string m_port;
  std::string m_pathname;
  std::string m_search;
};

}  // namespace bundler
