#!/usr/bin/env bash
# docs/security.md's multi-tenant setup, checked: `sbfn serve --bundle` runs with the root
# file system read-only and only a tmpfs at /tmp writable (docker run --read-only --tmpfs
# /tmp, Kubernetes readOnlyRootFilesystem), as an unprivileged user: it starts, a function
# writes and reads its /tmp, /health answers, and SIGTERM ends it with status 0.
#   read_only_root.sh <sbfn>
# Needs root for the private mount namespace (unshare --mount); exits 77 (skipped) otherwise.
set -euo pipefail
sbfn=$(realpath "$1")
if [[ $(id -u) != 0 ]] || ! command -v unshare >/dev/null || ! command -v setpriv >/dev/null; then
  echo "SKIP: needs root, unshare and setpriv"
  exit 77
fi
# Outside /tmp, which the namespace covers with a tmpfs.
scratch=$(mktemp -d /var/tmp/sbfn-ro-XXXXXX)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/project/functions/scratch" "$scratch/log"
# The binary and the libraries it takes from outside the system's folders (Debian's
# libnode, extracted in the build tree) too: where they are may be under /tmp (a clone
# there), which the namespace hides.
mkdir -p "$scratch/lib"
cp "$sbfn" "$scratch/sbfn"
ldd "$sbfn" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | while read -r lib; do
  case $lib in /usr/* | /lib/* | /lib64/*) ;; *) cp "$lib" "$scratch/lib/" ;; esac
done
sbfn="$scratch/sbfn"
cat > "$scratch/project/functions/scratch/index.ts" <<'TS'
Deno.serve(async () => {
  await Deno.writeTextFile("/tmp/note.txt", "written under a read-only root")
  return new Response(await Deno.readTextFile("/tmp/note.txt"))
})
TS
(cd "$scratch/project" && SBFN_CACHE_DIR="$scratch/cache" "$sbfn" bundle -o "$scratch/dist" >/dev/null)
chmod -R a+rX "$scratch"
chmod a+rwx "$scratch/log"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# In the namespace: /tmp a fresh tmpfs, then / read-only; sbfn as nobody, no HOME.
result=$(unshare --mount bash -s "$sbfn" "$scratch" "$port" <<'SH'
set -u
sbfn=$1 scratch=$2 port=$3
mount --make-rprivate /
mount -t tmpfs -o size=64m,mode=1777 tmpfs /tmp
mount -o remount,ro,bind /
mount -t tmpfs -o size=1m,mode=0777 tmpfs "$scratch/log"  # the one place the check writes
if touch /ro-check 2>/dev/null; then echo "root is writable"; exit 1; fi
cd /
setpriv --reuid=65534 --regid=65534 --clear-groups env -i PATH=/usr/bin:/bin LD_LIBRARY_PATH="$scratch/lib" \
  "$sbfn" serve --bundle "$scratch/dist" --port "$port" --no-verify-jwt >"$scratch/log/serve.log" 2>&1 &
pid=$!
for _ in $(seq 100); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && break
  sleep 0.1
done
fetch() { python3 -c "import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())" "$1" 2>&1; }
echo "function: $(fetch "http://127.0.0.1:$port/functions/v1/scratch")"
echo "health: $(fetch "http://127.0.0.1:$port/health")"
kill -TERM $pid
wait $pid
echo "exit: $?"
echo "--- serve's output"
cat "$scratch/log/serve.log"
SH
) || true
echo "$result"
failures=0
for want in "function: written under a read-only root" 'health: {"message":"ok"}' "exit: 0"; do
  if grep -qxF "$want" <<<"$result"; then echo "ok   $want"; else echo "FAIL missing: $want"; failures=$((failures + 1)); fi
done
exit $((failures > 0))
