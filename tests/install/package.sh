#!/usr/bin/env bash
# `make package`: CPack's .deb and .tar.gz of the relocatable install. The .deb is read
# with dpkg-deb (name, version, architecture, dependencies from dpkg-shlibdeps, which must
# name Debian's libraries and never the bundled V8), unpacked into a scratch root with
# `dpkg -x` and run from there; the .tar.gz is extracted and run too. Packs into a scratch
# folder from the build tree as it is (cpack only runs the install rules: nothing builds),
# or takes `make package`'s files from the build folder when they are newer than sbfn.
#   package.sh <build dir> <source dir>
set -euo pipefail
build=$(realpath "$1")
source_dir=$(realpath "$2")
for tool in cpack dpkg-deb dpkg-shlibdeps; do
  command -v $tool >/dev/null || { echo "FAIL: $tool is not installed (scripts/bootstrap.sh installs it)"; exit 1; }
done
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failures=0
check() { # what expected actual
  if [[ $2 == "$3" ]]; then echo "ok   $1"; else echo "FAIL $1: expected \"$2\", got \"$3\""; failures=$((failures + 1)); fi
}
contains() { # what needle haystack
  if [[ $3 == *"$2"* ]]; then echo "ok   $1"; else echo "FAIL $1: \"$2\" not in \"$3\""; failures=$((failures + 1)); fi
}
version=$(sed -n 's/^project(sbfn VERSION \([0-9.]*\).*/\1/p' "$source_dir/CMakeLists.txt")

# `make package`'s own output when it is newer than the binary; else packed here.
out="$build"
if [[ ! $build/sbfn_${version}_amd64.deb -nt $build/sbfn || ! $build/sbfn-${version}-linux-amd64.tar.gz -nt $build/sbfn ]]; then
  out="$scratch/out"
  started=$(date +%s.%N)
  (cd "$build" && cpack --config CPackConfig.cmake -B "$out") > "$scratch/cpack.log" 2>&1 ||
    { cat "$scratch/cpack.log"; echo "FAIL cpack"; exit 1; }
  echo "packed in $(python3 -c "print(round($(date +%s.%N) - $started, 1))") s"
fi
deb="$out/sbfn_${version}_amd64.deb"
tgz="$out/sbfn-${version}-linux-amd64.tar.gz"
check "the .deb is there" "yes" "$([[ -f $deb ]] && echo yes || echo no)"
check "the .tar.gz is there" "yes" "$([[ -f $tgz ]] && echo yes || echo no)"
check "the .tar.gz has its sha256 beside it" "OK" \
  "$(cd "$out" && sha256sum -c "$(basename "$tgz").sha256" 2>&1 | sed 's/.*: //')"

# What dpkg says of it.
check "Package" "sbfn" "$(dpkg-deb -f "$deb" Package)"
check "Version" "$version" "$(dpkg-deb -f "$deb" Version)"
check "Architecture" "amd64" "$(dpkg-deb -f "$deb" Architecture)"
contains "Maintainer" "sbfn maintainers" "$(dpkg-deb -f "$deb" Maintainer)"
contains "Description" "Supabase Edge Functions" "$(dpkg-deb -f "$deb" Description)"
depends=$(dpkg-deb -f "$deb" Depends)
for library in libc6 libcurl4 libssl3 libuv1 libicu72; do
  contains "Depends names $library (dpkg-shlibdeps)" "$library" "$depends"
done
check "Depends never names the bundled V8" "" "$(grep -o 'libnode[^,]*' <<<"$depends" || true)"
contains "Recommends what deploy copies into images" "ca-certificates, tzdata" "$(dpkg-deb -f "$deb" Recommends)"
contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
contains "the .deb holds /usr/bin/sbfn" "./usr/bin/sbfn" "$contents"
contains "the .deb holds V8 under /usr/lib/sbfn" "./usr/lib/sbfn/libnode.so.108" "$contents"

# Unpacked into a scratch root (as dpkg -i would lay it out), it runs from there.
dpkg -x "$deb" "$scratch/root"
sbfn="$scratch/root/usr/bin/sbfn"
check "the unpacked sbfn runs" "sbfn $version" "$("$sbfn" --version | cut -d' ' -f1-2)"
check "it loads V8 from beside itself" "$scratch/root/usr/bin/../lib/sbfn/libnode.so.108" \
  "$(ldd "$sbfn" | sed -n 's/.*libnode.so.108 => \(.*\) (0x.*/\1/p')"
check "its run path is relative" "[\$ORIGIN/../lib/sbfn]" \
  "$(readelf -d "$sbfn" | sed -n 's/.*(RUNPATH).*: //p')"

# The .tar.gz: one folder, run where it is extracted.
mkdir "$scratch/tar"
tar -xzf "$tgz" -C "$scratch/tar"
check "the archive holds one folder" "sbfn-${version}-linux-amd64" "$(ls "$scratch/tar")"
tsbfn="$scratch/tar/sbfn-${version}-linux-amd64/bin/sbfn"
check "the extracted sbfn runs" "sbfn $version" "$("$tsbfn" --version | cut -d' ' -f1-2)"
check "it loads V8 from the archive" "$scratch/tar/sbfn-${version}-linux-amd64/bin/../lib/sbfn/libnode.so.108" \
  "$(ldd "$tsbfn" | sed -n 's/.*libnode.so.108 => \(.*\) (0x.*/\1/p')"

# And it does real work: a function bundled by the packaged binary.
mkdir -p "$scratch/project/supabase/functions" "$scratch/home"
cp -r "$source_dir/functions/hello-world" "$scratch/project/supabase/functions/"
(cd "$scratch/project" && HOME="$scratch/home" SBFN_CACHE_DIR="$scratch/cache" \
  NPM_CONFIG_REGISTRY=http://127.0.0.1:9/ JSR_URL=http://127.0.0.1:9/ \
  "$sbfn" bundle hello-world -o "$scratch/bundled" > "$scratch/bundle.log" 2>&1) ||
  { cat "$scratch/bundle.log"; failures=$((failures + 1)); }
check "the packaged sbfn bundles hello-world" "yes" "$([[ -s $scratch/bundled/hello-world.sbfn ]] && echo yes || echo no)"

if ((failures)); then echo "$failures check(s) failed"; exit 1; fi
echo "all checks passed"
