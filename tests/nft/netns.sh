# Network namespace fixture for the nft integration tests; source it after
# tests/lib.sh.  Creates a server namespace ($NS, 192.0.2.1 and 2001:db8::1 on
# veth $IF) and a client namespace ($CL, 192.0.2.2, 2001:db8::2), and cleans
# both up on exit.  Commands in the server namespace run through `srv`, which
# mounts a cgroup2 hierarchy on /sys/fs/cgroup inside the mount namespace
# `ip netns exec` creates (nft resolves `socket cgroupv2` paths there); the
# host's mounts are not touched.

[ "$(id -u)" = 0 ] || skip "needs root to create network namespaces"
for tool in ip nft tcpdump unshare; do
	command -v "$tool" >/dev/null || skip "'$tool' is not installed"
done
[ -x /usr/bin/python3 ] || skip "/usr/bin/python3 is not installed"
/usr/bin/python3 -c 'import websockets' 2>/dev/null || skip "python3-websockets is not installed"

NS=costs-s$$
CL=costs-c$$
IF=cs$$
PIDS=""
CGNAME=""

netns_cleanup() {
	local p
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do wait "$p" 2>/dev/null; done
	ip netns del "$NS" 2>/dev/null
	ip netns del "$CL" 2>/dev/null
	if [ -n "$CGNAME" ]; then
		srv sh -c "rmdir /sys/fs/cgroup/$CGNAME/* /sys/fs/cgroup/$CGNAME" 2>/dev/null
	fi
	[ -n "${COSTS_TEST_KEEP:-}" ] && echo "kept $T" >&2 || rm -rf "$T"
}
trap netns_cleanup EXIT

ip netns add "$NS" 2>/dev/null || skip "cannot create network namespaces here"
ip netns add "$CL" || skip "cannot create a second network namespace"
ip netns exec "$NS" true 2>/dev/null ||
	skip "ip netns exec does not work here (a chroot whose / is not a mount point?)"
# No IPv6 chatter of the kernel's own (link-local addresses, router
# solicitations, neighbour discovery), so what the counters and the capture
# see is the tests' traffic.
# A test that sets NETNS_IPV6=0 before sourcing this file gets no IPv6 at
# all, not even the multicast listener reports sent for its addresses.
for n in "$NS" "$CL"; do
	ip netns exec "$n" sysctl -qw net.ipv6.conf.default.addr_gen_mode=1 \
		net.ipv6.conf.default.router_solicitations=0 net.ipv6.conf.default.dad_transmits=0
	if [ "${NETNS_IPV6:-1}" = 0 ]; then
		ip netns exec "$n" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 \
			net.ipv6.conf.all.disable_ipv6=1
	fi
done
ip link add "$IF" type veth peer name "${IF}p" || skip "cannot create veth interfaces"
ip link set "$IF" netns "$NS"
ip link set "${IF}p" netns "$CL"
ip -n "$NS" addr add 192.0.2.1/24 dev "$IF"
[ "${NETNS_IPV6:-1}" = 0 ] || ip -n "$NS" addr add 2001:db8::1/64 dev "$IF" nodad
ip -n "$CL" addr add 192.0.2.2/24 dev "${IF}p"
[ "${NETNS_IPV6:-1}" = 0 ] || ip -n "$CL" addr add 2001:db8::2/64 dev "${IF}p" nodad
ip -n "$NS" link set lo up
ip -n "$CL" link set lo up
ip -n "$NS" link set "$IF" up
ip -n "$CL" link set "${IF}p" up
SMAC=$(cat "/sys/class/net/$IF/address" 2>/dev/null || ip netns exec "$NS" cat "/sys/class/net/$IF/address")
CMAC=$(ip netns exec "$CL" cat "/sys/class/net/${IF}p/address")
if [ "${NETNS_IPV6:-1}" != 0 ]; then
	ip -n "$NS" neigh replace 2001:db8::2 lladdr "$CMAC" dev "$IF" nud permanent
	ip -n "$CL" neigh replace 2001:db8::1 lladdr "$SMAC" dev "${IF}p" nud permanent
fi
ip -n "$NS" neigh replace 192.0.2.2 lladdr "$CMAC" dev "$IF" nud permanent
ip -n "$CL" neigh replace 192.0.2.1 lladdr "$SMAC" dev "${IF}p" nud permanent

# srv CMD...: runs CMD in the server namespace with cgroup2 on /sys/fs/cgroup.
# SRV and CLI are the same prefixes as arrays, for start_bg, which needs a
# command that execs all the way down so that its pid is the server's.
SRV=(ip netns exec "$NS" sh -c 'mount -t cgroup2 none /sys/fs/cgroup 2>/dev/null; exec "$@"' sh)
CLI=(ip netns exec "$CL")
srv() {
	"${SRV[@]}" "$@"
}

# cli CMD...: runs CMD in the client namespace.
cli() {
	"${CLI[@]}" "$@"
}

# start_bg NAME PATTERN CMD...: starts CMD in the background, output in
# $T/NAME.log, its pid in $LAST_PID, and waits until the log matches PATTERN
# or 10 s pass.
start_bg() {
	local name=$1 pattern=$2 i
	shift 2
	"$@" >"$T/$name.log" 2>&1 &
	LAST_PID=$!
	PIDS="$PIDS $!"
	for i in $(seq 100); do
		grep -q "$pattern" "$T/$name.log" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "$name did not start: $(cat "$T/$name.log")" >&2
	return 1
}

# wait_port PORT: waits until something listens on TCP PORT in the server namespace.
wait_port() {
	local i
	for i in $(seq 100); do
		ip netns exec "$NS" ss -ltnH "sport = :$1" | grep -q . && return 0
		sleep 0.1
	done
	echo "nothing listens on port $1" >&2
	return 1
}

# The peers (tests/nft/peers.py) and the helpers the counter tests share.
PEERS="$SRCDIR/tests/nft/peers.py"

# costsn ARGS...: runs costs in the server namespace; stdout in $T/out,
# stderr in $T/err, status in $RC.
costsn() {
	RC=0
	srv "$COSTS" "$@" >"$T/out" 2>"$T/err" || RC=$?
}

# stored [FIELD]: the stored nft totals of service web (FIELD of export
# daily's columns: 5 egress bytes (default), 6 ingress bytes, 7 and 8 packets).
stored() {
	srv "$COSTS" report --source nft --service web --format csv |
		awk -F, -v f="${1:-5}" 'NR > 1 { s += $f } END { printf "%.0f\n", s }'
}

# traffic N BYTES: N bulk TCP connections from the client, each BYTES to port 7000.
traffic() {
	cli /usr/bin/python3 "$PEERS" client-bulk 192.0.2.1 7000 "$1" "$2" || fail "client"
}

# captured: the layer-3 egress bytes of TCP port 7000 in $T/cap.pcap (a
# tcpdump the test started on the server's interface).
captured() {
	sleep 0.3
	/usr/bin/python3 "$SRCDIR/tests/nft/pcapsum.py" "$T/cap.pcap" "$SMAC" |
		awk '$1 == "egress" && $3 == 6 && $4 == 7000 { b += $5 } END { print b + 0 }'
}
