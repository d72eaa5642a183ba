#!/usr/bin/env bash
# `cmake --install` gives a tree that runs from anywhere: P/bin/sbfn with run path
# $ORIGIN/../lib/sbfn and V8 (the one library that is not Debian's) under P/lib/sbfn. The
# tree is moved after the install; sbfn still starts, loads V8 from the moved tree, and
# `sbfn deploy` from it finds V8 through $ORIGIN for the image's runtime layer.
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

if ((failures)); then echo "$failures check(s) failed"; exit 1; fi
echo "all checks passed"
