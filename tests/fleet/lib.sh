# Fleet helpers: three hosts' stores, a `costs serve` for each and a real
# Prometheus (Debian's package) on loopback scraping them every second.
# Source after tests/lib.sh; skips (77) when prometheus is not installed.
command -v prometheus >/dev/null || skip "prometheus not installed (Debian package prometheus)"
command -v curl >/dev/null || skip "curl not installed"
export COSTS_PROVIDERS="$SRCDIR/providers"
HOSTS="alpha beta gamma"
PIDS=""
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$T"' EXIT

# host_costs HOST ARGS...: costs on HOST's own store and config
host_costs() {
	local h=$1
	shift
	"$COSTS" --db "$T/$h.db" --config "$T/$h.conf" "$@"
}

# free_port: a loopback TCP port nobody listens on now
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# make_stores: real captures of files plus recent days, different per host
make_stores() {
	local h k i=0 f
	for h in $HOSTS; do
		printf '[costs]\nhost = %s\n' "$h" >"$T/$h.conf"
		i=$((i + 1))
	done
	host_costs alpha capture -r "$SRCDIR/tests/data/capture/web.pcap" --local auto >/dev/null || fail "capture alpha"
	host_costs beta capture -r "$SRCDIR/tests/data/capture/web-any.pcapng" --local auto >/dev/null || fail "capture beta"
	f="$SRCDIR/../shared/captures/ndpi__reddit.pcap"
	[ -f "$f" ] && { host_costs gamma capture -r "$f" --local auto >/dev/null || fail "capture gamma"; }
	i=0
	for h in $HOSTS; do
		i=$((i + 1))
		{
			echo "day,host,service,source,egress_bytes,ingress_bytes,egress_packets,ingress_packets"
			for k in 0 1 2 3 4 5 6; do
				echo "$(date -u -d "-$k day" +%F),$h,https,import,$(((k + i) * 1000000007 + i * 131)),$((k * 10 + i)),$((k + 3)),$k"
				echo "$(date -u -d "-$k day" +%F),$h,mcp,import,$(((k * i + 1) * 300000001)),$i,$i,$i"
			done
		} >"$T/$h.csv"
		host_costs "$h" import "$T/$h.csv" >/dev/null || fail "import $h"
	done
}

# start_serves: one costs serve per host; sets TARGETS (quoted, comma separated)
start_serves() {
	local h p
	TARGETS=""
	for h in $HOSTS; do
		host_costs "$h" serve --listen 127.0.0.1:0 >"$T/$h.serve" 2>&1 &
		PIDS="$PIDS $!"
		for _ in $(seq 50); do
			grep -q 'port [0-9]' "$T/$h.serve" && break
			sleep 0.1
		done
		p=$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$T/$h.serve")
		[ -n "$p" ] || { fail "serve $h did not start: $(cat "$T/$h.serve")"; finish; }
		eval "PORT_$h=$p"
		TARGETS="$TARGETS${TARGETS:+, }'127.0.0.1:$p'"
	done
}

# start_prometheus: scrapes TARGETS every second; sets PROM (its URL)
start_prometheus() {
	local port
	port=$(free_port)
	cat >"$T/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: costs
    static_configs:
      - targets: [$TARGETS]
YML
	prometheus --config.file="$T/prometheus.yml" --storage.tsdb.path="$T/prom" \
		--web.listen-address="127.0.0.1:$port" >"$T/prometheus.log" 2>&1 &
	PIDS="$PIDS $!"
	PROM="http://127.0.0.1:$port"
	for _ in $(seq 120); do
		[ "$(prom_value 'count(up{job="costs"} == 1)')" = 3 ] &&
			[ "$(prom_value 'count(count by (instance) (costs_day_egress_bytes))')" = 3 ] && return 0
		sleep 0.5
	done
	fail "prometheus did not scrape the three serves: $(tail -5 "$T/prometheus.log"; curl -s "$PROM/api/v1/targets" | head -c 1500)"
	finish
}

# prom_query PROMQL: the instant vector as "labels value" lines (value as an integer)
prom_query() {
	curl -s -G --data-urlencode "query=$1" "$PROM/api/v1/query" |
		/usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
for r in d["data"]["result"]:
    m = r["metric"]
    print(",".join("%s=%s" % (k, m[k]) for k in sorted(m)), "%.0f" % float(r["value"][1]))' 2>/dev/null
}

# prom_value PROMQL: the single value of a query with one result
prom_value() {
	prom_query "$1" | awk 'NR == 1 { print $NF }'
}
