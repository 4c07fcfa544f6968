#!/usr/bin/env bash
# Coverage-guided fuzzing of every parser of untrusted text (cargo fuzz, libFuzzer; nightly Rust).
# Not part of tests/run: it needs nightly and takes minutes per target.
#
#   tests/fuzz.sh              # every target for 60 s, one after the other
#   tests/fuzz.sh 600          # every target for 600 s
#   tests/fuzz.sh 30 article   # chosen targets only
#
# It installs cargo-fuzz when missing, writes each target's seed corpus from the fixtures
# (fuzz/corpus/<target>/, git-ignored; libFuzzer adds what it finds there), runs the targets
# niced, one at a time, and prints per target: executions, exec/s, libFuzzer's last `cov:` and
# `ft:`, its corpus (inputs/bytes) and the crashes (saved in fuzz/artifacts/<target>/; reproduce
# one with `cargo +nightly fuzz run <target> <file>`, shrink it with `cargo +nightly fuzz tmin`).
# It exits non-zero when a target crashed. Logs go to a temporary folder it names.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FUZZ="$ROOT/fuzz"
SECONDS_EACH="${1:-60}"
shift || true
TARGETS=(request_json request_form request_multipart handle worker_stream article config search)
if [[ $# -gt 0 ]]; then TARGETS=("$@"); fi
WORK="$(mktemp -d "${TMPDIR:-/tmp}/helpcenter-fuzz.XXXXXX")"
FAILED=0
BIN="$FUZZ/target/$(rustc -vV | sed -n 's/^host: //p')/release"

log() { printf '==> %s\n' "$*" >&2; }

setup() {
  if ! rustup toolchain list | grep -q '^nightly'; then
    log "cargo fuzz needs a nightly toolchain: rustup toolchain install nightly"; return 1
  fi
  if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    log "installing cargo-fuzz"
    cargo install --locked cargo-fuzz </dev/null
  fi
}

# --- seeds: the fixtures, as each target reads its input ------------------------------------
# Every seed file is named by its content's hash, so re-seeding never duplicates.
seed_file() { # TARGET, the seed on stdin
  local tmp="$WORK/seed"
  cat >"$tmp"
  mv "$tmp" "$FUZZ/corpus/$1/seed-$(sha256sum "$tmp" | cut -c1-16)"
}

seed() {
  local target dir file
  for target in "${TARGETS[@]}"; do mkdir -p "$FUZZ/corpus/$target"; done
  for dir in "$FUZZ"/seeds/*/; do
    target="$(basename "$dir")"
    [[ -d "$FUZZ/corpus/$target" ]] || continue
    for file in "$dir"*; do seed_file "$target" <"$file"; done
  done
  # Articles (also the tokenizer's text: its structured input reads any bytes).
  while IFS= read -r -d '' file; do
    [[ -d "$FUZZ/corpus/article" ]] && seed_file article <"$file"
    [[ -d "$FUZZ/corpus/search" ]] && seed_file search <"$file"
  done < <(find "$ROOT/content" "$ROOT/tests/fixtures" -name '*.md' -size -16k -print0)
  # The config target's first byte picks the file kind: even helpcenter.yaml, odd UI strings.
  if [[ -d "$FUZZ/corpus/config" ]]; then
    while IFS= read -r -d '' file; do
      { printf '\0'; cat "$file"; } | seed_file config
    done < <(find "$ROOT/content" "$ROOT/tests/fixtures" -name helpcenter.yaml -print0)
    for file in "$ROOT"/site/i18n/*.yaml; do
      { printf '\1'; cat "$file"; } | seed_file config
    done
  fi
}

# --- per target: its dictionary (the files joined) and its largest input --------------------
dicts() {
  case "$1" in
    request_json) echo json ;;
    request_form | request_multipart) echo form ;;
    handle) echo http json form ;;
    worker_stream) echo json ;;
    article) echo yaml markdown ;;
    config) echo yaml ;;
    search) echo markdown ;;
  esac
}

max_len() {
  case "$1" in
    # requests: the contract's 64 KiB body limit (multipart a little more, for its files)
    request_json | request_form) echo 65536 ;;
    request_multipart | handle) echo 131072 ;;
    worker_stream | article) echo 65536 ;;
    config | search) echo 16384 ;;
  esac
}

run_target() { # TARGET
  local target="$1" dict="$WORK/$1.dict" name
  : >"$dict"
  for name in $(dicts "$target"); do cat "$FUZZ/dict/$name.dict" >>"$dict"; done
  log "fuzzing $target for ${SECONDS_EACH}s"
  touch "$WORK/$target.start"
  local status=0
  mkdir -p "$FUZZ/artifacts/$target"
  # The binary `cargo fuzz build` made, run as `cargo fuzz run` would (without rebuilding first,
  # so editing the code while a long run goes on changes nothing of it).
  nice -n 19 "$BIN/$target" -artifact_prefix="$FUZZ/artifacts/$target/" \
    -max_total_time="$SECONDS_EACH" -max_len="$(max_len "$target")" -dict="$dict" \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$FUZZ/corpus/$target" \
    </dev/null >"$WORK/$target.log" 2>&1 || status=$?
  summarise "$target" "$status"
}

# One row: libFuzzer's final stats and last status line (`#N ... cov: C ft: F corp: ...`).
summarise() { # TARGET STATUS
  local log="$WORK/$1.log" last execs rate cov ft corpus crashes
  last="$(grep -E '^#[0-9]+' "$log" | tail -1 || true)"
  execs="$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo "${last%% *}")"
  rate="$(grep -oE 'stat::average_exec_per_sec: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo '?')"
  cov="$(grep -oE 'cov: [0-9]+' <<<"$last" | grep -oE '[0-9]+' || echo '?')"
  ft="$(grep -oE 'ft: [0-9]+' <<<"$last" | grep -oE '[0-9]+' || echo '?')"
  # libFuzzer's count (inputs kept for their coverage, and their size), not the folder's files
  corpus="$(grep -oE 'corp: [0-9]+/[0-9]+[a-zA-Z]*' <<<"$last" | cut -d' ' -f2 || echo '?')"
  # Only this run's: older crashes stay in fuzz/artifacts/ until someone looks at them.
  crashes="$(find "$FUZZ/artifacts/$1" -type f -newer "$WORK/$1.start" 2>/dev/null | wc -l)"
  if [[ "$2" -ne 0 || "$crashes" -gt 0 ]]; then
    log "$1 stopped with status $2 ($crashes crash files): see $log"
    FAILED=1
  fi
  printf '%-18s %12s %8s %7s %8s %12s %8s\n' "$1" "${execs#\#}" "$rate" "$cov" "$ft" "$corpus" "$crashes" >>"$WORK/summary"
}

main() {
  setup
  log "building the targets (nightly, sanitizers)"
  (cd "$ROOT" && nice -n 19 cargo +nightly fuzz build --fuzz-dir fuzz </dev/null)
  seed
  printf '%-18s %12s %8s %7s %8s %12s %8s\n' target executions exec/s cov ft corpus crashes >"$WORK/summary"
  local target
  for target in "${TARGETS[@]}"; do run_target "$target"; done
  log "logs in $WORK"
  cat "$WORK/summary"
  return "$FAILED"
}

main
