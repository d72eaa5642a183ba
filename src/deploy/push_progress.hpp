#pragma once

// What a push shows on stderr, blob by blob. On a terminal: a bar per upload in flight,
// redrawn in place (at most ten times a second), above them a line per blob done. Elsewhere
// (logs, CI): only plain lines, one when an upload starts and one when each blob is done,
// never a carriage return or an escape sequence. The same idea as the bundler's download
// status (bundler/download_progress.hpp), for uploads that run in parallel.

#include "deploy/registry/registry.hpp"

#include <functional>

namespace deploy {

// A reporter writing to `fd`, with bars when `fd` is a terminal (and TERM is not "dumb").
// Safe to call from the upload threads.
std::function<void(const registry::BlobProgress&)> push_progress(int fd);

}  // namespace deploy
