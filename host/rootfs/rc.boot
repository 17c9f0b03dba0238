#!/bin/sh
# rc.boot: dom0's boot script (init's sysinit action): mounts, modules, the clock, network, named
# networks, sshd, xenstored, the console daemon hvconsoled.
# Each step prints an "hv-rc:" line on the console; "hv-rc: dom0 up" ends it (tests wait for it).
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
say() { echo "hv-rc: $*"; }

mounts() {
  mount -t proc proc /proc
  mount -t sysfs sysfs /sys
  [ -e /dev/null ] || mount -t devtmpfs devtmpfs /dev
  # devtmpfs lacks the links udev or initramfs-tools would make
  ln -sf /proc/self/fd /dev/fd
  ln -sf /proc/self/fd/0 /dev/stdin; ln -sf /proc/self/fd/1 /dev/stdout; ln -sf /proc/self/fd/2 /dev/stderr
  mkdir -p /dev/pts /dev/shm
  mount -t devpts -o gid=5,mode=620 devpts /dev/pts
  mount -t tmpfs tmpfs /dev/shm
  mount -t tmpfs -o mode=755 tmpfs /run
  mount -t tmpfs tmpfs /tmp
  mount -o remount,rw /
  mkdir -p /run/lock /run/sshd /run/xenstored /run/xen /run/hv /var/log/hv/console
}

# Under Xen-compatible hypervisors the Xen drivers and the block backend (xen-blkback, as Xen's
# xencommons loads it); everywhere the NIC and what guests' disks are made of (loop for raw
# images, nbd for qcow2 through qemu-nbd, dm-mod for the device block-snapshot swaps beneath).
modules() {
  local m list="virtio_net loop dm-mod"
  [ -d /sys/hypervisor ] && [ "$(cat /sys/hypervisor/type 2>/dev/null)" = xen ] &&
    list="xenfs xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xen-blkback xen-netback $list"
  for m in $list; do modprobe "$m" || say "modprobe $m failed"; done
  # no partition scan of what guests write (max_part=0): dom0's kernel never parses their tables
  modprobe nbd nbds_max=32 max_part=0 || say "modprobe nbd failed"
  if grep -q xenfs /proc/filesystems; then
    mount -t xenfs xenfs /proc/xen && say "xenfs: $(cat /proc/xen/capabilities 2>/dev/null)"
  fi
}

# Every ethN: link up; the first answers DHCP (QEMU's user network), others stay unconfigured
# unless hv.ipN=ADDR/LEN on the kernel command line gives them an address.
network() {
  local dev n a
  hostname -F /etc/hostname
  ip link set lo up
  for dev in $(ls /sys/class/net); do
    case $dev in eth*) ip link set "$dev" up ;; esac
  done
  [ -e /sys/class/net/eth0 ] &&
    { udhcpc -i eth0 -q -n -t 5 -T 2 -s /etc/hv/udhcpc.script 2>/dev/null || say "eth0: no DHCP answer"; }
  for a in $(cat /proc/cmdline); do
    case $a in hv.ip[0-9]*=*)
      n=${a%%=*}; n=${n#hv.ip}
      ip addr add "${a#*=}" dev "eth$n" && say "eth$n has ${a#*=}" ;;
    esac
  done
}

# Named networks (hvctl network-*, docs/networking.md): the first boot creates "default", NAT
# out of eth0 on bridge hvbr0 with 192.168.100.0/24 (as libvirt's default network); every boot
# brings the saved ones (/etc/hv/networks) up again.
networks() {
  local out
  command -v hvctl >/dev/null || return 0
  if [ ! -d /etc/hv/networks ] && [ -e /sys/class/net/eth0 ]; then
    if out=$(hvctl network-create default --mode nat --bridge hvbr0 --uplink eth0 \
               --subnet 192.168.100.0/24 2>&1); then say "$out (first boot)"
    else say "network default not created: $out"; fi
  fi
  hvctl network-start --all 2>&1 | while read -r l; do say "$l"; done
}

# Our xenstored (dom0-tools) on its Unix socket; Debian's xenstore-utils use our libxenstore.
xenstore() {
  if xenstored --pid-file /run/xenstored.pid; then
    say "xenstored started ($( [ -e /dev/xen/xenbus_backend ] && echo "serving dom0's kernel through xenbus_backend" || echo "socket only: no /dev/xen/xenbus_backend"))"
    xen-init-dom0 && say "xenstore: $(xenstore-read /local/domain/0/name) is domain $(xenstore-read /local/domain/0/domid)"
  else
    say "xenstored failed"
  fi
}

# The system clock stepped to the RTC's second edge: the hypervisor took only the RTC's whole
# seconds at its boot (up to 1 s behind) and dom0's kernel started from that. bash waits for the
# RTC's seconds to change and takes the system clock then (EPOCHREALTIME), twice: a reading
# takes a few ms under TCG, one that meets the RTC's update 20 ms more (the kernel waits), so
# the edge seen earlier is the better one. perl steps the clock by the difference with
# clock_adjtime(ADJ_SETOFFSET | ADJ_NANO): a relative step, which no process start delays (a
# `date -s` at the edge landed 250 ms late). What
# is set here dom0's kernel passes on to the hypervisor (platform_op settime64): the wall clock
# every domain reads. Hosts reading one clock then agree within milliseconds, and a guest
# migrated between them finds the time it left (tests/system/scenario_migrate checks it).
clock() {
  local off
  [ -r /sys/class/rtc/rtc0/since_epoch ] || return 0
  off=$(bash -c 'best=; read -r p < /sys/class/rtc/rtc0/since_epoch
    for edge in 1 2; do
      s=$p i=0
      while [ "$s" = "$p" ] && [ $i -lt 100000 ]; do read -r s < /sys/class/rtc/rtc0/since_epoch; i=$((i + 1)); done
      t=$EPOCHREALTIME o=$(( (s * 1000000 - 10#${t/./}) * 1000 )) p=$s
      [ $i -lt 100000 ] && { [ -z "$best" ] || [ $o -gt $best ]; } && best=$o
    done; echo $best') && [ -n "$off" ] || return 0
  # struct timex (x86-64, 208 bytes): modes, 4 longs, status, 3 longs, time {sec, nsec}, ...
  perl -e '$o = shift; $s = int($o / 1e9); $s-- if $s * 1e9 > $o; $n = $o - $s * 1e9;
    $t = pack("I x4 q4 i x4 q3 q2 q3 i x4 q5 i x44", 0x2100, (0) x 8, $s, $n, (0) x 10);
    syscall(305, 0, $t) >= 0 or die "clock_adjtime: $!\n"' -- "$off" &&
    say "clock stepped by $((off / 1000000)) ms to the RTC's second"
}

# hvconsoled (dom0-tools/consoled): every domain's console ring, logged to
# /var/log/hv/console/NAME.log; `hvctl console` attaches through /run/hv/consoled.sock.
consoled() {
  if [ ! -e /dev/xen/evtchn ]; then
    say "hvconsoled not started: no /dev/xen/evtchn (no hypervisor)"
  elif hvconsoled --pid-file /run/hvconsoled.pid; then
    say "hvconsoled started (logs in /var/log/hv/console)"
  else
    say "hvconsoled failed (/var/log/hv/consoled.log)"
  fi
}

mounts
say "root $(awk '$2 == "/" { print $1 }' /proc/mounts | tail -1), kernel $(uname -r), $(nproc) CPU(s)"
modules
clock
network
networks
/usr/sbin/sshd && say "sshd started"
xenstore
consoled
say "dom0 up"
