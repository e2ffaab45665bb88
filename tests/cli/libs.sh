#!/usr/bin/env bash
# libcurl, libmicrohttpd, libnftables and libnetfilter_conntrack are loaded
# by the commands that use them (import --prometheus, serve, nft/sample/top/
# watch, watch), not linked into costs: every other command starts without
# them, and works on a machine that lacks them.  Without a library, its
# command fails with a message naming it and leaves the database as it was.
# The second part hides the libraries in a private mount namespace (needs
# root and unshare; skipped otherwise).
. "$SRCDIR/tests/lib.sh"

if command -v readelf >/dev/null; then
	readelf -d "$COSTS" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' >"$T/needed"
	check_grep 'libsqlite3' "$T/needed" "readelf lists what costs links"
	check_eq "costs links none of the libraries it loads on use" "" \
		"$(grep -E 'libcurl|libmicrohttpd|libnftables|libnetfilter_conntrack' "$T/needed")"
fi

# hidden LIB... -- ARGS...: runs costs with each LIB (a soname) replaced by
# an empty file, in a mount namespace of its own (the host keeps its files);
# with HIDDEN_NET=1, in a network namespace of its own too; HIDDEN_FIRST
# names a costs command run there first.
hidden() {
	local binds=() path
	while [ "$1" != -- ]; do
		path=$(/sbin/ldconfig -p | awk -v so="$1" '$1 == so { print $NF; exit }')
		[ -n "$path" ] || skip "$1 is not in the loader's cache"
		binds+=("$(readlink -f "$path")")
		shift
	done
	shift
	RC=0
	unshare --mount --propagation private ${HIDDEN_NET:+--net} sh -c '
		costs=$1 empty=$2 n=$3
		shift 3
		while [ "$n" -gt 0 ]; do mount --bind "$empty" "$1" || exit 125; shift; n=$((n - 1)); done
		[ -z "${HIDDEN_FIRST:-}" ] || "$costs" $HIDDEN_FIRST >/dev/null || exit 124
		exec "$costs" "$@"' sh "$COSTS" "$T/empty" "${#binds[@]}" "${binds[@]}" "$@" \
		>"$T/out" 2>"$T/err" </dev/null || RC=$?
	[ "$RC" != 125 ] || skip "cannot bind-mount over a library: $(cat "$T/err")"
}

if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null &&
	unshare --mount --propagation private true 2>/dev/null; then
	: >"$T/empty"
	export COSTS_PROVIDERS="$SRCDIR/providers"
	run_costs capture -r "$SRCDIR/tests/data/capture/web.pcap" --local auto
	check_rc 0 "capture web.pcap"
	# serve opens the store read-only first, which may leave an empty -shm
	# beside it: the file and what export reads are what must not change.
	sum() { sha256sum <"$COSTS_DB" && "$COSTS" export daily | sha256sum; }
	before=$(sum)

	hidden libcurl.so.4 -- import --prometheus http://127.0.0.1:9 --month 2026-05
	check_rc 1 "import --prometheus without libcurl"
	check_grep "^costs: cannot load libcurl.so.4 (Debian package libcurl4): .*libcurl.so.4.*: file too short (nothing imported)$" \
		"$T/err" "the message names libcurl and the loader's reason"
	check_eq "the database is as it was" "$before" "$(sum)"

	hidden libmicrohttpd.so.12 -- serve --listen 127.0.0.1:0
	check_rc 1 "serve without libmicrohttpd"
	check_grep "^costs: cannot load libmicrohttpd.so.12 (Debian package libmicrohttpd12): .*: file too short$" \
		"$T/err" "the message names libmicrohttpd"
	check_eq "serve printed nothing on stdout" "" "$(cat "$T/out")"
	check_eq "the database is as it was" "$before" "$(sum)"

	# nft and watch in a network namespace of their own: the host's tables
	# and NFLOG groups are not touched.  watch needs the table, applied in
	# the same namespace first (HIDDEN_FIRST).
	if command -v ip >/dev/null && COSTS_DB="$T/probe.db" HIDDEN_NET=1 hidden -- nft apply &&
		[ "$RC" = 0 ]; then
		HIDDEN_NET=1 hidden libnftables.so.1 -- nft apply
		check_rc 1 "nft apply without libnftables"
		check_grep "^costs: .*cannot load libnftables.so.1 (Debian package libnftables1): .*: file too short" \
			"$T/err" "the message names libnftables"
		check_eq "the database is as it was" "$before" "$(sum)"
		HIDDEN_FIRST="nft apply" HIDDEN_NET=1 hidden libnetfilter_conntrack.so.3 -- watch
		check_rc 1 "watch without libnetfilter_conntrack"
		check_grep "^costs: cannot load libnetfilter_conntrack.so.3 (Debian package libnetfilter-conntrack3): .*: file too short" \
			"$T/err" "the message names libnetfilter_conntrack"
	else
		echo "note: nft apply does not work in a new network namespace here: its checks do not run"
	fi

	# Every other command runs without any of them.
	all="libcurl.so.4 libmicrohttpd.so.12 libnftables.so.1 libnetfilter_conntrack.so.3"
	hidden $all -- --version
	check_rc 0 "--version without the libraries"
	hidden $all -- capture -r "$SRCDIR/tests/data/capture/web-any.pcapng" --local auto
	check_rc 0 "capture without the libraries"
	hidden $all -- report --format csv
	check_rc 0 "report without the libraries"
	check_grep "https" "$T/out" "report shows the captured service"
	hidden $all -- metrics
	check_rc 0 "metrics without the libraries"
	check_grep "^costs_day_egress_bytes" "$T/out" "metrics renders"
else
	echo "note: not root or no unshare --mount: the hidden-library checks do not run"
fi
finish
