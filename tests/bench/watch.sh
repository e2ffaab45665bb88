#!/usr/bin/env bash
# CPU that costs watch uses while bulk traffic flows on a few long
# connections (offloads off, so the kernel handles real 1500-byte packets):
# once a connection is decided its packets count by mark and never reach
# watch.  Prints packets per second through the table and watch's CPU as a
# share of one core.  Not a pass/fail test: the figure depends on the host.
#   meson test -C build --benchmark nft-watch-cpu   (root)
. "$SRCDIR/tests/lib.sh"
NETNS_IPV6=0
. "$SRCDIR/tests/nft/netns.sh"
command -v ethtool >/dev/null || skip "ethtool is not installed"
SECS=${BENCH_SECS:-10}
CONNS=${BENCH_CONNS:-4}
chmod 755 "$T"

cat >"$T/costs.conf" <<'CONF'
[service site]
match = sni=www.example.com

[service bulk]
match = port=7000
CONF
export COSTS_CONFIG="$T/costs.conf"
srv ethtool -K "$IF" tso off gso off gro off >/dev/null 2>&1
cli ethtool -K "${IF}p" tso off gso off gro off >/dev/null 2>&1
srv "$COSTS" -q nft apply || exit 1
# A sink: reads and throws away, one thread per connection.
start_bg sink ready "${SRV[@]}" /usr/bin/python3 -c '
import socket, threading
s = socket.create_server(("192.0.2.1", 7000))
print("ready", flush=True)
def drain(c):
    while c.recv(1 << 20):
        pass
while True:
    threading.Thread(target=drain, args=(s.accept()[0],), daemon=True).start()
' || exit 1
start_bg watch watching "${SRV[@]}" "$COSTS" -v watch || exit 1
WATCH_PID=$LAST_PID

ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
pkts() { # packets through the table, both directions
	srv nft -j list counters table inet costs | grep -o '"name": "total_[a-z]*"[^}]*"packets": [0-9]*' |
		grep -o '[0-9]*$' | awk '{ s += $1 } END { print s }'
}
hz=$(getconf CLK_TCK)
for i in $(seq "$CONNS"); do
	cli /usr/bin/python3 -c '
import socket
c = socket.create_connection(("192.0.2.1", 7000))
b = b"x" * (1 << 20)
while True:
    c.sendall(b)
' >/dev/null 2>&1 &
	PIDS="$PIDS $!"
done
sleep 1
p0=$(pkts)
c0=$(ticks "$WATCH_PID")
t0=$(date +%s.%N)
sleep "$SECS"
p1=$(pkts)
c1=$(ticks "$WATCH_PID")
t1=$(date +%s.%N)
awk -v p=$((p1 - p0)) -v c=$((c1 - c0)) -v hz="$hz" -v t0="$t0" -v t1="$t1" -v n="$CONNS" 'BEGIN {
	t = t1 - t0
	printf "%d connections, %.0f packets/s through the table (both directions) for %.1f s\n", n, p / t, t
	printf "costs watch CPU: %.2f %% of one core (%d ticks of 1/%d s)\n", 100 * c / hz / t, c, hz
}'
kill -TERM "$WATCH_PID"
wait "$WATCH_PID" 2>/dev/null
cat "$T/watch.log"
exit 0
