#pragma once

// --shuffle as Deno does it: rand 0.8's SmallRng (Xoshiro256++, seeded through
// rand_core's PCG32 seed_from_u64) and SliceRandom::shuffle, so that the same seed gives
// the same order of modules as `deno test --shuffle=SEED` (tests inside a module are
// shuffled the same way by the runtime's js/testing.js).

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace tester {

class SmallRng {
 public:
  explicit SmallRng(std::uint64_t seed);
  std::uint32_t next_u32();
  // A uniform index below `bound` (rand 0.8's gen_range(0..bound) for u32).
  std::uint32_t below(std::uint32_t bound);

 private:
  std::uint64_t m_s[4];
};

// Sorts `items` by `key`, then shuffles them with `seed` (Deno sorts the specifiers first).
template <typename T, typename Key>
void shuffle_modules(std::vector<T>& items, std::uint64_t seed, Key key) {
  std::stable_sort(items.begin(), items.end(),
                   [&](const T& a, const T& b) { return key(a) < key(b); });
  SmallRng rng(seed);
  for (std::size_t i = items.size(); i-- > 1;) {
    std::swap(items[i], items[rng.below(static_cast<std::uint32_t>(i + 1))]);
  }
}

}  // namespace tester
