#pragma once

// The runtime layer is the same bytes for as long as the binary and its libraries are: a
// redeploy takes it from $SBFN_CACHE_DIR/layers/ (checked against its digest) instead of
// gzipping 45 MiB again. The key is a hash of the normalised entries, with each host file's
// identity (device, inode, size, modification time) standing for its content.

#include "deploy/layer.hpp"

namespace deploy {

// build_layer(entries), from the cache when an entry for the same inputs is there and
// intact, else built and stored (a store that fails only costs the next build).
Layer build_layer_cached(std::vector<LayerEntry> entries);

}  // namespace deploy
