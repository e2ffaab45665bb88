# costs serve: /metrics over HTTP equals `costs metrics`; other paths are
# 404, other methods 405, a body 413; the connection bound and the idle
# timeout hold; a capture writes while serve runs and the next scrape shows
# it; SIGTERM and SIGINT stop it with status 0.
. "$SRCDIR/tests/lib.sh"
command -v curl >/dev/null || skip "curl not installed"
export COSTS_PROVIDERS="$SRCDIR/providers"
printf '[costs]\nhost = alpha\n' >"$T/alpha.conf"
export COSTS_CONFIG="$T/alpha.conf"
run_costs capture -r "$SRCDIR/tests/data/capture/web.pcap" --local auto
check_rc 0 "capture web.pcap"

PID=
cleanup_serve() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; }
trap 'cleanup_serve; rm -rf "$T"' EXIT

# start_serve ARGS...: starts serve on a free loopback port, sets PID and URL.
start_serve() {
	"$COSTS" serve --listen 127.0.0.1:0 "$@" >"$T/serve.out" 2>"$T/serve.err" &
	PID=$!
	for _ in $(seq 50); do
		grep -q 'port [0-9]' "$T/serve.out" 2>/dev/null && break
		sleep 0.1
	done
	PORT=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$T/serve.out")
	URL="http://127.0.0.1:$PORT"
	[ -n "$PORT" ] || { fail "serve did not start: $(cat "$T/serve.err")"; finish; }
}

# stop_serve SIGNAL: the exit status after SIGNAL
stop_serve() {
	kill -s "$1" "$PID"
	STATUS=0
	wait "$PID" || STATUS=$?
	PID=
}

start_serve --connections 3 --timeout 2
code() { curl -s -o "$T/body" -w '%{http_code}' "$@"; }
check_eq "GET /metrics" 200 "$(code "$URL/metrics")"
"$COSTS" metrics >"$T/want"
if cmp -s "$T/want" "$T/body"; then pass; else fail "/metrics differs from costs metrics: $(diff "$T/want" "$T/body" | head -5)"; fi
curl -s -D "$T/head" -o /dev/null "$URL/metrics"
check_grep "Content-Type: text/plain; version=0.0.4" "$T/head" "content type"
check_eq "HEAD /metrics" 200 "$(code -I "$URL/metrics")"
check_eq "HEAD has no body" "" "$(grep -v '^HTTP\|^[A-Za-z-]*:\|^.$' "$T/body")"
check_eq "GET /" 404 "$(code "$URL/")"
check_eq "GET /metrics/x" 404 "$(code "$URL/metrics/x")"
check_eq "POST /metrics" 405 "$(code -X POST --data x "$URL/metrics")"
check_eq "DELETE /metrics" 405 "$(code -X DELETE "$URL/metrics")"
curl -s -D "$T/head" -o /dev/null -X PUT "$URL/metrics"
check_grep "Allow: GET, HEAD" "$T/head" "405 names the methods"
check_eq "GET with a body" 413 "$(code -X GET --data-binary 0123456789 "$URL/metrics")"
big=$(head -c 65536 /dev/zero | tr '\0' a)
c=$(code -H "X-Big: $big" "$URL/metrics")
case "$c" in 200) fail "a 64 KiB header was served" ;; *) pass ;; esac

# Three idle connections fill the bound: a fourth waits unanswered (it is
# not accepted), and once they go the server answers again.
python3 - "$PORT" "$URL" >"$T/bound" 2>&1 <<'PY'
import socket, subprocess, sys, time
port, url = int(sys.argv[1]), sys.argv[2]
idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(3)]
time.sleep(0.3)
r = subprocess.run(["curl", "-s", "-m", "1", "-o", "/dev/null", "-w", "%{http_code}", url + "/metrics"],
                   capture_output=True, text=True)
print("over the bound:", r.stdout)
for s in idle:
    s.close()
time.sleep(0.3)
r = subprocess.run(["curl", "-s", "-m", "3", "-o", "/dev/null", "-w", "%{http_code}", url + "/metrics"],
                   capture_output=True, text=True)
print("after:", r.stdout)
# The idle timeout (2 s) closes a silent connection.
s = socket.create_connection(("127.0.0.1", port))
s.settimeout(8)
t = time.monotonic()
data = s.recv(100)
print("idle closed after %.0f s" % (time.monotonic() - t), repr(data))
PY
check_grep "over the bound: 000" "$T/bound" "a connection over the bound is refused"
check_grep "after: 200" "$T/bound" "served again below the bound"
check_grep "idle closed after [234] s b''" "$T/bound" "idle connection closed by the timeout"

# A writer writes while serve runs and scrapes go on.
( for _ in $(seq 40); do curl -s -o /dev/null "$URL/metrics"; done ) &
scraper=$!
run_costs capture -r "$SRCDIR/tests/data/capture/web-any.pcapng" --local auto
check_rc 0 "capture while serve runs"
wait "$scraper"
check_eq "scrape after the capture" 200 "$(code "$URL/metrics")"
"$COSTS" metrics >"$T/want"
if cmp -s "$T/want" "$T/body"; then pass; else fail "/metrics after the capture differs: $(diff "$T/want" "$T/body" | head -5)"; fi
check_grep 'costs_egress_bytes_total{host="alpha",service="https",source="pcap"}' "$T/body" "captured totals served"
stop_serve TERM
check_eq "SIGTERM exit status" 0 "$STATUS"
start_serve
stop_serve INT
check_eq "SIGINT exit status" 0 "$STATUS"

# Bad use: a clear message and a non-zero status.
run_costs serve --listen 127.0.0.1
check_rc 2 "listen without a port"
check_grep "127.0.0.1" "$T/err" "bad listen named"
run_costs serve --listen localhost:80
check_rc 2 "listen on a name"
run_costs serve --listen 127.0.0.1:70000
check_rc 2 "port out of range"
run_costs serve --connections 0
check_rc 2 "no connections"
start_serve
run_costs serve --listen "127.0.0.1:$PORT"
check_rc 1 "port in use"
check_grep "cannot listen on 127.0.0.1: Address already in use" "$T/err" "busy port named"
stop_serve TERM
run_costs --db "$T/none.db" serve --listen 127.0.0.1:0
check_rc 1 "no database"

# The systemd unit is one systemd accepts.
if command -v systemd-analyze >/dev/null; then
	sed "s|@BINDIR@/costs|$COSTS|" "$SRCDIR/contrib/costs-serve.service" >"$T/costs-serve.service"
	if systemd-analyze verify --man=no "$T/costs-serve.service" >"$T/verify" 2>&1 &&
		[ ! -s "$T/verify" ]; then pass; else fail "unit: $(cat "$T/verify")"; fi
else
	echo "systemd-analyze not installed: the unit is not verified"
fi
finish
