#!/usr/bin/env bash
# costs plot on a full disk: a small tmpfs filled up but for a few pages.
# The image must never be replaced by a truncated one: either the folder it
# goes to is full (the copy into place fails) or the folder gnuplot works
# in is ($TMPDIR; gnuplot writes a short image and may still exit 0).  In
# both cases costs exits 1 with a message and the previous image stays.
. "$SRCDIR/tests/lib.sh"

command -v gnuplot >/dev/null || skip "gnuplot not installed (Debian: gnuplot-nox)"
mkdir "$T/full"
mount -t tmpfs -o size=1m,mode=0755 costs-full-$$ "$T/full" 2>/dev/null ||
	skip "cannot mount a tmpfs here (needs root)"
trap 'umount "$T/full" 2>/dev/null; rm -rf "$T"' EXIT

run_costs import "$SRCDIR/data/demo-2026-05.csv"
check_rc 0 "import the demo month"

# room DIR: kB for the data file and the script (in 4 kB pages, as tmpfs
# counts) and 8 kB more, less than any image: gnuplot's write must fail.
room() {
	echo $(((($(stat -c %s "$1/may.dat") + 4095) / 4096 + ($(stat -c %s "$1/may.gp") + 4095) / 4096 + 2) * 4))
}

# fill LEAVE_KB: fills the tmpfs, then frees LEAVE_KB.
fill() {
	rm -f "$T/full/filler"
	dd if=/dev/zero of="$T/full/filler" bs=4k 2>/dev/null
	truncate -s "-$1K" "$T/full/filler"
}

for ext in png svg; do
	# The destination is full.
	rm -rf "$T/full/"*
	run_costs plot daily --out "$T/full/may.$ext"
	check_rc 0 "a first $ext with room"
	good=$(md5sum <"$T/full/may.$ext")
	size=$(stat -c %s "$T/full/may.$ext")
	kb=$(room "$T/full")
	[ "$size" -gt $((kb * 1024)) ] || fail "the $ext image ($size bytes) must be larger than the room left"
	fill "$kb"
	run_costs plot daily --allowance 1TB --out "$T/full/may.$ext"
	check_rc 1 "$ext into a full folder"
	check_grep "costs: cannot write '$T/full/may\.\(dat\|gp\|$ext\)': No space left on device" "$T/err" \
		"$ext: the full disk is named"
	check_eq "$ext: the previous image stays whole" "$good" "$(md5sum <"$T/full/may.$ext")"
	check_eq "$ext: no temporary left" "filler may.dat may.gp may.$ext" "$(cd "$T/full" && echo *)"

	# gnuplot's own folder is full.
	rm -rf "$T/full/"* "$T/dest"
	mkdir "$T/dest" "$T/full/tmp"
	run_costs plot daily --out "$T/dest/may.$ext"
	check_rc 0 "a first $ext in another folder"
	good=$(md5sum <"$T/dest/may.$ext")
	fill "$(room "$T/dest")"
	RC=0
	TMPDIR="$T/full/tmp" "$COSTS" plot daily --allowance 1TB --out "$T/dest/may.$ext" >"$T/out" 2>"$T/err" || RC=$?
	check_rc 1 "$ext with a full \$TMPDIR"
	check_grep "gnuplot wrote a truncated .* image for .$T/dest/may.$ext" "$T/err" "$ext: the short image is caught"
	check_eq "$ext: the previous image stays (full \$TMPDIR)" "$good" "$(md5sum <"$T/dest/may.$ext")"
	check_eq "$ext: the private folder is removed" "" "$(ls -A "$T/full/tmp")"
done

finish
