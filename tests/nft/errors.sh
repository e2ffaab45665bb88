#!/usr/bin/env bash
# Failures that need the kernel: sampling without the table, without
# permission, and removing a table that is not there.  Each sample failure
# exits 1 with a hint and leaves the store as it was (not even created).
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/nft/netns.sh"

printf '[service web]\nmatch = port=tcp/7000\n' >"$T/costs.conf"
export COSTS_CONFIG="$T/costs.conf"

# No table, no database yet: exit 1, the hint, and no database created.
costsn sample
check_rc 1 "sample without the table"
check_grep "run 'costs nft apply' first" "$T/err" "hint to apply"
[ -e "$COSTS_DB" ] && fail "a failed first sample created the database" || pass

# A dry run with no database yet creates none (the table loaded with nft).
srv "$COSTS" nft show >"$T/ruleset.nft"
srv nft -f "$T/ruleset.nft" || fail "nft -f"
costsn sample --dry-run
check_rc 0 "dry run without a database"
check_grep "nft    web" "$T/out" "dry run prints the deltas"
[ -e "$COSTS_DB" ] && fail "a dry run created the database" || pass
ls /tmp/costs-dry-run-* >/dev/null 2>&1 && fail "a dry run left its scratch database" || pass

# No table, a database with totals: untouched.
costsn nft apply
check_rc 0 "apply"
costsn sample
check_rc 0 "sample"
srv nft delete table inet costs
sum1=$(sqlite3 "$COSTS_DB" .dump | md5sum)
costsn sample
check_rc 1 "sample after the table was deleted"
check_grep "does not exist (run 'costs nft apply' first)" "$T/err" "hint after delete"
check_eq "store untouched by a failed sample" "$sum1" "$(sqlite3 "$COSTS_DB" .dump | md5sum)"

# Not root and no CAP_NET_ADMIN: exit 1 and a hint, store untouched.
costsn nft apply
if nobody_can_run; then
	chmod 755 "$T"
	sum1=$(sqlite3 "$COSTS_DB" .dump | md5sum)
	RC=0
	srv setpriv --reuid=65534 --regid=65534 --clear-groups "$COSTS" sample >"$T/out" 2>"$T/err" || RC=$?
	check_rc 1 "sample as nobody"
	check_grep "CAP_NET_ADMIN" "$T/err" "permission hint"
	check_eq "store untouched by an unprivileged sample" "$sum1" "$(sqlite3 "$COSTS_DB" .dump | md5sum)"
	RC=0
	srv setpriv --reuid=65534 --regid=65534 --clear-groups "$COSTS" nft apply >"$T/out" 2>"$T/err" || RC=$?
	check_rc 1 "apply as nobody"
	check_grep "CAP_NET_ADMIN" "$T/err" "permission hint for apply"
	# With CAP_NET_ADMIN (and no root) sampling works, into a store of its own.
	mkdir "$T/nb"
	chown 65534 "$T/nb"
	RC=0
	COSTS_DB="$T/nb/costs.db" srv setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=+net_admin \
		--ambient-caps=+net_admin "$COSTS" sample >"$T/out" 2>"$T/err" || RC=$?
	check_rc 0 "sample as nobody with CAP_NET_ADMIN"
else
	echo "SKIP part: uid 65534 cannot run $COSTS here (a build under /root?)"
fi

# remove samples first, then deletes; removing again only warns.
costsn nft remove
check_rc 0 "remove"
srv nft list table inet costs >/dev/null 2>&1 && fail "table still there after remove" || pass
costsn nft remove
check_rc 0 "remove again"
check_grep "nothing to remove" "$T/err" "remove of a missing table warns"
finish
