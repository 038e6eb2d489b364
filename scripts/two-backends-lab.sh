#!/usr/bin/env bash
# A host with both iptables backends loaded, built inside network namespaces of its own (netfilter
# is per namespace, so this is the real kernel behaviour without touching the machine's rules,
# dockerd or iptables alternatives):
#
#   nlbk-c1 (eth0 10.213.7.2) ── nlbk-br0 10.213.7.1 [nlbk-host] nlbk-up 198.51.100.1 ── 198.51.100.2 (nlbk-wan)
#
# nlbk-host gets Docker-shaped rules (FORWARD accept for nlbk-br0, MASQUERADE of 10.213.7.0/24) in
# the *legacy* backend (iptables-legacy-restore), and a stale iptables-nft filter table whose FORWARD
# policy is DROP: the "switched backends" host of issue #13.
#
#   bash scripts/two-backends-lab.sh up          build it (from scratch)
#   bash scripts/two-backends-lab.sh heal        delete the stale iptables-nft table (the healthy variant)
#   bash scripts/two-backends-lab.sh attempt     a real connection attempt: busybox ping from nlbk-c1 to the wan; exit 0 when it got through
#   bash scripts/two-backends-lab.sh capture     run the real probe (resources/probe.sh) in nlbk-host, capture on stdout
#   bash scripts/two-backends-lab.sh down        remove everything, tolerant of partial state
#
# Packets only go between these namespaces. Callers hold the lab lock (test/live/support/lab-lock.ts).
set -euo pipefail

HOST_NS=nlbk-host
C1_NS=nlbk-c1
WAN_NS=nlbk-wan
BRIDGE=nlbk-br0
SUBNET=10.213.7.0/24
GATEWAY=10.213.7.1
C1_IP=10.213.7.2
UPLINK=nlbk-up
UPLINK_IP=198.51.100.1
WAN_IP=198.51.100.2
REPO=$(cd "$(dirname "$0")/.." && pwd)

die() {
  echo "two-backends-lab.sh: $*" >&2
  exit 1
}

in_host() { ip netns exec "$HOST_NS" "$@"; }

down() {
  for ns in "$C1_NS" "$WAN_NS" "$HOST_NS"; do
    ip netns del "$ns" 2>/dev/null || true
  done
}

legacy_rules() {
  cat <<EOF
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:DOCKER - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
-A POSTROUTING -s $SUBNET ! -o $BRIDGE -j MASQUERADE
-A DOCKER -i $BRIDGE -j RETURN
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:DOCKER - [0:0]
:DOCKER-ISOLATION-STAGE-1 - [0:0]
:DOCKER-ISOLATION-STAGE-2 - [0:0]
:DOCKER-USER - [0:0]
-A FORWARD -j DOCKER-USER
-A FORWARD -j DOCKER-ISOLATION-STAGE-1
-A FORWARD -o $BRIDGE -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -o $BRIDGE -j DOCKER
-A FORWARD -i $BRIDGE ! -o $BRIDGE -j ACCEPT
-A FORWARD -i $BRIDGE -o $BRIDGE -j ACCEPT
-A DOCKER-ISOLATION-STAGE-1 -i $BRIDGE ! -o $BRIDGE -j DOCKER-ISOLATION-STAGE-2
-A DOCKER-ISOLATION-STAGE-1 -j RETURN
-A DOCKER-ISOLATION-STAGE-2 -o $BRIDGE -j DROP
-A DOCKER-ISOLATION-STAGE-2 -j RETURN
-A DOCKER-USER -j RETURN
COMMIT
EOF
}

up() {
  [ "$(id -u)" = 0 ] || die "must run as root (it creates namespaces)"
  for tool in iptables-legacy-restore iptables-nft nft ip busybox unshare; do
    command -v "$tool" >/dev/null || die "$tool not found (apt-get install iptables nftables iproute2 busybox-static util-linux)"
  done
  down
  ip netns add "$HOST_NS"
  ip netns add "$C1_NS"
  ip netns add "$WAN_NS"
  for ns in "$HOST_NS" "$C1_NS" "$WAN_NS"; do ip -n "$ns" link set lo up; done
  in_host sysctl -qw net.ipv4.ip_forward=1
  ip -n "$HOST_NS" link add "$BRIDGE" type bridge
  ip -n "$HOST_NS" addr add "$GATEWAY/24" dev "$BRIDGE"
  ip -n "$HOST_NS" link set "$BRIDGE" up
  # The container's veth: eth0 in nlbk-c1, its peer a port of the bridge.
  ip -n "$HOST_NS" link add nlbk-veth1 type veth peer name eth0 netns "$C1_NS"
  ip -n "$HOST_NS" link set nlbk-veth1 master "$BRIDGE" up
  ip -n "$C1_NS" addr add "$C1_IP/24" dev eth0
  ip -n "$C1_NS" link set eth0 up
  ip -n "$C1_NS" route add default via "$GATEWAY"
  # The uplink to the wan namespace.
  ip -n "$HOST_NS" link add "$UPLINK" type veth peer name wan0 netns "$WAN_NS"
  ip -n "$HOST_NS" addr add "$UPLINK_IP/24" dev "$UPLINK"
  ip -n "$HOST_NS" link set "$UPLINK" up
  ip -n "$WAN_NS" addr add "$WAN_IP/24" dev wan0
  ip -n "$WAN_NS" link set wan0 up
  ip -n "$HOST_NS" route add default via "$WAN_IP"
  # Docker's rules in the legacy backend…
  legacy_rules | in_host iptables-legacy-restore ||
    die "iptables-legacy-restore failed: the kernel has no legacy iptables (ip_tables, iptable_filter, iptable_nat modules)"
  in_host iptables-legacy-save | grep -q -- "-A POSTROUTING -s $SUBNET" ||
    die "the legacy rules did not load: the kernel has no legacy iptables"
  # …and a stale iptables-nft filter table that drops forwarded traffic.
  in_host iptables-nft -t filter -P FORWARD DROP
}

heal() {
  in_host nft delete table ip filter
}

attempt() {
  ip netns exec "$C1_NS" busybox ping -c 1 -W 2 "$WAN_IP" >/dev/null
}

# The probe as on a real host, run in nlbk-host with a /proc and /run of its own: it sees this
# host's namespaces only, not the machine's other processes, containers or docker daemon.
capture() {
  in_host unshare --mount --pid --fork --mount-proc sh -c '
    set -e
    keep=$(mktemp -d)
    for ns in "$@"; do touch "$keep/$ns"; mount --bind "/run/netns/$ns" "$keep/$ns"; done
    mount -t tmpfs nlbk /run/netns
    for ns in "$@"; do touch "/run/netns/$ns"; mount --bind "$keep/$ns" "/run/netns/$ns"; done
    [ -d /run/docker ] && mount -t tmpfs nlbk /run/docker
    [ -e /run/docker.sock ] && mount --bind /dev/null /run/docker.sock
    exec sh "$0"
  ' "$REPO/resources/probe.sh" "$C1_NS" "$WAN_NS"
}

case "${1:-}" in
  up) up ;;
  heal) heal ;;
  attempt) attempt ;;
  capture) capture ;;
  down) down ;;
  *) die "usage: $0 up|heal|attempt|capture|down" ;;
esac
