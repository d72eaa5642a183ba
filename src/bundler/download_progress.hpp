#pragma once

// What `serve` and `bundle` show while they download: on a terminal, one line per
// finished download ("Download <url> (12.3 KiB)", as Deno prints them) and a status line
// for the ones in flight; nothing when the stream is not a terminal (logs and CI stay
// clean).

#include "bundler/http_client.hpp"

namespace bundler {

// A reporter writing to `fd` when it is a terminal; an empty one otherwise.
DownloadReporter terminal_download_progress(int fd);

}  // namespace bundler
