#!/usr/bin/env bash
# Accuracy of service attribution: for each capture with expected per-service
# egress (worked out by tshark, see record.sh and shared-expected.sh), the
# share of egress bytes that landed in the expected service, i.e. the sum
# over services of min(expected, measured) divided by the expected total.
#
#   accuracy.sh
#
# Each capture goes through `costs capture -r FILE --local auto` into a fresh
# database, then `costs export daily`, summed per service: the whole product
# path, decoding and flows included.
# Targets: >= 99.9 % on the recorded fixtures, >= 99 % on ../shared/captures
# (skipped when that folder is absent).  Prints every figure.
. "$SRCDIR/tests/lib.sh"
DATA=${COSTS_CLASSIFY_DATA:-$SRCDIR/tests/data/classify}
CAP=${COSTS_SHARED_CAPTURES:-$SRCDIR/../shared/captures}
"$COSTS" capture --help >/dev/null 2>&1 || skip "costs has no capture command in this build"

# measure FILE CONFIG -> "service,bytes" lines on stdout
measure() {
	local file=$1 conf=$2
	rm -f "$T/m.db"
	local args=(-q --db "$T/m.db")
	[ -n "$conf" ] && args+=(--config "$conf")
	if ! "$COSTS" "${args[@]}" capture -r "$file" --local auto >"$T/cap.out" 2>"$T/cap.err"; then
		echo "capture failed on $file: $(head -c 300 "$T/cap.err")" >&2
		return 1
	fi
	"$COSTS" "${args[@]}" export daily >"$T/daily.csv" 2>"$T/exp.err" || return 1
	# day,host,service,source,egress_bytes,...
	awk -F, 'NR > 1 { e[$3] += $5 } END { for (s in e) printf "%s,%d\n", s, e[s] }' "$T/daily.csv"
}

# check_set NAME EXPECTED_CSV DIR CONFIG TARGET_PERMILLE_X10
check_set() {
	local name=$1 csv=$2 dir=$3 conf=$4 target=$5
	local set_exp=0 set_ok=0 file
	for file in $(tail -n +2 "$csv" | cut -d, -f1 | sort -u); do
		if [ ! -f "$dir/$file" ]; then
			fail "$name: $dir/$file is missing"
			continue
		fi
		if ! measure "$dir/$file" "$conf" >"$T/got"; then
			fail "$name: measuring $file failed"
			continue
		fi
		read -r exp ok got < <(awk -F, -v f="$file" '
			FILENAME == ARGV[1] && $1 == f { want[$2] = $3; te += $3 }
			FILENAME == ARGV[2] { got[$1] = $2; tg += $2 }
			END { for (s in want) ok += (got[s] < want[s] ? got[s] : want[s]); printf "%d %d %d\n", te, ok, tg }' \
			"$csv" "$T/got")
		printf '%-52s expected %8d  measured %8d  attributed right %8d  %7.3f %%  [%s]\n' \
			"$file" "$exp" "$got" "$ok" "$(awk -v a="$ok" -v b="$exp" 'BEGIN { print b ? 100 * a / b : 0 }')" \
			"$(tr '\n' ' ' <"$T/got")"
		set_exp=$((set_exp + exp))
		set_ok=$((set_ok + ok))
	done
	local pct
	pct=$(awk -v a="$set_ok" -v b="$set_exp" 'BEGIN { printf "%.3f", b ? 100 * a / b : 0 }')
	echo "$name: $set_ok of $set_exp egress bytes in the expected service: $pct % (target $target %)"
	if awk -v p="$pct" -v t="$target" 'BEGIN { exit !(p >= t) }'; then pass; else fail "$name accuracy $pct % < $target %"; fi
}

check_set recorded "$DATA/expected.csv" "$DATA" "$DATA/fixtures.conf" 99.9
if [ -d "$CAP" ]; then
	: >"$T/builtin.conf" # no services: the built-ins only
	check_set shared "$DATA/shared-expected.csv" "$CAP" "$T/builtin.conf" 99
else
	echo "shared captures not found at $CAP: that set is not measured"
fi
finish
