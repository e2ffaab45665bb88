#!/usr/bin/env bash
# Notes speak only of real loss: `nft apply` samples the old table before
# replacing it, so re-applying loses nothing and the report must not say
# "counter resets (bytes ... lost)" (before the fix: one per counter per
# apply), while the JSON report carries the same notes as the table.
. "$SRCDIR/tests/lib.sh"
NETNS_IPV6=0
. "$SRCDIR/tests/nft/netns.sh"

printf '[service web]\nmatch = port=tcp/7000\n' >"$T/costs.conf"
export COSTS_CONFIG="$T/costs.conf"
for i in 1 2 3; do
	srv "$COSTS" nft apply >/dev/null 2>"$T/err" || fail "apply $i: $(cat "$T/err")"
	srv "$COSTS" sample 2>"$T/err" || fail "sample $i: $(cat "$T/err")"
done
srv "$COSTS" report --source nft >"$T/out" 2>&1
check_eq "no loss note after re-applying" "0" "$(grep -c 'counter resets' "$T/out")"
check_eq "coverage records no reset" "0" \
	"$(sqlite3 "$COSTS_DB" "SELECT coalesce(sum(resets), 0) FROM coverage")"
srv "$COSTS" report --source nft --format json >"$T/json" 2>&1
check_eq "JSON has a notes array" "0" \
	"$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["notes"]))' "$T/json")"
finish
