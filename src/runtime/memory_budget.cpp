// Compiled without RTTI (see CMakeLists.txt): it subclasses a V8 class, and Debian's
// libnode is built with -fno-rtti.
#include "runtime/memory_budget.hpp"

#include <cstdlib>
#include <cstring>

namespace runtime {

bool MemoryBudget::try_charge(std::size_t bytes) {
  auto before = m_external.fetch_add(bytes, std::memory_order_relaxed);
  // Overflow-safe form of measured + before + bytes > limit.
  auto measured_now = measured();
  if (bytes > m_limit || measured_now > m_limit - bytes ||
      before > m_limit - bytes - measured_now) {
    m_external.fetch_sub(bytes, std::memory_order_relaxed);
    return false;
  }
  return true;
}

namespace {

class CountingAllocator final : public v8::ArrayBuffer::Allocator {
 public:
  explicit CountingAllocator(MemoryBudget& budget) : m_budget(budget) {}

  void* Allocate(std::size_t length) override { return allocate(length, true); }
  void* AllocateUninitialized(std::size_t length) override { return allocate(length, false); }
  void Free(void* data, std::size_t length) override {
    std::free(data);
    m_budget.release(length);
  }
  void* Reallocate(void* data, std::size_t old_length, std::size_t new_length) override {
    if (new_length > old_length && !m_budget.try_charge(new_length - old_length)) {
      return nullptr;
    }
    void* moved = std::realloc(data, new_length == 0 ? 1 : new_length);
    if (moved == nullptr) {
      if (new_length > old_length) {
        m_budget.release(new_length - old_length);
      }
      return nullptr;
    }
    if (new_length > old_length) {
      std::memset(static_cast<char*>(moved) + old_length, 0, new_length - old_length);
    } else {
      m_budget.release(old_length - new_length);
    }
    return moved;
  }

 private:
  void* allocate(std::size_t length, bool zeroed) {
    if (!m_budget.try_charge(length)) {
      return nullptr;
    }
    // malloc(0) may return null, which V8 would read as a failure.
    auto size = length == 0 ? 1 : length;
    void* data = zeroed ? std::calloc(size, 1) : std::malloc(size);
    if (data == nullptr) {
      m_budget.release(length);
    }
    return data;
  }

  MemoryBudget& m_budget;
};

}  // namespace

std::unique_ptr<v8::ArrayBuffer::Allocator> make_counting_allocator(MemoryBudget& budget) {
  return std::make_unique<CountingAllocator>(budget);
}

}  // namespace runtime
