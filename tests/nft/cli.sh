#!/usr/bin/env bash
# costs nft show and the command-line surface of nft and sample, without the
# kernel: the ruleset for a config with every kind of term (golden file),
# terms reported with their config lines, usage errors.
. "$SRCDIR/tests/lib.sh"

cat >"$T/costs.conf" <<'CONF'
[service web]
match = port=8080
match = addr=192.0.2.99/32 port=tcp/9000-9100

[service game]
match = sni=ws.example.com
match = port=udp/9001 uid=1000

[service api]
match = cgroup=system.slice/api.service
match = uid=33

[service v6]
match = addr=2001:db8::/64

[service mcp]
match = port=80 path=/mcp
match = detect=mcp
CONF
export COSTS_CONFIG="$T/costs.conf"

run_costs nft show
check_rc 0 "nft show"
sed "s|$T|CONFDIR|" "$T/out" >"$T/show"
check_golden nft-show.nft "$T/show"
check_grep "costs.conf:6: service 'game': term 'sni'" "$T/err" "sni reported with its line"
check_grep "costs.conf:7: service 'game': term 'uid'.*left out for ingress" "$T/err" "uid egress only"
check_grep "costs.conf:10: service 'api': term 'cgroup'" "$T/err" "cgroup not found here reported"
check_grep "costs.conf:17: service 'mcp': term 'path'" "$T/err" "path reported"
check_grep "costs.conf:18: service 'mcp': term 'detect'" "$T/err" "detect reported"
[ "$(wc -l <"$T/err")" = 6 ] && pass || fail "expected 6 warnings: $(cat "$T/err")"
run_costs -q nft show
check_eq "quiet nft show prints no warnings" "" "$(cat "$T/err")"

# Without a config: the built-in services that ports express.
: >"$T/empty.conf"
COSTS_CONFIG="$T/empty.conf" run_costs nft show
check_rc 0 "nft show with an empty config"
check_grep "meta l4proto { tcp, udp } th sport 443 counter name egress_https accept" "$T/out" "built-in https"
check_grep "tcp dport 80 counter name ingress_http accept" "$T/out" "built-in http"
check_grep 'oif "lo" return' "$T/out" "loopback excluded on output"
check_grep 'iif "lo" return' "$T/out" "loopback excluded on input"

run_costs nft
check_rc 2 "nft without subcommand"
run_costs nft frobnicate
check_rc 2 "nft with an unknown subcommand"
check_grep "unknown subcommand 'frobnicate'" "$T/err" "unknown subcommand named"
run_costs nft --help
check_rc 0 "nft --help"
check_grep "apply" "$T/out" "nft help lists apply"
run_costs sample --help
check_rc 0 "sample --help"
check_grep "boot-id-file" "$T/out" "sample help documents --boot-id-file"
run_costs sample --pause-before-commit soon
check_rc 2 "bad --pause-before-commit"
run_costs sample extra
check_rc 2 "sample with an argument"
# costs top: bad options are usage errors, checked before the kernel.
for bad in 0 0.05 3601 -1 soon 1s; do
	run_costs top --interval "$bad"
	check_rc 2 "top --interval $bad"
	check_grep "bad --interval '$bad' (seconds, 0.1 to 3600)" "$T/err" "bad --interval $bad named"
done
run_costs top --format json
check_rc 2 "top --format json"
run_costs top extra
check_rc 2 "top with an argument"
run_costs top --help
check_rc 0 "top --help"
check_grep "egress_SERVICE" "$T/out" "top help documents the --once keys"
if nobody_can_run; then
	RC=0
	COSTS_CONFIG=/dev/null setpriv --reuid=65534 --regid=65534 --clear-groups "$COSTS" top --once >"$T/out" 2>"$T/err" || RC=$?
	check_rc 1 "top without CAP_NET_ADMIN"
	check_grep "CAP_NET_ADMIN" "$T/err" "top says which permission it needs"
fi
run_costs watch extra
check_rc 2 "watch with an argument"
check_grep "unexpected argument 'extra'" "$T/err" "watch names the argument"
run_costs watch --frobnicate
check_rc 2 "watch with an unknown option"
# The ruleset for `costs watch`: marks first, undecided packets logged with their fallback.
check_grep 'ct mark 0x[0-9a-f]* counter name egress_game accept' "$T/show" "game counted by mark"
check_grep 'th sport 443 counter name egress_https log prefix "e:https" group 3303 snaplen 2048 accept' \
	"$T/show" "undecided https packets logged"
finish
