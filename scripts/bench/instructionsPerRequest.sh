#!/usr/bin/env bash
# Instructions per request of one server under valgrind's callgrind: a count that the machine's other
# load does not change, for comparing code (CPU time and req/s both follow the neighbours).
#
#   scripts/bench/instructionsPerRequest.sh <server.js> [warm-up requests] [measured requests] [path]
#
# e.g.  scripts/bench/instructionsPerRequest.sh scripts/bench/servers/bareHono.mjs
#       scripts/bench/instructionsPerRequest.sh app/dist/bootstrap.js
#
# The server runs under callgrind with instrumentation off (so warm-up and JIT tiering run at
# valgrind's uninstrumented speed); after the warm-up load, instrumentation is switched on for the
# measured requests only, the counters are dumped, and the total is divided by the request count.
# The warm-up is long (40 000 requests) because the count is meant to be the steady state's: after
# 5 000 requests V8's compilers were still at work, about 20 000 instructions of bare Hono's 108 000
# per request and more with tracing on, where at full speed they are done within the benchmark's
# 2 s warm-up (`node --trace-opt` shows a handful of compilations over the next 30 000 requests).
# Everything (JIT compilation on V8's background threads, GC) is counted, user space only: the
# kernel's side of socket writes is not. Time-based caches behave differently at valgrind's speed
# (the access line's time fragment, shared by the lines of one millisecond at full speed, is rebuilt
# for nearly every request here), so compare figures from this script with each other only. Needs valgrind, curl and
# the project's autocannon; listens on 127.0.0.1 only; one to two minutes per run. KEEP_CALLGRIND=<existing
# directory> keeps callgrind's output there, for `callgrind_annotate` (per-function counts; run the
# server with `node --perf-basic-prof` to map the JIT's anonymous addresses to JavaScript functions
# through /tmp/perf-<pid>.map).
#
# OTLP=http/protobuf (or OTLP=grpc) measures the server tracing every request: OTEL_TRACES_SAMPLER=always_on,
# exporting to the benchmark's OTLP sink (scripts/bench/sinkProcess.mjs), which the script starts and stops.
# The run fails unless the sink received at least the warm-up's spans and the server logged no error or
# warning about its exports: a traced count taken while the exports fail (with no collector listening, the
# exporter retries each batch until its timeout, the queue fills and the processor drops spans without
# encoding them) is about 15 000 instructions per request lower than with a collector that takes them,
# and says nothing about tracing.
set -euo pipefail
server=${1:?usage: $0 <server.js> [warm-up requests] [measured requests] [path]}
warmup=${2:-40000}
measured=${3:-6000}
path=${4:-/info}
root=$(cd "$(dirname "$0")/../.." && pwd)
node="$root/node_modules/.bin/node"
autocannon="$root/node_modules/.bin/autocannon"
work=$(mktemp -d)
port=$("$node" -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
# vgdb names its pipes after USER and HOST; the server reads HOST as its listen address.
export USER=${USER:-root} HOST=127.0.0.1
prefix="$work/vgdb"
sink_pid=
if [ -n "${OTLP:-}" ]; then
  case "$OTLP" in http/protobuf|grpc) ;; *) echo "OTLP must be http/protobuf or grpc, not $OTLP" >&2; exit 2 ;; esac
  "$node" "$root/scripts/bench/sinkProcess.mjs" >"$work/sink.out" 2>"$work/sink.err" &
  sink_pid=$!
  for _ in $(seq 1 100); do [ -s "$work/sink.out" ] && break; sleep 0.1; done
  read -r sink_http sink_grpc <"$work/sink.out" || { echo "OTLP sink did not start: $(cat "$work/sink.err")" >&2; exit 1; }
  sink_port=$sink_http; [ "$OTLP" = grpc ] && sink_port=$sink_grpc
  export OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$sink_port" OTEL_EXPORTER_OTLP_PROTOCOL="$OTLP" OTEL_TRACES_SAMPLER=always_on
fi

NODE_ENV=production PORT=$port SHUTDOWN_DRAIN_DELAY_MS=0 \
  valgrind --tool=callgrind --instr-atstart=no --vgdb-prefix="$prefix" --callgrind-out-file="$work/callgrind.out" \
  "$node" "$server" >"$work/server.log" 2>&1 &
launcher=$!
trap 'kill "$launcher" 2>/dev/null || true; [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null; [ -n "${KEEP_CALLGRIND:-}" ] && cp "$work"/callgrind.out.* "$KEEP_CALLGRIND" 2>/dev/null; rm -rf "$work"' EXIT

for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$port/ready" >/dev/null && break; sleep 0.5; done
valgrind_pid=$(pgrep -f "valgrind.bin.*$work/callgrind.out" | head -1)
"$autocannon" -t 60 -c 50 -a "$warmup" "http://127.0.0.1:$port$path" >/dev/null 2>&1
callgrind_control --vgdb-prefix="$prefix" -i on "$valgrind_pid" >/dev/null
summary=$("$autocannon" -t 60 -c 50 -a "$measured" "http://127.0.0.1:$port$path" 2>&1)
callgrind_control --vgdb-prefix="$prefix" -i off "$valgrind_pid" >/dev/null
callgrind_control --vgdb-prefix="$prefix" -d "$valgrind_pid" >/dev/null
if grep -qE "[1-9][0-9]* (errors|non 2xx)" <<<"$summary"; then echo "$summary" >&2; echo "load had errors" >&2; exit 1; fi
if [ -n "$sink_pid" ]; then
  # Export errors and warnings come as log lines of the "opentelemetry" component.
  if grep -E '"component":"opentelemetry"' "$work/server.log" | grep -qE '"level":"(warn|error|fatal)"'; then
    grep -E '"component":"opentelemetry"' "$work/server.log" | head -3 >&2
    echo "the server could not export its spans: this count is not a traced one" >&2; exit 1
  fi
  kill -TERM "$sink_pid"; wait "$sink_pid" || true; sink_pid=
  spans=$("$node" -e 'const c = JSON.parse(require("fs").readFileSync(0, "utf8").trim().split("\n").pop()); console.log(c[process.argv[1]].spans)' "$OTLP" <"$work/sink.out" 2>/dev/null || echo 0)
  if [ "$spans" -lt "$warmup" ]; then echo "the OTLP sink received $spans spans, fewer than the $warmup warm-up requests" >&2; exit 1; fi
fi
total=$(cat "$work"/callgrind.out.* | awk '/^totals:/ {sum += $2} END {printf "%.0f", sum}')
# What V8's optimizing compilers (Maglev, TurboFan) took of it: work that a longer warm-up shrinks.
compilers=$(callgrind_annotate --inclusive=no --threshold=100 "$work"/callgrind.out.* 2>/dev/null |
  awk '/v8::internal::(compiler|maglev|turboshaft)::/ {gsub(",", "", $1); sum += $1} END {printf "%.0f", sum}')
echo "$server $path${OTLP:+ (traced, OTLP $OTLP: ${spans} spans exported)}: $total instructions for $measured requests, $((total / measured)) per request" \
  "($((compilers / measured)) of them in V8's optimizing compilers)"
