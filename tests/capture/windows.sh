#!/usr/bin/env bash
# windows.sh COSTS FILE WORKDIR [CONFIG] [LOCAL]: cuts FILE into 5-second
# windows (editcap -i 5), captures each window with its own `costs capture
# -r` into one database (as cron would), the whole file into another, and
# prints "same=PCT egress=BYTES": the share of the whole capture's egress
# bytes that the windows put in the same services (sum over services of
# the smaller of the two, over the whole capture's total).  Helper of
# verdicts.sh, also run by hand on other recordings.
set -euo pipefail
COSTS=$1 FILE=$2 W=$3 CONF=${4:-} LOCAL=${5:-auto}
rm -rf "$W/win"
mkdir -p "$W/win"
rm -f "$W/windows.db" "$W/whole.db"
editcap -i 5 "$FILE" "$W/win/w.pcap" >/dev/null
args=(-q)
[ -n "$CONF" ] && args+=(--config "$CONF")
for f in $(ls "$W"/win/ | sort); do
	"$COSTS" "${args[@]}" --db "$W/windows.db" capture -r "$W/win/$f" --again --local "$LOCAL" >/dev/null
done
"$COSTS" "${args[@]}" --db "$W/whole.db" capture -r "$FILE" --local "$LOCAL" >/dev/null
per_service() {
	sqlite3 "$1" "SELECT service, sum(bytes) FROM daily WHERE direction = 'egress' GROUP BY service"
}
per_service "$W/whole.db" | sort >"$W/whole.txt"
per_service "$W/windows.db" | sort >"$W/windows.txt"
join -t'|' -a1 -a2 -e0 -o 0,1.2,2.2 "$W/whole.txt" "$W/windows.txt" >"$W/both.txt"
awk -F'|' '{ t += $2; m += ($2 < $3 ? $2 : $3) }
	END { printf "same=%.2f egress=%d\n", t ? 100 * m / t : 100, t }' "$W/both.txt"
