#!/usr/bin/env bash
# Live capture in network namespaces: a server namespace with nginx (HTTP
# and HTTPS) and costs capture -i on its veth; curl from a client namespace.
# Checks the totals against the bytes the kernel reports for the interface,
# --seconds ending on time without traffic, SIGTERM flushing, --user, and the
# error for a missing interface.
. "$SRCDIR/tests/lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
for t in ip nginx curl openssl; do command -v $t >/dev/null || skip "$t not installed"; done
NS_S=costs-live-s-$$
NS_C=costs-live-c-$$
ip netns add "$NS_S" 2>/dev/null || skip "cannot create network namespaces"
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	ip netns del "$NS_S" 2>/dev/null
	ip netns del "$NS_C" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
ip netns add "$NS_C"
ip netns exec "$NS_S" true 2>/dev/null ||
	skip "ip netns exec does not work here (a chroot whose / is not a mount point?)"
ip link add veth-s netns "$NS_S" type veth peer name veth-c netns "$NS_C"
ip -n "$NS_S" addr add 192.0.2.1/24 dev veth-s
ip -n "$NS_C" addr add 192.0.2.2/24 dev veth-c
ip -n "$NS_S" link set lo up
ip -n "$NS_S" link set veth-s up
ip -n "$NS_C" link set veth-c up
ip netns exec "$NS_S" ethtool -K veth-s tso off gso off gro off >/dev/null 2>&1
ip netns exec "$NS_C" ethtool -K veth-c tso off gso off gro off >/dev/null 2>&1
: >"$T/empty.conf"
export COSTS_CONFIG="$T/empty.conf"

mkdir -p "$T/www" "$T/ng"
head -c 300000 /dev/urandom >"$T/www/blob.bin"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=live.test \
	-keyout "$T/key.pem" -out "$T/cert.pem" 2>/dev/null
cat >"$T/nginx.conf" <<CONF
user root;
worker_processes 1;
pid $T/nginx.pid;
error_log $T/ng/error.log;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $T/ng;
	proxy_temp_path $T/ng;
	fastcgi_temp_path $T/ng;
	uwsgi_temp_path $T/ng;
	scgi_temp_path $T/ng;
	server {
		listen 192.0.2.1:80;
		listen 192.0.2.1:443 ssl;
		ssl_certificate $T/cert.pem;
		ssl_certificate_key $T/key.pem;
		root $T/www;
	}
}
CONF
ip netns exec "$NS_S" nginx -c "$T/nginx.conf" -g 'daemon off;' 2>/dev/null &
PIDS+=($!)
for i in $(seq 50); do
	ip netns exec "$NS_S" ss -ltn | grep -q ':443' && break
	sleep 0.1
done

tx_bytes() { ip netns exec "$NS_S" cat /sys/class/net/veth-s/statistics/tx_bytes; }

# 1. Traffic during a timed capture: https and http egress match what was sent.
ip netns exec "$NS_S" "$COSTS" capture -i veth-s --seconds 4 --flush 1 >"$T/out" 2>"$T/err" &
cap=$!
sleep 1
ip netns exec "$NS_C" curl -sk -o /dev/null https://192.0.2.1/blob.bin
ip netns exec "$NS_C" curl -s -o /dev/null http://192.0.2.1/blob.bin
RC=0
wait $cap || RC=$?
check_rc 0 "live capture"
check_grep "packets" "$T/out" "live summary"
"$COSTS" export daily >"$T/d.csv"
eg() { awk -F, -v s="$1" 'NR > 1 && $3 == s { e += $5 } END { print e + 0 }' "$T/d.csv"; }
https=$(eg https)
http=$(eg http)
# The bodies are 300000 bytes each; headers, TLS and TCP/IP add a few percent.
[ "$https" -gt 300000 ] && [ "$https" -lt 330000 ] && pass || fail "https egress $https not near 300 kB"
[ "$http" -gt 300000 ] && [ "$http" -lt 330000 ] && pass || fail "http egress $http not near 300 kB"
check_eq "nothing in other but neighbour discovery" "" \
	"$(awk -F, 'NR > 1 && $3 == "other" && $5 > 2000' "$T/d.csv")"

# 2. --seconds ends on time without any traffic.
start=$(date +%s%N)
ip netns exec "$NS_S" "$COSTS" -q capture -i veth-s --seconds 2 --filter 'tcp port 9' >"$T/out" 2>"$T/err"
RC=$?
check_rc 0 "idle capture"
ms=$((($(date +%s%N) - start) / 1000000))
[ "$ms" -ge 1900 ] && [ "$ms" -lt 3500 ] && pass || fail "--seconds 2 took $ms ms"

# 3. SIGTERM flushes and exits 0; layer-3 bytes match the kernel's count.
rm -f "$COSTS_DB"*
ip netns exec "$NS_S" "$COSTS" capture -i veth-s --flush 3600 >"$T/out" 2>"$T/err" &
cap=$!
sleep 1
before=$(tx_bytes)
ip netns exec "$NS_C" curl -s -o /dev/null http://192.0.2.1/blob.bin
sleep 0.5
after=$(tx_bytes)
kill -TERM $cap
RC=0
wait $cap || RC=$?
check_rc 0 "SIGTERM"
"$COSTS" export daily >"$T/d.csv"
got=$(awk -F, 'NR > 1 { e += $5 } END { print e + 0 }' "$T/d.csv")
pkts=$(awk -F, 'NR > 1 { p += $7 } END { print p + 0 }' "$T/d.csv")
# The interface counts Ethernet frames: 14 bytes more per packet.
check_eq "egress layer-3 bytes = interface bytes - 14 per packet" "$((after - before))" "$((got + 14 * pkts))"

# 4. SIGHUP reloads the config: flows after it use the new rules.
rm -f "$COSTS_DB"*
ip netns exec "$NS_S" "$COSTS" -v capture -i veth-s --flush 3600 >"$T/out" 2>"$T/err" &
cap=$!
sleep 1
ip netns exec "$NS_C" curl -s -o /dev/null http://192.0.2.1/blob.bin
printf '[service web]\nmatch = port=80\n' >"$T/empty.conf"
kill -HUP $cap
sleep 0.5
ip netns exec "$NS_C" curl -s -o /dev/null http://192.0.2.1/blob.bin
sleep 0.3
kill -INT $cap
RC=0
wait $cap || RC=$?
check_rc 0 "SIGINT after SIGHUP"
check_grep "reloaded" "$T/err" "reload noted with -v"
"$COSTS" export daily >"$T/d.csv"
http=$(eg http)
web=$(eg web)
[ "$http" -gt 300000 ] && [ "$http" -lt 330000 ] && pass || fail "http before the reload: $http"
[ "$web" -gt 300000 ] && [ "$web" -lt 330000 ] && pass || fail "web after the reload: $web"
: >"$T/empty.conf"

# 5. Address changes are picked up while capturing (netlink).
# The address is added once the first count is out (the watch is open by
# then), not after a fixed delay that a loaded machine may outlast.
ip netns exec "$NS_S" "$COSTS" -v capture -i veth-s --seconds 3 >"$T/out" 2>"$T/err" &
cap=$!
for _ in $(seq 100); do
	grep -q "local address" "$T/err" && break
	sleep 0.05
done
ip -n "$NS_S" addr add 192.0.2.9/24 dev veth-s
RC=0
wait $cap || RC=$?
check_rc 0 "capture across an address change"
first=$(sed -n "s/.*'veth-s' has \([0-9]*\) local address.*/\1/p" "$T/err" | head -1)
last=$(sed -n "s/.*'veth-s' has \([0-9]*\) local address.*/\1/p" "$T/err" | tail -1)
check_eq "new address seen" "$((first + 1))" "$last"
ip -n "$NS_S" addr del 192.0.2.9/24 dev veth-s

# 6. --user drops privileges after opening the device and the database.
if id nobody >/dev/null 2>&1; then
	mkdir -p "$T/dbdir"
	chmod 777 "$T/dbdir"
	COSTS_DB="$T/dbdir/c.db" ip netns exec "$NS_S" "$COSTS" capture -i veth-s --seconds 1 --user nobody >"$T/out" 2>"$T/err" &
	cap=$!
	sleep 0.5
	owner=$(ps -o user= -p $cap)
	RC=0
	wait $cap || RC=$?
	check_rc 0 "--user nobody"
	check_eq "runs as nobody" "nobody" "$owner"
	RC=0
	ip netns exec "$NS_S" "$COSTS" capture -i veth-s --seconds 1 --user no-such-user-xyz \
		>"$T/out" 2>"$T/err" || RC=$?
	check_rc 1 "unknown user"
	check_grep "unknown user 'no-such-user-xyz'" "$T/err" "unknown user message"
fi

# 7. A missing interface: error naming it.
run_costs capture -i no-such-if0 --seconds 1
check_rc 1 "missing interface"
check_grep "cannot capture on 'no-such-if0'" "$T/err" "message names the interface"
finish
