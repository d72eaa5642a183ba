# Every dependency becomes a `dep_<name>` target. All come from Debian packages that
# scripts/bootstrap.sh installs; V8 comes from libnode108 unpacked into .deps/libnode.
find_package(Threads REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(ZLIB REQUIRED)
find_package(Boost 1.81 REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(doctest REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBCURL REQUIRED IMPORTED_TARGET libcurl>=7.88)
pkg_check_modules(LIBCARES REQUIRED IMPORTED_TARGET libcares>=1.18)
include(FindV8)

add_library(dep_boost INTERFACE)
target_link_libraries(dep_boost INTERFACE Boost::headers Threads::Threads)
# (Beast 1.81 always uses boost::core::string_view, which converts to std::string_view.)
target_compile_definitions(dep_boost INTERFACE BOOST_ASIO_NO_DEPRECATED)

add_library(dep_cli11 INTERFACE)
find_path(CLI11_INCLUDE_DIR CLI/CLI.hpp REQUIRED)
target_include_directories(dep_cli11 SYSTEM INTERFACE "${CLI11_INCLUDE_DIR}")

add_library(dep_toml11 INTERFACE)
find_path(TOML11_INCLUDE_DIR toml.hpp REQUIRED)
target_include_directories(dep_toml11 SYSTEM INTERFACE "${TOML11_INCLUDE_DIR}")

add_library(dep_json INTERFACE)
target_link_libraries(dep_json INTERFACE nlohmann_json::nlohmann_json)

add_library(dep_crypto INTERFACE)
target_link_libraries(dep_crypto INTERFACE OpenSSL::SSL OpenSSL::Crypto)

# fetch's transfers (src/runtime/fetch): libcurl's multi interface on the worker's loop.
add_library(dep_curl INTERFACE)
target_link_libraries(dep_curl INTERFACE PkgConfig::LIBCURL)

# npm tarballs (src/bundler/npm): gzip'd tar read with libarchive.
pkg_check_modules(LIBARCHIVE REQUIRED IMPORTED_TARGET libarchive)
add_library(dep_archive INTERFACE)
target_link_libraries(dep_archive INTERFACE PkgConfig::LIBARCHIVE)

# Fixture servers inside unit tests (registries, upstreams); never on the serving path.
pkg_check_modules(CPPHTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
add_library(dep_httplib INTERFACE)
target_link_libraries(dep_httplib INTERFACE PkgConfig::CPPHTTPLIB)

# Deno.resolveDns (src/runtime/dns): c-ares, its sockets watched by the worker's loop.
add_library(dep_cares INTERFACE)
target_link_libraries(dep_cares INTERFACE PkgConfig::LIBCARES)

# node:zlib's brotli and zstd (src/runtime/api/op_node_zlib.cpp): Debian's libbrotli-dev
# and libzstd-dev.
pkg_check_modules(LIBBROTLI REQUIRED IMPORTED_TARGET libbrotlienc libbrotlidec)
pkg_check_modules(LIBZSTD REQUIRED IMPORTED_TARGET libzstd)
add_library(dep_brotli INTERFACE)
target_link_libraries(dep_brotli INTERFACE PkgConfig::LIBBROTLI PkgConfig::LIBZSTD)

# The request parser of `sbfn serve` (src/server/request_parser.cpp): llhttp, Node's HTTP/1
# parser, compiled from the C sources Debian's node-llhttp ships (no library is packaged).
find_path(LLHTTP_INCLUDE_DIR llhttp.h PATHS /usr/share/include/llhttp REQUIRED)
find_path(LLHTTP_SOURCE_DIR llhttp.c PATHS /usr/share/llhttp REQUIRED NO_DEFAULT_PATH)
add_library(dep_llhttp STATIC "${LLHTTP_SOURCE_DIR}/llhttp.c" "${LLHTTP_SOURCE_DIR}/api.c"
                              "${LLHTTP_SOURCE_DIR}/http.c")
target_include_directories(dep_llhttp SYSTEM PUBLIC "${LLHTTP_INCLUDE_DIR}")
set_target_properties(dep_llhttp PROPERTIES POSITION_INDEPENDENT_CODE ON C_STANDARD 99)
target_compile_options(dep_llhttp PRIVATE -w)  # generated code: its warnings are not ours
# Not its strict mode, which refuses a request target with bytes over 0x7f (served by
# Beast, Deno and Node); a field name that is no token is refused by RequestParser itself.
