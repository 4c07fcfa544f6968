#!/usr/bin/env bash
# Where a full build spends its instructions: the synthetic corpus (N articles per language)
# built once under valgrind's callgrind (instruction counts, repeatable on a busy machine; one
# rayon thread so the counts do not depend on scheduling), then the costliest functions,
# inclusive, as shares of the whole.
#
# usage: tests/bench/profile.sh [N] [ROWS]     (defaults: 500 40; run from the project root)
# environment: PROFILE_TARGET (default /tmp/helpcenter-profile: a release build with symbols and
# line tables, kept apart from target/ so that the normal release build is not rebuilt),
# BENCH_DIR (default /tmp/helpcenter-bench). Needs valgrind.
set -euo pipefail
N=${1:-500}
ROWS=${2:-40}
PROFILE_TARGET=${PROFILE_TARGET:-/tmp/helpcenter-profile}
BENCH_DIR=${BENCH_DIR:-/tmp/helpcenter-bench}
root=$(pwd)
command -v valgrind >/dev/null || { echo "valgrind not found: apt-get install -y valgrind" >&2; exit 2; }

CARGO_TARGET_DIR=$PROFILE_TARGET CARGO_PROFILE_RELEASE_STRIP=false \
  CARGO_PROFILE_RELEASE_DEBUG=line-tables-only cargo build --release --locked -p helpcenter >&2
corpus=$BENCH_DIR/n$N
if [ ! -f "$corpus/manifest.json" ]; then
  mkdir -p "$corpus"
  python3 "$root/../shared/bench/gen_corpus.py" --out "$corpus" -n "$N" --force >/dev/null
fi
cp "$root/tests/bench/helpcenter.yaml" "$corpus/content/helpcenter.yaml"
rm -rf "$corpus/site" && cp -r "$root/site" "$corpus/site"
out=$BENCH_DIR/callgrind-n$N.out
(cd "$corpus" && rm -rf profile-out && RAYON_NUM_THREADS=1 valgrind --tool=callgrind \
  --callgrind-out-file="$out" "$PROFILE_TARGET/release/helpcenter" build --out profile-out 2>&1 \
  | grep -E "refs|built")
# Each function once, with its inclusive share; the pipeline's own steps and the crates they use.
callgrind_annotate --inclusive=yes "$out" | sed -n '/file:function/,$p' \
  | grep -oE "^ *[0-9,]+ \( *[0-9.]+%\)  .*:[^ ]+" \
  | sed -E 's|^( *[0-9,]+ \( *[0-9.]+%\))  [^:]*:|\1 |' \
  | grep -E " (helpcenter|tera|pagefind|pulldown_cmark|flate2|zlib_rs|sha2|minicbor|serde_json|serde_norway)::" \
  | awk '!seen[$NF]++' | head -n "$ROWS"
echo "callgrind data: $out (callgrind_annotate --tree=caller $out for callers)"
