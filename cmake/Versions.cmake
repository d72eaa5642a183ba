# Every version string sbfn reports or keys a cache on, from one place: the Deno API level we
# present and the pinned compilers' own package.json (the V8 version comes from V8 itself,
# when the snapshot is built). Written into gen/versions.js (imported by the runtime's
# JavaScript as "sbfn:versions") and gen/versions.hpp (for C++), so no version is ever
# typed twice.

# The Deno release whose APIs sbfn presents (Deno.version.deno, navigator.userAgent), as
# Supabase's edge runtime reports it.
set(SBFN_DENO_VERSION "2.1.4")

function(sbfn_package_version out package)
  set(file "${CMAKE_SOURCE_DIR}/node_modules/${package}/package.json")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${file}")  # npm ci re-reads it
  file(READ "${file}" json)
  string(JSON version GET "${json}" version)
  set(${out} "${version}" PARENT_SCOPE)
endfunction()

sbfn_package_version(SBFN_TYPESCRIPT_VERSION typescript)
sbfn_package_version(SBFN_SUCRASE_VERSION sucrase)
sbfn_package_version(SBFN_ES_MODULE_LEXER_VERSION es-module-lexer)

set(SBFN_GEN_DIR "${CMAKE_BINARY_DIR}/gen")
configure_file("${CMAKE_SOURCE_DIR}/cmake/versions.js.in" "${SBFN_GEN_DIR}/versions.js" @ONLY)
configure_file("${CMAKE_SOURCE_DIR}/cmake/versions.hpp.in" "${SBFN_GEN_DIR}/versions.hpp" @ONLY)
