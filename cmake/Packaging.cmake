# `make package`: the relocatable install (src/cli's install rules: bin/sbfn, V8 under
# lib/sbfn, run path $ORIGIN/../lib/sbfn) packed by CPack as a .deb (installed under /usr)
# and a .tar.gz (a sbfn-<version>-linux-amd64/ folder to put anywhere). Packing runs the
# install rules only; it never builds.
set(CPACK_PACKAGE_NAME sbfn)
set(CPACK_PACKAGE_VENDOR sbfn)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Supabase Edge Functions without Docker: serve, test, bundle and deploy in one binary")
set(CPACK_PACKAGE_DESCRIPTION
    "sbfn runs Supabase Edge Functions on an embedded V8 (serve with hot reload, JWT checks \
and env files), runs their Deno.test suites, bundles jsr:/npm:/https: imports into one \
artifact, and deploys them as OCI images to any registry or to a remote sbfn serve.")
set(CPACK_PACKAGE_FILE_NAME "sbfn-${PROJECT_VERSION}-linux-amd64")
set(CPACK_GENERATOR "DEB;TGZ")
set(CPACK_PACKAGE_CHECKSUM SHA256)

set(CPACK_DEBIAN_PACKAGE_NAME sbfn)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # sbfn_<version>_amd64.deb
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE amd64)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "sbfn maintainers <maintainers@users.noreply.b-seed-891c0d1b.example>")
# Dependencies from the ELF files themselves (dpkg-shlibdeps): libcurl, OpenSSL, Boost's
# and V8's own Debian libraries (libuv1, libicu72, ...). V8 (libnode.so.108) is in the
# package, under lib/sbfn: that folder is private, so it is never a dependency.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS "${V8_LIBDIR}")
# What `sbfn deploy` copies into the image's runtime layer.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "ca-certificates, tzdata")
include(CPack)
