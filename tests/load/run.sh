#!/usr/bin/env bash
# The ticket function under load, against moto: not part of tests/run (it takes several minutes).
#
#   tests/load/run.sh                       # a clean run, then a run with the store down a while
#   tests/load/run.sh --concurrency 16      # other settings, passed to both runs
#   RUNS=fault tests/load/run.sh            # one of them (RUNS="clean fault" by default)
#
# Starts moto like tests/run (the same pinned venv, its functions), and a second moto for
# DynamoDB alone (the check reads the first one's data.json for the emails: without the table it
# stays small), builds the load driver (function/examples/load/: the real handler with the
# DynamoDB store, SES mailer, S3 spool and uploads) in the debug profile tests/run uses, and runs
# it twice: 1,000 tickets from 1,000 clients at concurrency 32 with 5% sent twice; the second run
# makes DynamoDB unreachable for 3 s halfway (a proxy in front of moto for the store alone). Each
# run checks moto's state afterwards (function/examples/load/check.rs) and prints throughput and
# p50/p99 latency; the script fails when a check does.
set -euo pipefail

# shellcheck source=../run
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/run"

DYNAMODB_PID=""
stop_dynamodb() {
  [[ -n "$DYNAMODB_PID" ]] || return 0
  kill "$DYNAMODB_PID" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$DYNAMODB_PID" 2>/dev/null || break
    sleep 0.1
  done
  # Busy copying a large table, this moto was seen to outlast TERM: the script waited forever.
  kill -9 "$DYNAMODB_PID" 2>/dev/null || true
  wait "$DYNAMODB_PID" 2>/dev/null || true
}
# errexit is off in here: a failed run's status must reach cleanup (which stops the first moto).
trap 'status=$?; set +e; stop_dynamodb; (exit "$status"); cleanup' EXIT

start_dynamodb() {
  local port i
  port="$(free_port)"
  "$VENV/bin/moto_server" -H 127.0.0.1 -p "$port" >"$WORK/moto-dynamodb.log" 2>&1 </dev/null &
  DYNAMODB_PID=$!
  for i in $(seq 1 150); do
    if moto_ready "$port"; then
      DYNAMODB_ENDPOINT="http://127.0.0.1:$port"
      log "moto for DynamoDB on $DYNAMODB_ENDPOINT"
      return
    fi
    sleep 0.1
  done
  log "moto for DynamoDB did not start"; return 1
}

setup_venv
start_moto
start_dynamodb
log "cargo build -p ticket-function --example load"
(cd "$ROOT" && cargo build --locked -p ticket-function --example load)
driver="${CARGO_TARGET_DIR:-$ROOT/target}/debug/examples/load"
for run in ${RUNS:-clean fault}; do
  case "$run" in
    clean) log "clean run"; fault=0 ;;
    fault) log "fault run: the store unreachable for 3 s halfway"; fault=3 ;;
    *) log "RUNS: unknown run \`$run\` (clean, fault)"; exit 2 ;;
  esac
  "$driver" --dynamodb-endpoint "$DYNAMODB_ENDPOINT" --fault-seconds "$fault" "$@"
done
