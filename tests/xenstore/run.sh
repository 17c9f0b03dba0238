#!/bin/bash
# tests/xenstore/run.sh - xenstored with real clients: starts build/bin/xenstored on a private
# socket, then runs Debian's xenstore-utils (with Debian's libxenstore, then with ours), Xen's
# test-xenstore (every test, then a random run), our API client (built against Debian's
# header and ours, run with both libraries), the hostile clients, and the symbol comparison of
# the two libraries. Every step has a timeout; the daemon is stopped at the end whatever
# happens. Prints one line per step and "xenstore: N passed, N failed".
#   usage: tests/xenstore/run.sh BUILD_DIR   (BUILD_DIR holds bin/, lib/, tests/xenstore/)
set -uo pipefail
B=${1:-build}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=$(cd "$B" && pwd)
OURLIB=$B/lib
T=$B/tests/xenstore
TEST_XENSTORE=/usr/lib/xen-4.17/bin/test-xenstore
DEBLIB=$(ls /usr/lib/x86_64-linux-gnu/libxenstore.so.4 2>/dev/null || true)
work=$(mktemp -d /tmp/xenstore-test.XXXXXX)
export XENSTORED_PATH=$work/socket
passed=0
failed=0
daemon=

# Stops the daemon: SIGTERM, then SIGKILL if it has not gone within 10 s. Fails in that case.
stop_daemon() {
    local i
    [ -n "$daemon" ] || return 0
    kill "$daemon" 2>/dev/null
    for i in $(seq 100); do
        kill -0 "$daemon" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$daemon" 2>/dev/null; then
        kill -9 "$daemon"
        daemon=
        return 1
    fi
    wait "$daemon"
    local rc=$?
    daemon=
    return $rc
}

cleanup() {
    stop_daemon
    rm -rf "$work"
}
trap cleanup EXIT

# step NAME COMMAND...: runs the command with a 60 s limit, output kept in the log.
step() {
    local name=$1
    shift
    if timeout 60 "$@" >"$work/out" 2>&1; then
        passed=$((passed + 1))
        echo "PASS $name"
    else
        failed=$((failed + 1))
        echo "FAIL $name"
        sed 's/^/    /' "$work/out" | tail -40
    fi
}

start_daemon() {
    "$B/bin/xenstored" --socket "$XENSTORED_PATH" --foreground 2>"$work/xenstored.log" &
    daemon=$!
    for _ in $(seq 100); do
        [ -S "$XENSTORED_PATH" ] && return 0
        sleep 0.05
    done
    echo "FAIL xenstored did not create $XENSTORED_PATH"
    cat "$work/xenstored.log"
    exit 1
}

# The xenstore-utils scenario; $1 names the library in use.
tools_scenario() {
    set -e
    fails() { ! "$@"; } # a bare "! cmd" would not stop a set -e script
    local p=/tools-$1
    xenstore-write $p/a 1 $p/b "two words"
    [ "$(xenstore-read $p/a)" = 1 ]
    [ "$(xenstore-read $p/b)" = "two words" ]
    xenstore-exists $p/a
    fails xenstore-exists $p/zz
    fails xenstore-read $p/zz 2>/dev/null
    [ "$(xenstore-list $p)" = "$(printf 'a\nb')" ]
    [ "$(xenstore-ls $p)" = "$(printf 'a = "1"\nb = "two words"')" ]
    xenstore-chmod $p/a n0 r5
    xenstore-ls -p $p | grep -q '^a = "1" .*(n0,r5)$'
    [ "$(xenstore-ls -f $p | head -1)" = "$p/a = \"1\"" ]
    xenstore-rm $p/a
    fails xenstore-exists $p/a
    xenstore-watch -n 2 $p/w >"$work/watch.$1" &
    local w=$! i
    for i in $(seq 100); do # until the watcher has seen its two events (it may start slowly)
        sleep 0.1
        kill -0 $w 2>/dev/null || break
        xenstore-write $p/w/x 1
    done
    wait $w
    [ "$(cat "$work/watch.$1")" = "$(printf '%s\n%s' $p/w $p/w/x)" ]
    xenstore-rm $p
    fails xenstore-exists $p
}

symbols() {
    # Names and versions exported by a library, sorted.
    objdump -T "$1" | awk '$4 != "*UND*" && $NF ~ /^xs_/ {print $(NF-1), $NF}' | sort
}

compare_symbols() {
    [ -n "$DEBLIB" ] || { echo "Debian's libxenstore.so.4 is missing"; return 1; }
    diff <(symbols "$DEBLIB") <(symbols "$OURLIB/libxenstore.so.4") &&
        [ "$(objdump -p "$OURLIB/libxenstore.so.4" | awk '$1 == "SONAME" {print $2}')" = libxenstore.so.4 ]
}

start_daemon
step "xenstore-utils with Debian's libxenstore" env -u LD_LIBRARY_PATH bash -c "$(declare -f tools_scenario); work=$work; tools_scenario debian"
step "xenstore-utils with our libxenstore" env LD_LIBRARY_PATH="$OURLIB" bash -c "$(declare -f tools_scenario); work=$work; tools_scenario ours"
step "xenstore-utils load our libxenstore" bash -c "LD_LIBRARY_PATH='$OURLIB' ldd \$(command -v xenstore-read) | grep -q '$OURLIB/libxenstore.so.4'"
step "test-xenstore, all tests (Debian's libxenstore)" "$TEST_XENSTORE"
step "test-xenstore, random run 3 s (Debian's libxenstore)" "$TEST_XENSTORE" --random 3
step "test-xenstore, all tests x20 (our libxenstore)" env LD_LIBRARY_PATH="$OURLIB" "$TEST_XENSTORE" -i 20
step "test-xenstore, random run 3 s (our libxenstore)" env LD_LIBRARY_PATH="$OURLIB" "$TEST_XENSTORE" -r 3
step "API client, Debian's header and library" "$T/api_client_deb"
step "API client, Debian's header, our library" env LD_LIBRARY_PATH="$OURLIB" "$T/api_client_deb"
step "API client, our header and library" env LD_LIBRARY_PATH="$OURLIB" "$T/api_client_ours"
step "hostile clients" "$T/hostile"
step "still serving, store consistent" env LD_LIBRARY_PATH="$OURLIB" "$T/api_client_ours" check
step "daemon alive after everything" kill -0 "$daemon"
step "libxenstore.so.4 exports Debian's symbols and versions" bash -c \
    "$(declare -f symbols compare_symbols); DEBLIB='$DEBLIB' OURLIB='$OURLIB' compare_symbols"
stop_daemon
rc=$?
step "daemon stops cleanly on SIGTERM" test "$rc" = 0 -a ! -e "$XENSTORED_PATH"
echo "xenstore: $passed passed, $failed failed"
[ "$failed" = 0 ]
