#!/usr/bin/env bash
# Installs everything the build needs, once. Idempotent: a warm tree returns at once.
# Debian packages go in normally, except V8: libnode108/libnode-dev conflict with the
# machine's Node.js, so they are unpacked into .deps/libnode and linked with an rpath.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
deps="$top/.deps"

# V8 (and ada, the URL parser inside it) from Debian's libnode108/libnode-dev, unpacked.
unpack_libnode() {
  if [[ ! -f $deps/libnode/usr/include/node/v8.h ]]; then
    echo "bootstrap: unpacking libnode108 + libnode-dev into $deps/libnode"
    mkdir -p "$deps/debs" && rm -rf "$deps/libnode"
    (cd "$deps/debs" && rm -f ./*.deb && apt-get download libnode108 libnode-dev >/dev/null)
    for deb in "$deps"/debs/*.deb; do dpkg -x "$deb" "$deps/libnode"; done
  fi
}

# `bootstrap.sh --fuzz` (make fuzz only): clang-14 and its libFuzzer/sanitizer runtimes
# (libclang-rt-14-dev), the headers fuzz/ compiles against, and libnode (the jsr_meta and
# import_map targets link its ada) with the libraries it loads. Nothing else is touched.
if [[ ${1:-} == --fuzz ]]; then
  fuzz_packages=(clang-14 libclang-rt-14-dev cmake make pkg-config
    libssl-dev libboost1.81-dev nlohmann-json3-dev libtoml11-dev libarchive-dev node-llhttp
    libuv1 libicu72 libc-ares2 libnghttp2-14 libbrotli1)
  missing=()
  for p in "${fuzz_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if ((${#missing[@]})); then
    echo "bootstrap: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq ||
      echo "bootstrap: apt-get update failed; trying the package lists already here" >&2
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  unpack_libnode
  exit 0
fi
stamp="$deps/bootstrap.stamp"
want="$(cat "$0" "$top/package-lock.json" "$top/tests/oracles/package-lock.json" 2>/dev/null | sha256sum | cut -d' ' -f1)"
if [[ -f $stamp && "$(cat "$stamp")" == "$want" && -d $top/node_modules && -d $top/tests/oracles/node_modules ]]; then
  exit 0
fi

packages=(
  g++ cmake make clang-format pkg-config
  libboost1.81-dev libssl-dev libcurl4-openssl-dev zlib1g-dev libarchive-dev libc-ares-dev
  libcli11-dev libtoml11-dev nlohmann-json3-dev doctest-dev libcpp-httplib-dev
  node-llhttp  # serve's request parser: llhttp's C sources, compiled in (src/server/request_parser.cpp)
  libuv1 libicu72 libc-ares2 libnghttp2-14 libbrotli1
  nodejs npm wrk
  python3-jsonschema python3-h2 libxml2-utils
  zsh fish  # tests/completions: the generated scripts loaded in each shell
  ca-certificates tzdata  # what sbfn deploy copies into the image beside the binary
  skopeo umoci  # tests/deploy: the OCI image layout read and unpacked by independent tools
  lcov  # tests/tester/coverage_test.py: sbfn test --coverage's lcov.info read by lcov and genhtml
  # tests/registry: a real registry (installing it may also start Debian's own on :5000;
  # the tests run theirs on free ports), an independent client, htpasswd
  docker-registry apache2-utils
  # tests/remote: serve's /metrics read by an independent parser, certificates for HTTPS
  python3-prometheus-client openssl
  libbrotli-dev libzstd-dev  # node:zlib's brotli and zstd (src/runtime/api/op_node_zlib.cpp)
  dpkg-dev  # make package: dpkg-shlibdeps finds the .deb's dependencies (tests/install)
  python3-yaml  # tests/deploy/test_emit.py: a second YAML parser for the Kubernetes manifests
  postgresql  # tests/packages/postgres_test.py: a real PostgreSQL for npm:postgres and npm:pg
  python3-botocore  # tests/specs aws_sigv4 upstreams: AWS's Python signer checks what the JS SDK signed
  libseccomp-dev  # tests/seccomp: packaging/seccomp.json applied to sbfn serve with libseccomp
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# The machine's own node/npm may come from elsewhere than Debian; only install if absent.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs/}")
  missing=("${missing[@]/npm/}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
if ((${#missing[@]})); then
  echo "bootstrap: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # A failed update is reported, not hidden: the install below may still succeed from the
  # package lists already here, and if it does not, this line says why.
  if ! apt-get update -qq; then
    echo "bootstrap: apt-get update failed (see above); trying the package lists already on this machine" >&2
  fi
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

unpack_libnode

echo "bootstrap: npm ci"
(cd "$top" && npm ci --no-audit --no-fund --loglevel=error)
# The tests' independent oracles (AWS's own SigV4 signer, the Kubernetes schemas, run with
# Node): tests/oracles.
echo "bootstrap: npm ci in tests/oracles"
(cd "$top/tests/oracles" && npm ci --no-audit --no-fund --loglevel=error)
mkdir -p "$deps" && echo "$want" >"$stamp"
