#include "tester/module_order.hpp"

#include <bit>

namespace tester {

SmallRng::SmallRng(std::uint64_t state) {
  // rand_core's default seed_from_u64: PCG32 outputs fill the 32-byte seed, little endian.
  std::uint32_t words[8];
  for (auto& word : words) {
    state = state * 6364136223846793005ULL + 11634580027462260723ULL;
    auto xorshifted = static_cast<std::uint32_t>(((state >> 18) ^ state) >> 27);
    auto rot = static_cast<int>(state >> 59);
    word = std::rotr(xorshifted, rot);
  }
  for (int i = 0; i < 4; ++i) {
    m_s[i] = (static_cast<std::uint64_t>(words[2 * i + 1]) << 32) | words[2 * i];
  }
}

std::uint32_t SmallRng::next_u32() {
  // Xoshiro256++'s next_u64, high half.
  auto result = std::rotl(m_s[0] + m_s[3], 23) + m_s[0];
  auto t = m_s[1] << 17;
  m_s[2] ^= m_s[0];
  m_s[3] ^= m_s[1];
  m_s[1] ^= m_s[2];
  m_s[0] ^= m_s[3];
  m_s[2] ^= t;
  m_s[3] = std::rotl(m_s[3], 45);
  return static_cast<std::uint32_t>(result >> 32);
}

std::uint32_t SmallRng::below(std::uint32_t bound) {
  // UniformInt<u32>::sample_single_inclusive(0, bound - 1): widening multiply, rejecting
  // below the zone.
  auto zone = (bound << std::countl_zero(bound)) - 1;
  for (;;) {
    auto product = static_cast<std::uint64_t>(next_u32()) * bound;
    auto lo = static_cast<std::uint32_t>(product);
    if (lo <= zone) {
      return static_cast<std::uint32_t>(product >> 32);
    }
  }
}

}  // namespace tester
