#!/usr/bin/env bash
# Local Google Cloud emulators for development and the integration tests.
#
#   scripts/emulators.sh install   # build fake-gcs-server and bigquery-emulator (cached), check the Pub/Sub emulator
#   scripts/emulators.sh start     # start all three on free loopback ports, write .emulators/env
#   scripts/emulators.sh status    # which are running, and where
#   scripts/emulators.sh stop      # stop what `start` started
#
# `start` and `stop` take an optional list of emulators: gcs, bigquery, pubsub (default: all).
# Everything listens on 127.0.0.1 only. State (pid files, logs, env file) lives in
# $EMULATORS_DIR (default: <repo>/.emulators). Source the env file to point the clients at them:
#
#   set -a; . .emulators/env; set +a
#
# The integration tests do not need this script running: they start their own emulators
# (test/helpers/emulators.ts) and only need the binaries `install` provides.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="${EMULATORS_DIR:-$ROOT/.emulators}"
PROJECT="${EMULATOR_PROJECT:-local-project}"
FAKE_GCS_VERSION="v1.55.1"
BQ_EMULATOR_VERSION="v0.8.1"

gobin() {
  local gopath
  gopath="$(go env GOPATH 2>/dev/null || echo "$HOME/go")"
  echo "${GOBIN:-$gopath/bin}"
}

find_bin() { # name → path or empty
  local name="$1"
  if [[ -x "$(gobin)/$name" ]]; then echo "$(gobin)/$name"; return; fi
  command -v "$name" 2>/dev/null || true
}

pubsub_bin() {
  local sdk
  sdk="$(gcloud info --format='value(installation.sdk_root)' 2>/dev/null || true)"
  for dir in "$sdk" /usr/lib/google-cloud-sdk /usr/share/google-cloud-sdk /google-cloud-sdk; do
    if [[ -n "$dir" && -x "$dir/platform/pubsub-emulator/bin/cloud-pubsub-emulator" ]]; then
      echo "$dir/platform/pubsub-emulator/bin/cloud-pubsub-emulator"
      return
    fi
  done
}

last_port() { # name [pattern] → the port it had when last stopped (or when it crashed), or empty
  local file
  for file in "$STATE/$1.env" "$STATE/$1.last"; do
    [[ -f "$file" ]] || continue
    grep -m1 -oE "${2:-(ENDPOINT=http://127\.0\.0\.1:|HOST=127\.0\.0\.1:)}[0-9]+" "$file" | grep -oE '[0-9]+$' || true
    return 0
  done
}

reuse_port() { # port → the same port once it is free (a process group still going down holds it a while), or a new one
  local port="$1" deadline=$((SECONDS + 15))
  if [[ -n "$port" ]]; then
    until port_free "$port"; do
      if ((SECONDS > deadline)); then echo "emulators: port $port still taken; using another (re-source .emulators/env)" >&2; break; fi
      sleep 0.5
    done
    if port_free "$port"; then echo "$port"; return; fi
  fi
  free_port
}

port_free() { # port → success when nothing listens on it
  node -e 'const s=require("net").createServer();s.once("error",()=>process.exit(1));s.listen(+process.argv[1],"127.0.0.1",()=>s.close())' "$1"
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

wait_http() { # url seconds
  local url="$1" deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    if ((SECONDS > deadline)); then return 1; fi
    sleep 0.2
  done
}

install() {
  # Every prerequisite first, so nothing fails after minutes of building.
  local missing=()
  command -v go >/dev/null || missing+=("Go (to build fake-gcs-server and bigquery-emulator)")
  command -v java >/dev/null || missing+=("a Java runtime for the Pub/Sub emulator (Debian: default-jre-headless)")
  [[ -n "$(pubsub_bin)" ]] || missing+=("the Cloud SDK's Pub/Sub emulator (Debian: google-cloud-cli-pubsub-emulator)")
  if ((${#missing[@]} > 0)); then
    printf 'emulators: missing %s\n' "${missing[@]}" >&2
    exit 1
  fi
  # Measured on a clean machine: ~2.5 GiB of Go modules and ~1.9 GiB of Go build cache.
  echo "emulators: the Go builds take ~4.5 GiB, in $(go env GOMODCACHE) and $(go env GOCACHE) (go clean -cache -modcache frees it)"
  local bin
  bin="$(gobin)"
  mkdir -p "$bin"
  if [[ -x "$bin/fake-gcs-server" ]]; then
    echo "fake-gcs-server: $bin/fake-gcs-server (cached)"
  else
    echo "fake-gcs-server: building $FAKE_GCS_VERSION"
    CGO_ENABLED=0 go install "github.com/fsouza/fake-gcs-server@$FAKE_GCS_VERSION"
  fi
  if [[ -x "$bin/bigquery-emulator" ]]; then
    echo "bigquery-emulator: $bin/bigquery-emulator (cached)"
  else
    # `go install …@version` fails for this module (its version list is refused), so download
    # the module and build its command from the module cache. One build at a time: it is heavy.
    echo "bigquery-emulator: building $BQ_EMULATOR_VERSION (several minutes)"
    mkdir -p "$STATE"
    (
      flock 9
      if [[ ! -x "$bin/bigquery-emulator" ]]; then
        GOFLAGS=-mod=mod go mod download "github.com/goccy/bigquery-emulator@$BQ_EMULATOR_VERSION"
        cd "$(go env GOMODCACHE)/github.com/goccy/bigquery-emulator@$BQ_EMULATOR_VERSION"
        CGO_ENABLED=0 go build -o "$bin/bigquery-emulator.tmp" ./cmd/bigquery-emulator
        mv "$bin/bigquery-emulator.tmp" "$bin/bigquery-emulator"
      fi
    ) 9>"$STATE/.bigquery-build.lock"
  fi
  echo "pubsub emulator: $(pubsub_bin)"
}

is_running() { # name
  local pidfile="$STATE/$1.pid"
  [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

launch() { # name cmd...
  local name="$1"; shift
  mkdir -p "$STATE"
  # setsid: each emulator leads its own process group, so `stop` ends it with its children (java).
  setsid "$@" >"$STATE/$name.log" 2>&1 </dev/null &
  echo $! >"$STATE/$name.pid"
}

start_one() {
  local name="$1" port
  if is_running "$name"; then echo "$name: already running"; return; fi
  # A restart keeps the port it had (the env file others sourced stays right) when it is still free.
  port="$(reuse_port "$(last_port "$name")")"
  case "$name" in
    gcs)
      local bin; bin="$(find_bin fake-gcs-server)"
      [[ -n "$bin" ]] || { echo "fake-gcs-server not installed: run $0 install" >&2; exit 1; }
      launch gcs "$bin" -scheme http -host 127.0.0.1 -port "$port" -backend memory \
        -external-url "http://127.0.0.1:$port" -log-level error
      wait_http "http://127.0.0.1:$port/storage/v1/b" 30 || { echo "gcs: did not start, see $STATE/gcs.log" >&2; exit 1; }
      echo "STORAGE_EMULATOR_ENDPOINT=http://127.0.0.1:$port" >"$STATE/gcs.env"
      ;;
    bigquery)
      local bin grpc; bin="$(find_bin bigquery-emulator)"
      [[ -n "$bin" ]] || { echo "bigquery-emulator not installed: run $0 install" >&2; exit 1; }
      grpc="$(reuse_port "$(last_port bigquery 'GRPC=127\.0\.0\.1:')")"
      # Its tables live in $STATE/bigquery.db, so they outlive a restart (delete the file to reset).
      # Opened as the tests open it (test/helpers/emulators.ts): a busy timeout, WAL and IMMEDIATE
      # transactions, so Storage Write API appends (gRPC) and queries (HTTP) wait for each other
      # instead of failing "database is locked". The trailing `_=` takes the `?cache=shared` the
      # emulator appends to the path.
      launch bigquery "$bin" --project="$PROJECT" --host=127.0.0.1 --port="$port" --grpc-port="$grpc" \
        --database="$STATE/bigquery.db?_pragma=busy_timeout(20000)&_pragma=journal_mode(WAL)&_txlock=immediate&_="
      wait_http "http://127.0.0.1:$port/bigquery/v2/projects/$PROJECT/datasets" 60 ||
        { echo "bigquery: did not start, see $STATE/bigquery.log" >&2; exit 1; }
      printf 'BIGQUERY_EMULATOR_ENDPOINT=http://127.0.0.1:%s\nBIGQUERY_EMULATOR_GRPC=127.0.0.1:%s\nBIGQUERY_EMULATOR_PROJECT=%s\n' \
        "$port" "$grpc" "$PROJECT" >"$STATE/bigquery.env"
      ;;
    pubsub)
      local bin; bin="$(pubsub_bin)"
      [[ -n "$bin" ]] || { echo "pubsub emulator not installed: run $0 install" >&2; exit 1; }
      launch pubsub "$bin" --host=127.0.0.1 --port="$port"
      wait_http "http://127.0.0.1:$port/" 60 || { echo "pubsub: did not start, see $STATE/pubsub.log" >&2; exit 1; }
      printf 'PUBSUB_EMULATOR_HOST=127.0.0.1:%s\nPUBSUB_PROJECT_ID=%s\n' "$port" "$PROJECT" >"$STATE/pubsub.env"
      ;;
    *) echo "unknown emulator: $name (gcs, bigquery, pubsub)" >&2; exit 2 ;;
  esac
  echo "$name: started on 127.0.0.1:$port (pid $(cat "$STATE/$name.pid"))"
}

write_env() {
  mkdir -p "$STATE"
  cat "$STATE"/*.env 2>/dev/null >"$STATE/env.tmp" || true
  mv "$STATE/env.tmp" "$STATE/env"
}

stop_one() {
  local name="$1" pidfile="$STATE/$1.pid"
  if [[ -f "$pidfile" ]]; then
    local pid; pid="$(cat "$pidfile")"
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL -- "-$pid" 2>/dev/null || true
      echo "$name: stopped"
    fi
    rm -f "$pidfile"
  fi
  # Kept as .last: a later start takes the same ports again when they are free.
  if [[ -f "$STATE/$name.env" ]]; then mv "$STATE/$name.env" "$STATE/$name.last"; fi
}

status() {
  local name
  for name in gcs bigquery pubsub; do
    if is_running "$name"; then echo "$name: running (pid $(cat "$STATE/$name.pid")) $(tr '\n' ' ' <"$STATE/$name.env" 2>/dev/null)"
    else echo "$name: stopped"; fi
  done
}

cmd="${1:-}"
shift || true
names=("$@")
if ((${#names[@]} == 0)); then names=(gcs bigquery pubsub); fi
case "$cmd" in
  install) install ;;
  start) for n in "${names[@]}"; do start_one "$n"; done; write_env; echo "env: $STATE/env" ;;
  stop) for n in "${names[@]}"; do stop_one "$n"; done; write_env ;;
  status) status ;;
  *) echo "usage: $0 install|start|stop|status [gcs|bigquery|pubsub ...]" >&2; exit 2 ;;
esac
