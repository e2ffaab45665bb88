# What a new user meets when something is wrong: bad paths, unwritable
# directories, files that are not databases, newer schemas, config mistakes.
. "$SRCDIR/tests/lib.sh"
CSV="$SRCDIR/tests/data/small.csv"

# A database path under a regular file cannot be created.
touch "$T/file"
run_costs --db "$T/file/sub/costs.db" import "$CSV"
check_rc 1 "database under a file"
check_grep "cannot create directory '$T/file/sub': Not a directory" "$T/err" "names the directory"

# An unwritable directory (as an unprivileged user, since root writes anywhere).
if nobody_can_run; then
	mkdir -p "$T/ro"
	chmod 755 "$T" "$T/ro"
	chmod 644 "$CSV" 2>/dev/null || true
	RC=0
	setpriv --reuid=65534 --regid=65534 --clear-groups env COSTS_CONFIG=/dev/null \
		"$COSTS" --db "$T/ro/sub/costs.db" import "$CSV" >"$T/out" 2>"$T/err" || RC=$?
	check_rc 1 "unwritable directory"
	check_grep "cannot create directory '$T/ro/sub': Permission denied" "$T/err" "permission message"
else
	echo "note: unwritable-directory check needs root and setpriv; skipped that part"
fi

# A directory given as the database.
mkdir -p "$T/dir.db"
run_costs --db "$T/dir.db" report
check_rc 1 "database is a directory"
check_grep "not a regular file" "$T/err" "directory refused"

# A file that is not SQLite is refused and never overwritten.
head -c 8192 /dev/urandom >"$T/junk.db"
sum_before=$(sha256sum <"$T/junk.db")
run_costs --db "$T/junk.db" import "$CSV"
check_rc 1 "junk database"
check_grep "'$T/junk.db' is not a costs database" "$T/err" "junk refused"
check_eq "junk untouched" "$sum_before" "$(sha256sum <"$T/junk.db")"
check_eq "no WAL beside junk" "no" "$([ -e "$T/junk.db-wal" ] && echo yes || echo no)"

# Another program's SQLite database is refused too.
sqlite3 "$T/theirs.db" 'CREATE TABLE notes(x); INSERT INTO notes VALUES (1);'
run_costs --db "$T/theirs.db" import "$CSV"
check_rc 1 "foreign database"
check_grep "SQLite database of another program" "$T/err" "foreign refused"
check_eq "foreign db untouched" "notes" "$(sqlite3 "$T/theirs.db" .tables)"

# A database from a newer costs is refused with a clear message.
"$COSTS" import "$CSV" 2>/dev/null
ours=$(sqlite3 "$COSTS_DB" 'PRAGMA user_version')
sqlite3 "$COSTS_DB" "PRAGMA user_version = $((ours + 1))"
run_costs report
check_rc 1 "newer schema"
check_grep "schema version $((ours + 1)), newer than this costs understands ($ours): upgrade costs" "$T/err" "newer schema message"
run_costs import "$CSV"
check_rc 1 "newer schema import"
check_eq "newer schema left as it was" "7" "$(sqlite3 "$COSTS_DB" 'PRAGMA user_version')"

# Config mistakes name file:line and the text; nothing is written.
rm -f "$COSTS_DB"
printf '[service game]\nmatch = sni=ws.example.com\nmatch = prot=9001\n' >"$T/bad.conf"
run_costs --config "$T/bad.conf" import "$CSV"
check_rc 1 "config syntax error"
check_eq "config error message" "costs: $T/bad.conf:3: unknown match term 'prot' (port, addr, sni, host, path, detect, cgroup, uid) in 'prot=9001'" "$(cat "$T/err")"
check_eq "nothing written on config error" "no" "$([ -e "$COSTS_DB" ] && echo yes || echo no)"
printf '[service game\n' >"$T/bad2.conf"
run_costs --config "$T/bad2.conf" report
check_rc 1 "config section error"
check_eq "config section message" "costs: $T/bad2.conf:1: syntax error: '[service game'" "$(cat "$T/err")"
finish
