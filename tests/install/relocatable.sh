#!/usr/bin/env bash
# `cmake --install` gives a tree that runs from anywhere: P/bin/sbfn with run path
# $ORIGIN/../lib/sbfn and V8 (the one library that is not Debian's) under P/lib/sbfn. The
# tree is moved after the install; sbfn still starts, loads V8 from the moved tree, and
# `sbfn deploy` from it makes the image's runtime layer from the install: /usr/local/bin/sbfn
# with V8 under /usr/local/lib/sbfn, found through the same $ORIGIN run path (unpacked with
# umoci and run under chroot: needs root).
#   relocatable.sh <build dir> <source dir>
set -euo pipefail
build=$(realpath "$1")
source_dir=$(realpath "$2")
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failures=0
check() { # what expected actual
  if [[ $2 == "$3" ]]; then echo "ok   $1"; else echo "FAIL $1: expected \"$2\", got \"$3\""; failures=$((failures + 1)); fi
}

cmake --install "$build" --prefix "$scratch/installed" > "$scratch/install.log"
check "bin/sbfn is installed" "yes" "$([[ -x $scratch/installed/bin/sbfn ]] && echo yes || echo no)"
check "lib/sbfn/libnode.so.108 is installed" "yes" "$([[ -f $scratch/installed/lib/sbfn/libnode.so.108 ]] && echo yes || echo no)"
check "the run path is relative to the binary" "[\$ORIGIN/../lib/sbfn]" \
  "$(readelf -d "$scratch/installed/bin/sbfn" | sed -n 's/.*(RUNPATH).*: //p')"

mv "$scratch/installed" "$scratch/moved"
sbfn="$scratch/moved/bin/sbfn"
check "the moved tree starts" "sbfn " "$("$sbfn" --version | cut -c1-5)"
check "V8 comes from the moved tree" "$scratch/moved/bin/../lib/sbfn/libnode.so.108" \
  "$(ldd "$sbfn" | sed -n 's/.*libnode.so.108 => \(.*\) (0x.*/\1/p')"

mkdir -p "$scratch/project/supabase/functions" "$scratch/home"
cp -r "$source_dir/functions/hello-world" "$scratch/project/supabase/functions/"
cd "$scratch/project"
HOME="$scratch/home" SBFN_CACHE_DIR="$scratch/cache" NPM_CONFIG_REGISTRY=http://127.0.0.1:9/ JSR_URL=http://127.0.0.1:9/ \
  "$sbfn" deploy --dry-run --oci-layout out --output json > "$scratch/dry.json"
check "deploy from the moved tree builds both layers" "2" \
  "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["layers"]))' "$scratch/dry.json")"

HOME="$scratch/home" SBFN_CACHE_DIR="$scratch/cache" NPM_CONFIG_REGISTRY=http://127.0.0.1:9/ JSR_URL=http://127.0.0.1:9/ \
  "$sbfn" deploy --oci-layout "$scratch/layout:v1" > "$scratch/deploy.log" 2>&1 ||
  { cat "$scratch/deploy.log"; echo "FAIL deploy --oci-layout from the moved tree"; exit 1; }
if [[ $(id -u) != 0 ]]; then
  echo "SKIP: umoci unpack and chroot need root"
  exit 77
fi
umoci unpack --image "$scratch/layout:v1" "$scratch/bundle" > "$scratch/umoci.log" 2>&1 ||
  { cat "$scratch/umoci.log"; echo "FAIL umoci unpack"; exit 1; }
rootfs="$scratch/bundle/rootfs"
check "the image has V8 where the install has it" "yes" \
  "$([[ -f $rootfs/usr/local/lib/sbfn/libnode.so.108 ]] && echo yes || echo no)"
check "and not in the system folder" "no" \
  "$([[ -e $rootfs/usr/lib/x86_64-linux-gnu/libnode.so.108 ]] && echo yes || echo no)"
check "the image's sbfn is the installed one" "$(sha256sum < "$sbfn")" "$(sha256sum < "$rootfs/usr/local/bin/sbfn")"
# ld.so finds $ORIGIN through /proc/self/exe, which every container runtime mounts.
mkdir -p "$rootfs/proc"
mount -t proc proc "$rootfs/proc"
trap 'umount "$rootfs/proc" 2>/dev/null || true; rm -rf "$scratch"' EXIT
check "it runs in the image, V8 found through \$ORIGIN" "sbfn " \
  "$(env -i "$(command -v chroot)" "$rootfs" /usr/local/bin/sbfn --version | cut -c1-5)"
umount "$rootfs/proc"

if ((failures)); then echo "$failures check(s) failed"; exit 1; fi
echo "all checks passed"
