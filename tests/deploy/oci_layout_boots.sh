#!/usr/bin/env bash
# `sbfn deploy --oci-layout` end to end, checked by independent tools: the layout reads in
# Debian's skopeo (every digest as sbfn reported it), unpacks with Debian's umoci, and the
# unpacked root file system runs its entrypoint under chroot and answers hello-world over
# HTTP on 127.0.0.1 (so no shared library is missing). A second build gives the same
# digests, and --dry-run reports them while writing nothing.
#   oci_layout_boots.sh <sbfn> <source dir>
# Needs root (umoci unpack and chroot); exits 77 (skipped) otherwise.
set -euo pipefail
sbfn=$(realpath "$1")
source_dir=$(realpath "$2")
if [[ $(id -u) != 0 ]]; then
  echo "SKIP: umoci unpack and chroot need root"
  exit 77
fi
for tool in skopeo umoci chroot python3; do
  command -v $tool >/dev/null || { echo "FAIL: $tool is not installed (scripts/bootstrap.sh installs it)"; exit 1; }
done

chroot=$(command -v chroot)  # env -i below clears PATH
scratch=$(mktemp -d)
server_pid=""
cleanup() {
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$scratch"
}
trap cleanup EXIT
failures=0
check() { # what expected actual
  if [[ $2 == "$3" ]]; then echo "ok   $1"; else echo "FAIL $1: expected \"$2\", got \"$3\""; failures=$((failures + 1)); fi
}
json() { # file python-expression-on-d
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# A project with Supabase's hello-world, no network (registries point at a closed port).
mkdir -p "$scratch/project/supabase/functions" "$scratch/home"
cp -r "$source_dir/functions/hello-world" "$scratch/project/supabase/functions/"
export HOME="$scratch/home" SBFN_CACHE_DIR="$scratch/cache" NO_COLOR=1
export NPM_CONFIG_REGISTRY=http://127.0.0.1:9/ JSR_URL=http://127.0.0.1:9/
unset SBFN_DEPLOY_IMAGE SBFN_DEPLOY_TO
cd "$scratch/project"

"$sbfn" deploy --oci-layout "$scratch/layout:v1" --no-verify-jwt --output json > "$scratch/first.json"
# Built again from nothing (an empty cache), so that equal digests prove determinism...
SBFN_CACHE_DIR="$scratch/cache-2" "$sbfn" deploy --oci-layout "$scratch/again:v1" --no-verify-jwt \
  --output json > "$scratch/second.json"
# ...and once with the runtime layer from the cache the first build left.
"$sbfn" deploy --dry-run --oci-layout "$scratch/dry:v1" --no-verify-jwt --output json > "$scratch/dry.json"
check "the first build cached its runtime layer" "1" \
  "$(ls "$scratch/cache/layers/"*.tar.gz 2>/dev/null | wc -l | tr -d ' ')"
manifest=$(json "$scratch/first.json" 'd["manifest"]["digest"]')
check "a second build gives the same manifest digest" "$manifest" "$(json "$scratch/second.json" 'd["manifest"]["digest"]')"
check "a second build gives the same layer digests" \
  "$(json "$scratch/first.json" '[l["digest"] for l in d["layers"]]')" \
  "$(json "$scratch/second.json" '[l["digest"] for l in d["layers"]]')"
check "the dry run reports the same manifest digest" "$manifest" "$(json "$scratch/dry.json" 'd["manifest"]["digest"]')"
check "the dry run wrote nothing" "no" "$([[ -e $scratch/dry ]] && echo yes || echo no)"
check "the layouts are byte-identical" "" "$(diff -r "$scratch/layout" "$scratch/again")"

# skopeo reads the layout: platform, layers and config, as sbfn reported them.
skopeo inspect "oci:$scratch/layout:v1" > "$scratch/inspect.json"
check "skopeo: architecture" "amd64" "$(json "$scratch/inspect.json" 'd["Architecture"]')"
check "skopeo: os" "linux" "$(json "$scratch/inspect.json" 'd["Os"]')"
check "skopeo: layers" "$(json "$scratch/first.json" '[l["digest"] for l in d["layers"]]')" \
  "$(json "$scratch/inspect.json" 'd["Layers"]')"
check "skopeo: function label" "hello-world" "$(json "$scratch/inspect.json" 'd["Labels"]["dev.sbfn.functions"]')"
check "skopeo: verify_jwt label (--no-verify-jwt)" "false" \
  "$(json "$scratch/inspect.json" 'd["Labels"]["dev.sbfn.function.hello-world.verify_jwt"]')"
skopeo inspect --raw "oci:$scratch/layout:v1" > "$scratch/manifest.json"
check "skopeo: the manifest's digest" "$manifest" "sha256:$(sha256sum < "$scratch/manifest.json" | cut -d' ' -f1)"
skopeo inspect --raw --config "oci:$scratch/layout:v1" > "$scratch/config.json"
check "skopeo: config digest" "$(json "$scratch/first.json" 'd["config"]["digest"]')" \
  "sha256:$(sha256sum < "$scratch/config.json" | cut -d' ' -f1)"
check "skopeo: entrypoint" "['/usr/local/bin/sbfn', 'serve', '--bundle', '/functions', '--host', '0.0.0.0', '--port', '8000']" \
  "$(json "$scratch/config.json" 'd["config"]["Entrypoint"]')"
check "skopeo: diff_ids" "$(json "$scratch/first.json" '[l["diff_id"] for l in d["layers"]]')" \
  "$(json "$scratch/config.json" 'd["rootfs"]["diff_ids"]')"

# umoci unpacks it (checking each layer's digest and diff_id as it goes).
umoci unpack --image "$scratch/layout:v1" "$scratch/bundle" > "$scratch/umoci.log" 2>&1 ||
  { cat "$scratch/umoci.log"; echo "FAIL umoci unpack"; exit 1; }
rootfs="$scratch/bundle/rootfs"
check "umoci: /usr/local/bin/sbfn is there" "yes" "$([[ -x $rootfs/usr/local/bin/sbfn ]] && echo yes || echo no)"
check "umoci: /functions/hello-world.sbfn is there" "yes" "$([[ -f $rootfs/functions/hello-world.sbfn ]] && echo yes || echo no)"
check "umoci: /tmp is 1777" "1777" "$(stat -c %a "$rootfs/tmp")"

# The entrypoint, inside the unpacked root file system only.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
env -i PATH=/usr/local/bin:/usr/bin:/bin "$chroot" "$rootfs" \
  /usr/local/bin/sbfn serve --bundle /functions --host 127.0.0.1 --port "$port" > "$scratch/serve.log" 2>&1 &
server_pid=$!
answer=""
for _ in $(seq 1 600); do
  if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
  answer=$(python3 - "$port" <<'PY' 2>/dev/null || true
import sys, urllib.request
req = urllib.request.Request(f"http://127.0.0.1:{sys.argv[1]}/functions/v1/hello-world",
                             data=b'{"name":"Functions"}', headers={"Content-Type": "application/json"})
print(urllib.request.urlopen(req, timeout=5).read().decode())
PY
)
  [[ -n $answer ]] && break
  sleep 0.1
done
check "chroot: hello-world answers from the image" '{"message":"Hello Functions!"}' "$answer"
if [[ -z $answer ]]; then echo "--- serve output ---"; cat "$scratch/serve.log"; fi
health=$(env -i "$chroot" "$rootfs" /usr/local/bin/sbfn healthcheck "http://127.0.0.1:$port/health" 2>&1 && echo healthy || echo unhealthy)
check "chroot: the image's healthcheck passes" "healthy" "$health"
kill "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=""
unhealthy=$(env -i "$chroot" "$rootfs" /usr/local/bin/sbfn healthcheck "http://127.0.0.1:$port/health" >/dev/null 2>&1 && echo healthy || echo unhealthy)
check "chroot: the healthcheck fails once the server is gone" "unhealthy" "$unhealthy"

if ((failures)); then echo "$failures check(s) failed"; exit 1; fi
echo "all checks passed"
