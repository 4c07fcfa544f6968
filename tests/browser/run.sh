#!/usr/bin/env bash
# End-to-end tests of the help center in headless Chromium.
#
#   tests/browser/run.sh [extra `node --test` arguments, e.g. --test-name-pattern=fallback]
#
# Installs what is missing (Debian's chromium, Node.js, the npm packages of package-lock.json),
# builds `helpcenter` unless $HELPCENTER names a binary, starts `helpcenter serve --port 0` with a
# temporary state directory, runs the tests with node's own test runner and stops the server.
# Idempotent; runs unattended (CI=true, no stdin) as root on a fresh Debian machine.
#
# Settings (environment): HELPCENTER (binary), CARGO_TARGET_DIR, CHROMIUM (default
# /usr/bin/chromium), HELPCENTER_CONTENT / HELPCENTER_SITE (default content/ and site/),
# KEEP_STATE=1 keeps the server's state directory (tickets, emails) for inspection.
# Screenshots and the server's log go to tests/artifacts/.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
artifacts="$root/tests/artifacts"
export DEBIAN_FRONTEND=noninteractive
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 # playwright-core drives Debian's chromium, never its own

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# --- system packages (apt-get update at most once per run) -------------------------------
apt_updated=0
apt_install() {
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null && sudo -n true 2>/dev/null || die "installing $* needs root: run as root or install it first"
    sudo=(sudo -n)
  fi
  command -v apt-get >/dev/null || die "$* is missing and this is not a Debian-like system: install it first"
  if [ "$apt_updated" -eq 0 ]; then
    log "apt-get update"
    "${sudo[@]}" apt-get update -q </dev/null
    apt_updated=1
  fi
  log "apt-get install -y $*"
  "${sudo[@]}" apt-get install -y -q "$@" </dev/null
}

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
export CHROMIUM
if [ ! -x "$CHROMIUM" ]; then
  [ "$CHROMIUM" = /usr/bin/chromium ] || die "CHROMIUM=$CHROMIUM is not an executable"
  apt_install chromium
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  apt_install nodejs npm
fi
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>18||(a===18&&b>=19)?0:1)' \
  || die "node $(node --version) is too old: the tests need node 18.19 or newer"

# --- npm packages: npm ci when node_modules is missing or older than package-lock.json ------
stamp="$here/node_modules/.helpcenter-lock.sha256"
want="$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  log "npm ci (tests/browser)"
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error </dev/null)
  printf '%s\n' "$want" >"$stamp"
fi

# --- the helpcenter binary -------------------------------------------------------------------
if [ -z "${HELPCENTER:-}" ]; then
  command -v cargo >/dev/null || die "cargo is missing: install Rust, or set HELPCENTER to a built helpcenter binary"
  log "cargo build -p helpcenter${CARGO_TARGET_DIR:+ (CARGO_TARGET_DIR=$CARGO_TARGET_DIR)}"
  # Cargo says where the binary is (whatever target directory it uses).
  HELPCENTER="$(cd "$root" && cargo build -p helpcenter --bin helpcenter --message-format=json-render-diagnostics </dev/null \
    | node -e 'let out="";process.stdin.on("data",d=>out+=d).on("end",()=>{for(const l of out.split("\n")){try{const m=JSON.parse(l);if(m.reason==="compiler-artifact"&&m.executable&&m.target.name==="helpcenter")console.log(m.executable)}catch{}}})' \
    | tail -n 1)"
  [ -n "$HELPCENTER" ] || die "cargo build did not name the helpcenter binary"
fi
[ -x "$HELPCENTER" ] || die "HELPCENTER=$HELPCENTER is not an executable"

# --- the server ------------------------------------------------------------------------------
state="$(mktemp -d "${TMPDIR:-/tmp}/helpcenter-e2e.XXXXXX")"
server=""
cleanup() {
  local status=$?
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  mkdir -p "$artifacts"
  cat "$state/serve.out" "$state/serve.err" >"$artifacts/browser-serve.log" 2>/dev/null || true
  if [ "${KEEP_STATE:-0}" = 1 ]; then log "state kept in $state"; else rm -rf "$state"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

content="${HELPCENTER_CONTENT:-$root/content}"
site="${HELPCENTER_SITE:-$root/site}"
log "helpcenter serve --port 0 (state in $state)"
"$HELPCENTER" serve --content "$content" --site "$site" --state "$state" --port 0 \
  >"$state/serve.out" 2>"$state/serve.err" </dev/null &
server=$!

url=""
for _ in $(seq 1 600); do # up to 120 s: the server builds the site first
  url="$(sed -n 's|^serving \(http://[^ /]*\)/.*|\1|p' "$state/serve.out" | head -n 1)"
  [ -n "$url" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$state/serve.err" >&2; die "helpcenter serve stopped before it was ready"; }
  sleep 0.2
done
[ -n "$url" ] || { cat "$state/serve.err" >&2; die "helpcenter serve was not ready within 120 s"; }
log "serving $url"

# --- the tests -------------------------------------------------------------------------------
rm -rf "$artifacts/screenshots"
mkdir -p "$artifacts/screenshots"
export HELPCENTER_URL="$url" HELPCENTER_STATE="$state" HELPCENTER_ARTIFACTS="$artifacts"
cd "$here"
log "node --test"
node --test "$@" ./*.test.mjs </dev/null
