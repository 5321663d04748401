#!/usr/bin/env bash
# Load benchmark of route queries: wrk (Debian package) against `freight serve` on loopback.
#
#   bench/load_routes.sh [WORKERS=2] [DURATION=20s] [CONNECTIONS=32] [THREADS=2]
#   ENDPOINT=/v1/health bench/load_routes.sh 1     # baseline of the bare service (GET)
#
# Bodies: N_BODIES varied POST /v1/routes queries (origins, destinations, cargo forms,
# departure times) made by bench/load_routes_bodies.py from the endpoint's OpenAPI example
# (fixed seed), cycled by bench/load_routes.lua. Rate limits are off and the access log is
# silenced (FREIGHT_LOG_LEVEL=WARNING), as in production benchmarks. Prints one table row.
set -euo pipefail
cd "$(dirname "$0")/.."

WORKERS="${1:-2}"
DURATION="${2:-20s}"
CONNECTIONS="${3:-32}"
THREADS="${4:-2}"
ENDPOINT="${ENDPOINT:-/v1/routes}"
N_BODIES="${N_BODIES:-400}"
PY=.venv/bin/python
command -v wrk >/dev/null || { echo "wrk missing: apt-get install -y wrk" >&2; exit 1; }

WORK="$(mktemp -d)"
PORT="$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
export FREIGHT_DATABASE_URL="sqlite:///$WORK/bench.sqlite3"
export FREIGHT_RATE_LIMITS=off FREIGHT_LOG_LEVEL=WARNING
.venv/bin/freight serve --port "$PORT" --workers "$WORKERS" >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:$PORT/v1/health" >/dev/null 2>&1 && break
    sleep 0.5
done
curl -fs "http://127.0.0.1:$PORT/v1/health" >/dev/null || { cat "$WORK/server.log"; exit 1; }

if [[ "$ENDPOINT" == "/v1/routes" ]]; then
    $PY bench/load_routes_bodies.py "http://127.0.0.1:$PORT" "$N_BODIES" ${ANSWERABLE:+--answerable} >"$WORK/bodies.lua"
    SCRIPT=(-s bench/load_routes.lua)
    export WRK_BODIES="$WORK/bodies.lua"
    # one check that the queries are answered (not 4xx) before loading
    $PY bench/load_routes_bodies.py "http://127.0.0.1:$PORT" 20 --check
else
    SCRIPT=()
fi

# CPU seconds used by the server's process tree (robust to other load on a shared machine)
server_cpu_s() {
    $PY - "$SERVER" <<'PY'
import os, sys
root = int(sys.argv[1])
kids: dict[int, list[int]] = {}
stats: dict[int, list[str]] = {}
for d in os.listdir("/proc"):
    if d.isdigit():
        try:
            f = open(f"/proc/{d}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(d)] = f
        kids.setdefault(int(f[1]), []).append(int(d))
todo, ticks = [root], 0
while todo:
    p = todo.pop()
    if p in stats:
        ticks += int(stats[p][11]) + int(stats[p][12])
    todo += kids.get(p, [])
print(ticks / os.sysconf("SC_CLK_TCK"))
PY
}
CPU0="$(server_cpu_s)"
wrk -t "$THREADS" -c "$CONNECTIONS" -d "$DURATION" --latency "${SCRIPT[@]}" \
    "http://127.0.0.1:$PORT$ENDPOINT" >"$WORK/wrk.txt"
CPU1="$(server_cpu_s)"
cat "$WORK/wrk.txt" >&2
$PY - "$WORK/wrk.txt" "$WORKERS" "$CONNECTIONS" "$DURATION" "$ENDPOINT" "$CPU0" "$CPU1" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def ms(label):
    m = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    if not m:
        return float("nan")
    v, unit = float(m.group(1)), m.group(2)
    return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
total = int(re.search(r"(\d+) requests in", text).group(1))
bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
errs = re.search(r"Socket errors: (.*)", text)
cpu_ms = (float(sys.argv[7]) - float(sys.argv[6])) * 1000 / max(total, 1)
print(f"| endpoint | workers | conns | duration | requests | req/s | p50 ms | p99 ms | non-2xx | socket errors | server CPU ms/req |")
print(f"|---|---|---|---|---|---|---|---|---|---|---|")
print(f"| {sys.argv[5]} | {sys.argv[2]} | {sys.argv[3]} | {sys.argv[4]} | {total} | {rps:.0f} | "
      f"{ms('50%'):.1f} | {ms('99%'):.1f} | {bad.group(1) if bad else 0} | {errs.group(1) if errs else 'none'} | {cpu_ms:.2f} |")
PY
