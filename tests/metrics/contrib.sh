# The examples in contrib/: the Prometheus scrape config and alert rules
# pass promtool (and the alerts fire, or not, on the series costs serve
# exposes: tests/metrics/rules.test.yml), the Grafana dashboard is JSON
# with a PromQL query in every panel, and the Netdata job is YAML with a
# job that points at costs serve.
. "$SRCDIR/tests/lib.sh"
command -v promtool >/dev/null || skip "promtool not installed (Debian package prometheus)"
cp "$SRCDIR/contrib/prometheus/prometheus.yml" "$SRCDIR/contrib/prometheus/costs-rules.yml" "$T/"
if (cd "$T" && promtool check config prometheus.yml) >"$T/out" 2>&1; then pass; else fail "check config: $(cat "$T/out")"; fi
if promtool check rules "$SRCDIR/contrib/prometheus/costs-rules.yml" >"$T/out" 2>&1; then pass; else fail "check rules: $(cat "$T/out")"; fi
check_grep "3 rules found" "$T/out" "three rules"
if promtool test rules "$SRCDIR/tests/metrics/rules.test.yml" >"$T/out" 2>&1; then pass; else fail "test rules: $(cat "$T/out")"; fi
d="$SRCDIR/contrib/grafana/costs-dashboard.json"
if /usr/bin/python3 -m json.tool "$d" >/dev/null 2>"$T/out"; then pass; else fail "dashboard JSON: $(cat "$T/out")"; fi
check_eq "every panel has a costs query" 0 "$(/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(sum(1 for p in d["panels"] if "costs_" not in p["targets"][0]["expr"]))' "$d")"
if /usr/bin/python3 -c 'import yaml' 2>/dev/null; then
	check_eq "netdata job" "costs http://127.0.0.1:9489/metrics" "$(/usr/bin/python3 -c '
import sys, yaml
j = yaml.safe_load(open(sys.argv[1]))["jobs"][0]
print(j["name"], j["url"])' "$SRCDIR/contrib/netdata/go.d-prometheus-costs.conf")"
else
	echo "python3-yaml not installed: the Netdata job is not parsed"
fi
finish
