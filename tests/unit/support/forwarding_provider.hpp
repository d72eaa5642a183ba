#pragma once

// A ModuleSourceProvider that hands everything to another one: tests derive from it to
// change what a provider answers (a media type, a stale code cache) and nothing else.

#include "runtime/modules/module_source.hpp"

#include <memory>
#include <utility>

namespace test_support {

class ForwardingProvider : public runtime::ModuleSourceProvider {
 public:
  explicit ForwardingProvider(std::shared_ptr<runtime::ModuleSourceProvider> inner)
      : m_inner(std::move(inner)) {}
  runtime::ModuleSource load(const std::string& url, std::size_t max_bytes) override {
    return m_inner->load(url, max_bytes);
  }
  std::optional<std::size_t> read_file(const std::string& path,
                                       const BufferFor& buffer_for) override {
    return m_inner->read_file(path, buffer_for);
  }

 private:
  std::shared_ptr<runtime::ModuleSourceProvider> m_inner;
};

}  // namespace test_support
