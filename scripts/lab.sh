#!/usr/bin/env bash
# NetLens live test lab: a small, real Docker networking topology on this machine.
#
#   bash scripts/lab.sh up        build the lab (idempotent); starts dockerd when it is not running
#   bash scripts/lab.sh traffic   make real NAT and container-to-container traffic
#   bash scripts/lab.sh status    show what exists; exit 1 when something is missing
#   bash scripts/lab.sh truth     print the ground truth (docker + each namespace) as JSON
#   bash scripts/lab.sh down      remove everything `up` created, tolerant of partial state
#                                 (`down --purge` also removes the image)
#
# Everything is named nllab-*. Packets only go to lab containers, lab bridges and the lab "wan"
# namespace on 198.51.100.0/24 (TEST-NET-2); never to the uplink, its gateway or DNS.
# Overrides: NLLAB_WEB_PORT (default 18080), NLLAB_FRONT_SUBNET, NLLAB_BACK_SUBNET, and
# NLLAB_WAN_CIDR (host side of the wan veth, default 198.51.100.1/24; must stay inside 198.51.100.0/24;
# a more specific block such as 198.51.100.65/28 coexists with another lab's 198.51.100.0/24).
set -euo pipefail

IMAGE=netlens-lab/busybox:1
SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STATE_FILE=/run/nllab/lab.env
# Once `up` has run, its settings win over the environment, so traffic/truth/down match the lab.
if [ -r "$STATE_FILE" ]; then
  # shellcheck disable=SC1090
  . "$STATE_FILE"
fi
FRONT_NET=nllab-front
BACK_NET=nllab-back
FRONT_SUBNET=${NLLAB_FRONT_SUBNET:-10.203.1.0/24}
BACK_SUBNET=${NLLAB_BACK_SUBNET:-10.203.2.0/24}
WEB_PORT=${NLLAB_WEB_PORT:-18080}
WAN_NS=nllab-wan
WAN_HOST_IF=nllabwan0
WAN_NS_IF=nllabwan1
WAN_CIDR=${NLLAB_WAN_CIDR:-198.51.100.1/24}
WAN_HOST_IP=${WAN_CIDR%/*}
WAN_PREFIX=${WAN_CIDR#*/}
WAN_NS_IP="${WAN_HOST_IP%.*}.$((${WAN_HOST_IP##*.} + 1))"
WAN_SUBNET=$WAN_CIDR
WAN_WWW=/run/nllab/wan-www
# Removal order matters: the sidecar shares nllab-web's namespace.
CONTAINERS=(nllab-sidecar nllab-web nllab-app nllab-db nllab-default nllab-hostmode nllab-none)
LONG_SLEEP=86400

LAB_NAME=lab.sh
LAB_ROOT_REASON="it creates namespaces, veths and docker networks"
LAB_ENGINE=docker
# shellcheck source=lab-common.sh
. "$SCRIPTS/lab-common.sh"

ensure_dockerd() {
  docker info >/dev/null 2>&1 && return 0
  command -v dockerd >/dev/null || die "dockerd not found: apt-get install docker.io"
  log "starting dockerd (log: /var/log/dockerd.log)"
  setsid dockerd >/var/log/dockerd.log 2>&1 </dev/null &
  for _ in $(seq 60); do
    docker info >/dev/null 2>&1 && return 0
    sleep 1
  done
  die "dockerd did not come up within 60 s; see /var/log/dockerd.log"
}

ensure_image() {
  docker image inspect "$IMAGE" >/dev/null 2>&1 && return 0
  local bb=/bin/busybox
  [ -x "$bb" ] || die "$bb not found: apt-get install busybox-static"
  file -L "$bb" 2>/dev/null | grep -q 'dynamically linked' && die "$bb is dynamically linked: install busybox-static"
  local root
  root=$(mktemp -d)
  mkdir -p "$root/bin" "$root/www" "$root/tmp"
  cp "$bb" "$root/bin/busybox"
  for applet in sh ip ping wget nc httpd sleep cat ls hostname; do ln -s busybox "$root/bin/$applet"; done
  printf '<html><body>netlens lab</body></html>\n' >"$root/www/index.html"
  log "importing $IMAGE from $bb (no registry)"
  tar -C "$root" -c . | docker import -c 'ENV PATH=/bin' - "$IMAGE" >/dev/null
  rm -rf "$root"
}

ip2int() {
  local IFS=.
  # shellcheck disable=SC2086
  set -- $1
  echo $((($1 << 24) | ($2 << 16) | ($3 << 8) | $4))
}

cidr_overlap() {
  local a=$1 b=$2 alen blen len mask
  alen=${a#*/}
  blen=${b#*/}
  [ "$alen" = "$a" ] && alen=32
  [ "$blen" = "$b" ] && blen=32
  len=$((alen < blen ? alen : blen))
  mask=$(((0xffffffff << (32 - len)) & 0xffffffff))
  [ $(($(ip2int "${a%/*}") & mask)) -eq $(($(ip2int "${b%/*}") & mask)) ]
}

# cidr_inside A B: A lies within B.
cidr_inside() {
  local alen=${1#*/} blen=${2#*/}
  [ "$alen" = "$1" ] && alen=32
  [ "$alen" -ge "$blen" ] && cidr_overlap "$1" "$2"
}

network_bridge() {
  local id
  id=$(docker network inspect -f '{{.Id}}' "$1" 2>/dev/null) || return 1
  echo "br-${id:0:12}"
}

# Fails loudly when a lab subnet collides with a route or another docker network on this host.
check_overlap() {
  local ours=() dst dev name subnet lab
  cidr_inside "$WAN_CIDR" 198.51.100.0/24 || die "NLLAB_WAN_CIDR=$WAN_CIDR is outside 198.51.100.0/24 (TEST-NET-2)"
  for n in "$FRONT_NET" "$BACK_NET"; do
    ours+=("$(network_bridge "$n" || true)")
  done
  ours+=("$WAN_HOST_IF")
  while read -r dst dev; do
    [ "$dst" = default ] && continue
    case " ${ours[*]} " in *" $dev "*) continue ;; esac
    for lab in "$FRONT_SUBNET" "$BACK_SUBNET" "$WAN_SUBNET"; do
      # Another TEST-NET-2 lab's broader route is fine when NLLAB_WAN_CIDR picked a more specific block.
      if [ "$lab" = "$WAN_SUBNET" ] && [ -n "${NLLAB_WAN_CIDR:-}" ] && cidr_inside "$dst" 198.51.100.0/24 &&
        [ "${dst#*/}" != "$dst" ] && [ "${dst#*/}" -lt "$WAN_PREFIX" ]; then
        continue
      fi
      if cidr_overlap "$dst" "$lab"; then
        die "lab subnet $lab overlaps the route '$dst dev $dev'; set NLLAB_FRONT_SUBNET/NLLAB_BACK_SUBNET to free /24s"
      fi
    done
  done < <(ip -j -4 route show table main | jq -r '.[] | "\(.dst) \(.dev // "-")"')
  while read -r name subnet; do
    case "$name" in "$FRONT_NET" | "$BACK_NET") continue ;; esac
    [ -n "$subnet" ] || continue
    for lab in "$FRONT_SUBNET" "$BACK_SUBNET" "$WAN_SUBNET"; do
      if [[ $subnet == *.*.*.*/* ]] && cidr_overlap "$subnet" "$lab"; then
        die "lab subnet $lab overlaps docker network $name ($subnet)"
      fi
    done
  done < <(docker network ls -q | xargs -r docker network inspect -f '{{.Name}}{{range .IPAM.Config}} {{.Subnet}}{{end}}' | awk '{for (i = 2; i <= NF; i++) print $1, $i; if (NF < 2) print $1}')
}

ensure_network() {
  local name=$1 subnet=$2
  shift 2
  if docker network inspect "$name" >/dev/null 2>&1; then
    local have
    have=$(docker network inspect -f '{{range .IPAM.Config}}{{.Subnet}}{{end}}' "$name")
    [ "$have" = "$subnet" ] || die "network $name exists with subnet $have, expected $subnet; run: bash scripts/lab.sh down"
    return 0
  fi
  docker network create --driver bridge --subnet "$subnet" --label nllab=1 "$@" "$name" >/dev/null
}

ensure_wan() {
  ip netns list | awk '{print $1}' | grep -qx "$WAN_NS" || ip netns add "$WAN_NS"
  if ! ip link show "$WAN_HOST_IF" >/dev/null 2>&1; then
    ip link add "$WAN_HOST_IF" type veth peer name "$WAN_NS_IF"
    ip link set "$WAN_NS_IF" netns "$WAN_NS"
  fi
  ip addr replace "$WAN_HOST_IP/$WAN_PREFIX" dev "$WAN_HOST_IF"
  ip link set "$WAN_HOST_IF" up
  ip -n "$WAN_NS" link set lo up
  ip -n "$WAN_NS" addr replace "$WAN_NS_IP/$WAN_PREFIX" dev "$WAN_NS_IF"
  ip -n "$WAN_NS" link set "$WAN_NS_IF" up
  ip -n "$WAN_NS" route replace default via "$WAN_HOST_IP"
  # A web server on the wan side, so containers make TCP through MASQUERADE as well as ping.
  mkdir -p "$WAN_WWW"
  printf 'netlens lab wan\n' >"$WAN_WWW/index.html"
  if [ -z "$(ip netns pids "$WAN_NS")" ]; then
    ip netns exec "$WAN_NS" /bin/busybox httpd -p "$WAN_NS_IP:80" -h "$WAN_WWW"
  fi
}

lab_up() {
  need_root
  command -v jq >/dev/null || die "jq not found: apt-get install jq"
  ensure_dockerd
  check_overlap
  ensure_image
  ensure_network "$FRONT_NET" "$FRONT_SUBNET"
  ensure_network "$BACK_NET" "$BACK_SUBNET" --internal
  ensure_container nllab-default "$IMAGE" sleep "$LONG_SLEEP"
  if ! docker inspect nllab-web >/dev/null 2>&1 && port_in_use "$WEB_PORT"; then
    die "port $WEB_PORT is already in use on this host; free it or set NLLAB_WEB_PORT"
  fi
  local web_was_running
  web_was_running=$(docker inspect -f '{{.State.Running}}' nllab-web 2>/dev/null) || web_was_running=absent
  ensure_container nllab-web --network "$FRONT_NET" --ip "$(host_ip "$FRONT_SUBNET" 10)" \
    -p "$WEB_PORT:80" --label "nllab.webport=$WEB_PORT" "$IMAGE" httpd -f -p 80 -h /www
  ensure_container nllab-db --network "$BACK_NET" --ip "$(host_ip "$BACK_SUBNET" 10)" \
    "$IMAGE" httpd -f -p 5432 -h /www
  ensure_container nllab-app --network "$FRONT_NET" --ip "$(host_ip "$FRONT_SUBNET" 20)" "$IMAGE" sleep "$LONG_SLEEP"
  if ! docker inspect -f '{{json .NetworkSettings.Networks}}' nllab-app | jq -e --arg n "$BACK_NET" 'has($n)' >/dev/null; then
    docker network connect --ip "$(host_ip "$BACK_SUBNET" 20)" "$BACK_NET" nllab-app
  fi
  # A sidecar joined to a recreated web container would sit in a dead namespace: recreate it too.
  if [ "$web_was_running" != true ] && docker inspect nllab-sidecar >/dev/null 2>&1; then
    docker rm -f nllab-sidecar >/dev/null
  fi
  ensure_container nllab-sidecar --network container:nllab-web "$IMAGE" sleep "$LONG_SLEEP"
  ensure_container nllab-hostmode --network host "$IMAGE" sleep "$LONG_SLEEP"
  ensure_container nllab-none --network none "$IMAGE" sleep "$LONG_SLEEP"
  ensure_wan
  printf 'NLLAB_WEB_PORT=%q\nNLLAB_FRONT_SUBNET=%q\nNLLAB_BACK_SUBNET=%q\nNLLAB_WAN_CIDR=%q\n' \
    "$WEB_PORT" "$FRONT_SUBNET" "$BACK_SUBNET" "$WAN_CIDR" >"$STATE_FILE"
  log "lab is up (web published on $WAN_HOST_IP:$(web_port) and 0.0.0.0:$(web_port))"
}

web_port() {
  local port
  port=$(docker inspect -f '{{index .Config.Labels "nllab.webport"}}' nllab-web 2>/dev/null) || port=$WEB_PORT
  echo "$port"
}

lab_traffic() {
  need_root
  # Never aim traffic at addresses this script did not set up.
  [ -r "$STATE_FILE" ] && lab_status >/dev/null || die "the lab is not (fully) up: run bash scripts/lab.sh up first"
  local port front_web back_db
  port=$(web_port)
  front_web=$(host_ip "$FRONT_SUBNET" 10)
  back_db=$(host_ip "$BACK_SUBNET" 10)
  log "MASQUERADE: nllab-default and nllab-app → wan $WAN_NS_IP"
  docker exec nllab-default ping -c 3 -i 0.2 -W 2 "$WAN_NS_IP" >/dev/null
  docker exec nllab-app ping -c 3 -i 0.2 -W 2 "$WAN_NS_IP" >/dev/null
  docker exec nllab-default wget -qO- "http://$WAN_NS_IP/" >/dev/null
  log "DNAT: wan → $WAN_HOST_IP:$port → nllab-web"
  ip netns exec "$WAN_NS" /bin/busybox wget -qO- "http://$WAN_HOST_IP:$port/" >/dev/null
  log "between containers: app → web (front), app → db (back)"
  docker exec nllab-app wget -qO- "http://$front_web/" >/dev/null
  docker exec nllab-app wget -qO- "http://$back_db:5432/" >/dev/null
  docker exec nllab-app ping -c 2 -i 0.2 -W 2 "$back_db" >/dev/null
  log "traffic done"
}

lab_status() {
  local missing=0 c state
  for c in "${CONTAINERS[@]}"; do
    state=$(docker inspect -f '{{.State.Status}}' "$c" 2>/dev/null) || state=absent
    printf '%-16s %s\n' "$c" "$state"
    [ "$state" = running ] || missing=1
  done
  for n in "$FRONT_NET" "$BACK_NET"; do
    if docker network inspect "$n" >/dev/null 2>&1; then printf '%-16s network %s\n' "$n" "$(network_bridge "$n")"; else
      printf '%-16s absent\n' "$n"
      missing=1
    fi
  done
  if ip netns list | awk '{print $1}' | grep -qx "$WAN_NS"; then printf '%-16s netns\n' "$WAN_NS"; else
    printf '%-16s absent\n' "$WAN_NS"
    missing=1
  fi
  if ip link show "$WAN_HOST_IF" >/dev/null 2>&1; then printf '%-16s veth\n' "$WAN_HOST_IF"; else
    printf '%-16s absent\n' "$WAN_HOST_IF"
    missing=1
  fi
  return "$missing"
}

lab_down() {
  need_root
  local c
  if docker info >/dev/null 2>&1; then
    for c in "${CONTAINERS[@]}"; do docker rm -f "$c" >/dev/null 2>&1 || true; done
    for n in "$FRONT_NET" "$BACK_NET"; do docker network rm "$n" >/dev/null 2>&1 || true; done
    if [ "${1:-}" = --purge ]; then docker image rm "$IMAGE" >/dev/null 2>&1 || true; fi
  fi
  if ip netns list | awk '{print $1}' | grep -qx "$WAN_NS"; then
    local pids
    pids=$(ip netns pids "$WAN_NS" || true)
    # shellcheck disable=SC2086
    [ -z "$pids" ] || kill $pids 2>/dev/null || true
    ip netns del "$WAN_NS" || true
  fi
  ip link del "$WAN_HOST_IF" >/dev/null 2>&1 || true
  rm -rf /run/nllab
  log "lab is down"
}

# Ground truth, read from docker and from inside each namespace (not from NetLens).
lab_truth() {
  need_root
  command -v jq >/dev/null || die "jq not found: apt-get install jq"
  local dir c pid mode
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' RETURN
  truth_host "$dir"
  : >"$dir/containers.jsonl"
  for c in "${CONTAINERS[@]}"; do
    docker inspect "$c" >"$dir/inspect.json" 2>/dev/null || continue
    pid=$(jq -r '.[0].State.Pid' "$dir/inspect.json")
    mode=$(jq -r '.[0].HostConfig.NetworkMode' "$dir/inspect.json")
    case "$mode" in
      default) mode=bridge ;;
      container:*) mode="container:$(docker inspect -f '{{.Name}}' "${mode#container:}" 2>/dev/null | sed 's|^/||')" ;;
    esac
    truth_netns "$pid" "$dir"
    truth_jq "$dir" --slurpfile inspect "$dir/inspect.json" --arg mode "$mode" \
      'include "lab-truth";
       ($inspect[0][0]) as $i
       | ($netns | rtrimstr("\n")) as $nsid
       | ($nsid == ($hostNetns | rtrimstr("\n"))) as $inHost
       | {
           name: ($i.Name | ltrimstr("/")),
           id: $i.Id,
           pid: (if $i.State.Pid > 0 then $i.State.Pid else null end),
           dockerNetworkMode: $i.HostConfig.NetworkMode,
           networkMode: $mode,
           netnsInode: (if $nsid == "" then null else $nsid end),
           sharesHostNetns: $inHost,
           networks: lab_networks($i),
           ports: lab_ports($i),
           interfaces: lab_interfaces($ns[0]; $host[0]; $inHost)
         }' >>"$dir/containers.jsonl"
  done
  local wan_pid_ns
  wan_pid_ns=$(ip netns list | awk '{print $1}' | grep -qx "$WAN_NS" && ip -n "$WAN_NS" -j -d addr show || echo '[]')
  echo "$wan_pid_ns" >"$dir/wan.json"
  docker network ls -q --filter label=nllab=1 | xargs -r docker network inspect >"$dir/networks.json" || echo '[]' >"$dir/networks.json"
  [ -s "$dir/networks.json" ] || echo '[]' >"$dir/networks.json"
  jq -n \
    --slurpfile containers "$dir/containers.jsonl" \
    --slurpfile networks "$dir/networks.json" \
    --slurpfile wan "$dir/wan.json" \
    --slurpfile host "$dir/host-links.json" \
    --arg webPort "$(web_port)" \
    --arg wanNs "$WAN_NS" --arg wanHostIf "$WAN_HOST_IF" --arg wanNsIf "$WAN_NS_IF" \
    --arg wanHostIp "$WAN_HOST_IP" --arg wanNsIp "$WAN_NS_IP" \
    '{
       webPort: ($webPort | tonumber),
       networks: [$networks[0][] | {
         name: .Name, id: .Id, driver: .Driver, internal: .Internal,
         subnet: (.IPAM.Config[0].Subnet // null), gateway: (.IPAM.Config[0].Gateway // null),
         bridge: (.Options["com.docker.network.bridge.name"] // ("br-" + .Id[0:12]))
       }],
       wan: {
         netns: $wanNs, hostIf: $wanHostIf, nsIf: $wanNsIf, hostIp: $wanHostIp, nsIp: $wanNsIp,
         hostIfindex: ($host[0] | map(select(.ifname == $wanHostIf)) | first | .ifindex // null),
         interfaces: [$wan[0][] | { ifname, ifindex, peerIfindex: (.link_index // null), addresses: [(.addr_info // [])[] | "\(.local)/\(.prefixlen)"] }]
       },
       containers: $containers
     }'
}

cmd=${1:-}
shift || true
case "$cmd" in
  up) lab_up ;;
  down) lab_down "${1:-}" ;;
  status) lab_status ;;
  traffic) lab_traffic ;;
  truth) lab_truth ;;
  *)
    echo "usage: bash scripts/lab.sh up|down [--purge]|status|traffic|truth" >&2
    exit 2
    ;;
esac
