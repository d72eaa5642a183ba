#pragma once

// src/bundler/remote/: modules and metadata fetched over http(s).
//
//   remote.hpp          this table of contents
//   remote_modules.hpp  RemoteModules: https: imports (redirects, media types, cache, lock)
//   media_type.hpp      MediaType from Content-Type and extension, as Deno decides it
//   auth_tokens.hpp     DENO_AUTH_TOKENS
//   url.hpp             Url: WHATWG URL parsing (ada, from libnode)

#include "bundler/remote/auth_tokens.hpp"
#include "bundler/remote/media_type.hpp"
#include "bundler/remote/remote_modules.hpp"
#include "bundler/remote/url.hpp"
