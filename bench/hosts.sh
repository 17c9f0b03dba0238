# bench/hosts.sh (sourced by bench/net and bench/block): two hosts side by side in one run, the
# same dom0 (build/dom0) on this hypervisor ("hv") and on Debian's Xen 4.17 ("xen"), each with
# its own toolstack: our hvctl on ours, Debian's xl on Xen (build/xen/xl from scripts/fetch-xen,
# copied into dom0 with xen-utils-common's hotplug scripts, which libxl runs for the domUs' disks
# and vifs, and its xl.conf: Debian's defaults, every line a comment). Both hosts keep our
# xenstored and hvconsoled (rc.boot starts them under any Xen-compatible hypervisor), so a domU's
# console is logged and attached to (BLK_LIB's domu) the same way on both. The hosts boot
# together; a benchmark then takes its rounds on one host after the other, so a change in the
# machine's load hits both columns alike.
# The callers run from the repository's root (cd "$(dirname "$0")/..").
declare -A HOST_DIR HOST_PID HOST_TOOL

# host_name TAG: the column's title.
host_name() { case $1 in hv) echo ours ;; xen) echo "Xen 4.17" ;; *) echo "$1" ;; esac; }
host_short() { case $1 in hv) echo ours ;; xen) echo Xen ;; *) echo "$1" ;; esac; }

# hosts_check TAGS...: exits with a line when a tag is unknown or Xen's image cannot be had.
hosts_check() {
  local t
  for t in "$@"; do
    case $t in
      hv) ;;
      xen) scripts/fetch-xen > /dev/null || { echo "${0##*/}: could not fetch Xen 4.17 (scripts/fetch-xen)"; exit 0; } ;;
      *) echo "${0##*/}: unknown host '$t' (hv or xen)"; exit 0 ;;
    esac
  done
}

# host_start TAG DIR HVHOST-ARGS...: boots TAG's host in DIR (fresh), in the background.
host_start() {
  local tag=$1 dir=$2 mode=hypervisor
  shift 2
  [ "$tag" = xen ] && mode=xen
  rm -rf "$dir"; mkdir -p "$dir"
  scripts/hvhost "--$mode" --dir "$dir" --fresh "$@" < /dev/null > /dev/null 2>&1 &
  HOST_PID[$tag]=$! HOST_DIR[$tag]=$dir HOST_TOOL[$tag]=hvctl
  [ "$tag" = xen ] && HOST_TOOL[$tag]=xl   # host_toolstack installs it
}

# host_wait TAG: 0 once dom0 said "dom0 up" and answers ssh; 1 if the host ended or 600 s passed.
host_wait() {
  local tag=$1 i
  for i in $(seq 600); do
    grep -aq 'hv-rc: dom0 up' "${HOST_DIR[$tag]}/console.log" 2>/dev/null &&
      "${HOST_DIR[$tag]}/ssh" true 2>/dev/null && return 0
    kill -0 "${HOST_PID[$tag]}" 2>/dev/null || return 1
    sleep 1
  done
  return 1
}

# on TAG CMD...: CMD in TAG's dom0 over ssh.
on() { local tag=$1; shift; "${HOST_DIR[$tag]}/ssh" "$@"; }
# put TAG FILE CMD: CMD in TAG's dom0 with FILE on its stdin, tried up to three times while ssh
# itself fails (status 255: at load 20+ a connection can time out).
put() {
  local i rc
  for i in 1 2 3; do
    on "$1" "$3" < "$2"; rc=$?
    [ $rc = 255 ] || return $rc
    sleep 5
  done
  return $rc
}

# host_toolstack TAG: on Xen's host, Debian's xl as /usr/local/sbin/xl (a wrapper that finds its
# libraries in /opt/xl; our libxenstore of the root disk serves it), the hotplug scripts in
# /etc/xen/scripts and Debian's /etc/xen/xl.conf, the folders xl and the scripts write, and
# /local/pool/0/name (Debian's xen-init-dom0 writes it, ours does not: without it "Illegal pool
# specified").
host_toolstack() {
  local tag=$1
  [ "$tag" = xen ] || return 0
  tar -C build/xen/xl -c usr/lib/xen-4.17/bin/xl usr/lib/x86_64-linux-gnu etc/xen/scripts \
    etc/xen/xl.conf > "${HOST_DIR[$tag]}/xl.tar"
  put "$tag" "${HOST_DIR[$tag]}/xl.tar" 'mkdir -p /opt/xl /var/lib/xen /var/log/xen /run/xen /etc/xen && tar -C /opt/xl -x &&
      rm -rf /etc/xen/scripts && cp -a /opt/xl/etc/xen/scripts /opt/xl/etc/xen/xl.conf /etc/xen/ &&
      printf "#!/bin/sh\nLD_LIBRARY_PATH=/opt/xl/usr/lib/x86_64-linux-gnu exec /opt/xl/usr/lib/xen-4.17/bin/xl \"\$@\"\n" > /usr/local/sbin/xl &&
      chmod 755 /usr/local/sbin/xl && xenstore-write /local/pool/0/name Pool-0'
}

# host_lib TAG: BLK_LIB (tests/system/scenario_block) as /root/blk/lib.sh, asking the host's
# toolstack for a domain's id.
host_lib() {
  echo "$BLK_LIB" | sed "s/hvctl domid/${HOST_TOOL[$1]} domid/" > "${HOST_DIR[$1]}/lib.sh"
  put "$1" "${HOST_DIR[$1]}/lib.sh" 'mkdir -p /root/blk && cat > /root/blk/lib.sh'
}

# host_create TAG NAME: the command line (for TAG's dom0) that creates NAME from /root/NAME.cfg
# and waits for its shell. On Xen's host a create that failed is tried once more: libxl kills a
# hotplug script after 40 s, and at load 20+ the first run of Debian's bash scripts can take
# longer (its second run then finds their files in dom0's page cache).
host_create() {
  local c="${HOST_TOOL[$1]} create /root/$2.cfg 2>&1"
  [ "$1" = xen ] && c="{ $c || { echo '$2: create failed, once more'; ${HOST_TOOL[$1]} destroy $2 > /dev/null 2>&1; $c; }; }"
  echo ". /root/blk/lib.sh; if $c; then shells $2 1; else echo '$2: create failed'; false; fi"
}

# host_end TAG DOMAINS...: destroys the domains, powers the host off (QEMU is killed after 120 s).
host_end() {
  local tag=$1 d i
  shift
  [ -n "${HOST_PID[$tag]:-}" ] || return 0
  for d in "$@"; do on "$tag" "${HOST_TOOL[$tag]} destroy $d" > /dev/null 2>&1; done
  on "$tag" poweroff > /dev/null 2>&1
  for i in $(seq 120); do kill -0 "${HOST_PID[$tag]}" 2>/dev/null || break; sleep 1; done
  kill -0 "${HOST_PID[$tag]}" 2>/dev/null && [ -f "${HOST_DIR[$tag]}/qemu.pid" ] &&
    kill "$(cat "${HOST_DIR[$tag]}/qemu.pid")" 2>/dev/null
  wait "${HOST_PID[$tag]}"
}

bench_ratio() { [ -n "$1" ] && [ -n "$2" ] && printf '%.2f' "$(echo "$1 / $2" | bc -l)" || echo "-"; }
