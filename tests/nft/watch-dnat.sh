#!/usr/bin/env bash
# Containers behind NAT, as Docker makes them: a bridge in the server
# namespace, a "container" namespace on it, and DNAT from the server's
# address to the container's ports (made here with ip and nft).  The table's
# forward hook counts what the container sends by service: a port rule on
# the container's side of the DNAT, and an SNI rule that `costs watch`
# decides.  Each must hold the bytes the container sent, as tcpdump saw
# them on the bridge port.  Also: `sample` says when payload rules have no
# watch running.
. "$SRCDIR/tests/lib.sh"
NETNS_IPV6=0
. "$SRCDIR/tests/nft/netns.sh"
. "$SRCDIR/tests/tls_site.sh"
for tool in nginx tshark openssl curl; do
	command -v "$tool" >/dev/null || skip "'$tool' is not installed"
done
PEERS="$SRCDIR/tests/nft/peers.py"
chmod 755 "$T"

CT=costs-k$$
BR=cb$$
ip netns add "$CT" || skip "cannot create a third network namespace"
mkdir -p "/etc/netns/$CL"
echo "192.0.2.1 box.example.com" >"/etc/netns/$CL/hosts"
dnat_cleanup() {
	[ -f "$T/nginx.pid" ] && kill "$(cat "$T/nginx.pid")" 2>/dev/null
	rm -rf "/etc/netns/$CL"
	netns_cleanup
	ip netns del "$CT" 2>/dev/null
}
trap dnat_cleanup EXIT

# The bridge and the container, Docker style.
ip -n "$NS" link add "$BR" type bridge
ip -n "$NS" addr add 198.51.100.1/24 dev "$BR"
ip -n "$NS" link set "$BR" up
ip link add "ck$$" type veth peer name "ch$$"
ip link set "ck$$" netns "$CT"
ip link set "ch$$" netns "$NS"
ip -n "$NS" link set "ch$$" master "$BR" up
ip -n "$CT" addr add 198.51.100.2/24 dev "ck$$"
ip -n "$CT" link set lo up
ip -n "$CT" link set "ck$$" up
ip -n "$CT" route add default via 198.51.100.1
ip netns exec "$NS" sysctl -qw net.ipv4.ip_forward=1
ip netns exec "$NS" nft -f - <<NFT || skip "cannot load a NAT table"
table ip dockerish {
	chain prerouting {
		type nat hook prerouting priority -100;
		ip daddr 192.0.2.1 tcp dport 8443 dnat to 198.51.100.2:443
		ip daddr 192.0.2.1 tcp dport 19000 dnat to 198.51.100.2:9000
	}
	chain postrouting {
		type nat hook postrouting priority 100;
		ip saddr 198.51.100.0/24 oifname != "$BR" masquerade
	}
}
NFT

cat >"$T/costs.conf" <<'CONF'
[service box]
match = port=tcp/9000

[service ctr]
match = sni=box.example.com
CONF
export COSTS_CONFIG="$T/costs.conf"

tls_cert "$T" box.example.com
mkdir -p "$T/www"
head -c 2000000 /dev/urandom >"$T/www/big.bin"
echo "	server { listen 198.51.100.2:443 ssl; server_name box.example.com; root $T/www; }" |
	nginx_conf "$T"

RC=0
srv "$COSTS" nft apply >"$T/out" 2>"$T/err" || RC=$?
check_rc 0 "nft apply"
ip netns exec "$CT" nginx -c "$T/nginx.conf" -e "$T/nginx-error.log" || fail "nginx did not start"
start_bg bulk ready ip netns exec "$CT" /usr/bin/python3 "$PEERS" bulk 198.51.100.2 9000 || exit 1
# Payload rules with no watch running: sample says so, once a day, even with -q.
RC=0
srv "$COSTS" -q sample >"$T/out" 2>"$T/err" || RC=$?
check_rc 0 "sample without watch"
check_grep "costs.conf has sni, host, path or detect rules but 'costs watch' is not running" \
	"$T/err" "sample -q says watch is not running"
RC=0
srv "$COSTS" -q sample >"$T/out" 2>"$T/err" || RC=$?
check_eq "said once a day" "" "$(cat "$T/err")"
start_bg watch "watching" "${SRV[@]}" "$COSTS" -v watch || exit 1
sqlite3 "$COSTS_DB" "DELETE FROM counters WHERE name = 'watch/warned'"
RC=0
srv "$COSTS" -q sample >"$T/out" 2>"$T/err" || RC=$?
check_eq "nothing said with watch running" "" "$(cat "$T/err")"
WATCH_PID=$LAST_PID
start_bg tcpdump "listening on" "${SRV[@]}" tcpdump -n --immediate-mode -i "ch$$" -s 2048 -B 65536 -U -w "$T/cap.pcap" || exit 1
TCPDUMP_PID=$LAST_PID

RC=0
srv "$COSTS" sample >"$T/out" 2>"$T/err" || RC=$?
check_rc 0 "first sample"
RC=0
srv "$COSTS" report --source nft --format csv >"$T/report0" 2>"$T/err" || RC=$?

# SIGHUP reloads the config; watch goes on deciding.
kill -HUP "$WATCH_PID"
for i in $(seq 50); do grep -q reloaded "$T/watch.log" && break; sleep 0.1; done
check_grep "reloaded '$T/costs.conf'" "$T/watch.log" "SIGHUP reloads the config"
for i in 1 2 3; do
	cli curl -sk -o /dev/null "https://box.example.com:8443/big.bin" || fail "download through DNAT"
done
cli /usr/bin/python3 "$PEERS" client-bulk 192.0.2.1 19000 5 300000 || fail "bulk client through DNAT"
sleep 3 # watch stores its moves every 2 s
kill -TERM "$WATCH_PID"
wait "$WATCH_PID" 2>/dev/null
cat "$T/watch.log"

RC=0
srv "$COSTS" sample >"$T/out" 2>"$T/err" || RC=$?
check_rc 0 "second sample"
sleep 0.5
kill -INT "$TCPDUMP_PID"
wait "$TCPDUMP_PID" 2>/dev/null
grep -q "^0 packets dropped by kernel" "$T/tcpdump.log" ||
	skip "tcpdump lost packets, so there is no truth to compare with: $(tail -1 "$T/tcpdump.log")"
RC=0
srv "$COSTS" report --source nft --format csv >"$T/report" 2>"$T/err" || RC=$?
check_rc 0 "report"

# What the container sent, by its source port.
tshark -r "$T/cap.pcap" -T fields -e ip.src -e tcp.srcport -e ip.len >"$T/lens" 2>/dev/null ||
	skip "tshark cannot read the capture"
awk '$1 == "198.51.100.2" { s = ($2 == 443 ? "ctr" : ($2 == 9000 ? "box" : "rest")); b[s] += $3 }
	END { for (k in b) print k, b[k] }' "$T/lens" | sort >"$T/truth"
col=$(head -1 "$T/report" | tr ',' '\n' | grep -n '^egress_bytes$' | cut -d: -f1)
awk -F, -v c="$col" 'FNR == 1 { n++; next } { b[$3] += (n == 1 ? -$c : $c) }
	END { for (k in b) print k, b[k] }' "$T/report0" "$T/report" | sort >"$T/stored"
echo "container egress by port (tcpdump):"; cat "$T/truth"
echo "stored egress by service:"; cat "$T/stored"
get() { awk -v s="$2" '$1 == s { print $2; f = 1 } END { if (!f) print 0 }' "$1"; }
check_eq "box (port rule on the container side) holds what the container sent from 9000" \
	"$(get "$T/truth" box)" "$(get "$T/stored" box)"
truth=$(get "$T/truth" ctr)
got=$(get "$T/stored" ctr)
[ "$truth" -gt 6000000 ] || fail "ctr: too little traffic ($truth bytes)"
awk -v t="$truth" -v g="$got" 'BEGIN { printf "ctr: %.4f %% of the bytes in their service\n", 100 * g / t }'
if awk -v t="$truth" -v g="$got" 'BEGIN { exit !(g <= t && g >= 0.999 * t) }'; then pass; else
	fail "ctr egress: stored $got bytes, truth $truth"
fi
finish
