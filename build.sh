#!/usr/bin/env bash
# Sets up a Debian 12 machine for costs, builds it, and runs either the demo
# or the whole test suite.
#   ./build.sh demo   install what is missing, build, run the main job on bundled data
#   ./build.sh test   install what is missing, build (-Werror and ASan+UBSan), run all tests
# Needs root for apt-get (only when a package is missing).
set -euo pipefail
cd "$(dirname "$0")"
mode=${1:-demo}

# Packages the build needs.
BUILD_PKGS=(meson ninja-build pkg-config gcc libpcap-dev libsqlite3-dev libnftables-dev
	libjansson-dev libcsv-dev libnetfilter-conntrack-dev libmicrohttpd-dev libcurl4-openssl-dev)
# Packages the demo needs at run time.
RUN_PKGS=(gnuplot-nox)
# Packages the test suite needs: unit tests, the sanitizer build, real peers.
TEST_PKGS=(libcmocka-dev clang libclang-rt-14-dev sqlite3 valgrind iproute2 nftables
	tcpdump tshark nginx python3-websockets curl openssl chromium ethtool nodejs clang-format
	prometheus python3-yaml)

install_missing() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "build.sh: installing ${missing[*]}" >&2
	if [ "$(id -u)" -ne 0 ]; then
		echo "build.sh: missing packages and not root: apt-get install ${missing[*]}" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

setup_build() { # DIR [meson options...]
	local dir=$1
	shift
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" "$@" >/dev/null
	fi
	ninja -C "$dir" >/dev/null
}

case "$mode" in
demo)
	install_missing "${BUILD_PKGS[@]}" "${RUN_PKGS[@]}"
	setup_build build -Dtests=false
	exec bash tools/demo.sh build/src/cli/costs
	;;
test)
	install_missing "${BUILD_PKGS[@]}" "${RUN_PKGS[@]}" "${TEST_PKGS[@]}"
	bash tools/test-deps.sh
	status=0
	setup_build build-ci --werror -Dtests=true
	meson test -C build-ci --print-errorlogs --num-processes 2 || status=1
	# The unit tests once more under valgrind (memcheck, leaks are errors).
	meson test -C build-ci --print-errorlogs --num-processes 2 --setup valgrind --suite unit \
		--logbase valgrind || status=1
	CC=clang setup_build build-asan -Dtests=true -Db_sanitize=address,undefined \
		-Db_lundef=false -Dbuildtype=debug
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		meson test -C build-asan --print-errorlogs --num-processes 2 --suite unit --suite cli \
		|| status=1
	/usr/bin/python3 tools/count-tests.py build-ci/meson-logs/testlog.json \
		build-asan/meson-logs/testlog.json build-ci/meson-logs/valgrind-valgrind.json || status=1
	exit $status
	;;
*)
	echo "usage: ./build.sh demo|test" >&2
	exit 2
	;;
esac
