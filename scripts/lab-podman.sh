#!/usr/bin/env bash
# NetLens live test lab, Podman part: real Podman (netavark) networking next to the Docker lab
# of scripts/lab.sh, rootful and rootless.
#
#   bash scripts/lab-podman.sh up            rootful: network nllab-pod, nllab-pod-web (-p 8090:80),
#                                            nllab-pod-app, pod nllab-pod-pod (nllab-pod-pa + nllab-pod-pb
#                                            sharing the infra container's namespace), nllab-pod-side
#                                            (container: nllab-pod-web), nllab-pod-host (host), nllab-pod-none
#   bash scripts/lab-podman.sh up-rootless   a test user (nllabpod) with subuids and one rootless container
#                                            nllab-pod-rl (-p 8091:80) behind slirp4netns
#   bash scripts/lab-podman.sh traffic       real traffic through the Podman NAT (needs the Docker lab's wan)
#   bash scripts/lab-podman.sh status        what exists; exit 1 when a rootful part is missing
#   bash scripts/lab-podman.sh truth         ground truth (podman inspect + each namespace) as JSON
#   bash scripts/lab-podman.sh down          remove everything up/up-rootless created (also the test user,
#                                            and /dev/net/tun's mode is restored), tolerant of partial state
#
# Everything is named nllab-pod*. Images come from `podman import` of busybox-static, never a registry.
# Containers on this kind of machine cannot raise rlimits and Podman sets them by default, so every
# lab container runs with runc and small ulimits (CONTAINERS_CONF below). Packets only go to lab
# containers, the lab bridges and the Docker lab's "wan" namespace (198.51.100.0/24).
# Overrides: NLLAB_POD_SUBNET (default 10.203.5.0/24), NLLAB_POD_PORT (8090), NLLAB_POD_RL_PORT (8091),
# NLLAB_POD_USER (nllabpod).
set -euo pipefail

SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STATE_DIR=/run/nllab-pod
STATE_FILE=$STATE_DIR/lab.env
if [ -r "$STATE_FILE" ]; then
  # shellcheck disable=SC1090
  . "$STATE_FILE"
fi
IMAGE=localhost/netlens-lab/busybox:1
NET=nllab-pod
SUBNET=${NLLAB_POD_SUBNET:-10.203.5.0/24}
PORT=${NLLAB_POD_PORT:-8090}
RL_PORT=${NLLAB_POD_RL_PORT:-8091}
RL_USER=${NLLAB_POD_USER:-nllabpod}
POD=nllab-pod-pod
# Removal order: members of a namespace before its owner.
CONTAINERS=(nllab-pod-side nllab-pod-pa nllab-pod-pb nllab-pod-web nllab-pod-app nllab-pod-host nllab-pod-none)
RL_CONTAINER=nllab-pod-rl
LONG_SLEEP=86400
WAN_NS=nllab-wan

export CONTAINERS_CONF=$STATE_DIR/containers.conf

LAB_NAME=lab-podman.sh
LAB_ROOT_REASON="it creates networks, containers and a test user"
LAB_ENGINE=podman
# shellcheck source=lab-common.sh
. "$SCRIPTS/lab-common.sh"

need_podman() {
  command -v podman >/dev/null || die "podman not found: apt-get install podman netavark aardvark-dns runc uidmap slirp4netns"
  command -v runc >/dev/null || die "runc not found: apt-get install runc"
  command -v jq >/dev/null || die "jq not found: apt-get install jq"
}

save_state() {
  mkdir -p "$STATE_DIR"
  chmod 0755 "$STATE_DIR"
  {
    printf 'NLLAB_POD_SUBNET=%q\nNLLAB_POD_PORT=%q\nNLLAB_POD_RL_PORT=%q\nNLLAB_POD_USER=%q\n' \
      "$SUBNET" "$PORT" "$RL_PORT" "$RL_USER"
    [ -n "${NLLAB_POD_TUN_MODE:-}" ] && printf 'NLLAB_POD_TUN_MODE=%q\n' "$NLLAB_POD_TUN_MODE"
    [ -n "${NLLAB_POD_USER_CREATED:-}" ] && printf 'NLLAB_POD_USER_CREATED=%q\n' "$NLLAB_POD_USER_CREATED"
    [ -n "${NLLAB_POD_NETAVARK_BEFORE:-}" ] && printf 'NLLAB_POD_NETAVARK_BEFORE=%q\n' "$NLLAB_POD_NETAVARK_BEFORE"
    true
  } >"$STATE_FILE"
}

# Lab-only Podman settings: runc (crun refuses the rlimits) and ulimits these machines allow.
write_containers_conf() {
  mkdir -p "$STATE_DIR"
  chmod 0755 "$STATE_DIR"
  cat >"$CONTAINERS_CONF" <<'EOF'
[containers]
default_ulimits = ["nofile=1024:2048", "nproc=1024:2048"]
[engine]
runtime = "runc"
EOF
  chmod 0644 "$CONTAINERS_CONF"
}

# The busybox image, as USER (root when empty): httpd's /www and a /pause for pod infra containers.
ensure_image() {
  local user=${1:-} root
  if [ -z "$user" ]; then
    podman image exists "$IMAGE" && return 0
  else
    su "$user" -s /bin/sh -c "cd ~ && podman image exists $IMAGE" && return 0
  fi
  [ -x /bin/busybox ] || die "/bin/busybox not found: apt-get install busybox-static"
  root=$(mktemp -d)
  mkdir -p "$root/bin" "$root/www" "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  for applet in sh ip ping wget nc httpd sleep cat ls hostname; do ln -s busybox "$root/bin/$applet"; done
  printf '<html><body>netlens podman lab</body></html>\n' >"$root/www/index.html"
  printf '#!/bin/sh\nexec /bin/sleep 2147483647\n' >"$root/pause"
  chmod 0755 "$root/pause"
  chmod -R a+rX "$root"
  log "importing $IMAGE from /bin/busybox (no registry)${user:+ as $user}"
  if [ -z "$user" ]; then
    tar -C "$root" -c . | podman import -q -c 'ENV PATH=/bin' - "$IMAGE" >/dev/null
  else
    tar -C "$root" -c . | su "$user" -s /bin/sh -c "cd ~ && CONTAINERS_CONF=$CONTAINERS_CONF podman import -q -c 'ENV PATH=/bin' - $IMAGE" >/dev/null
  fi
  rm -rf "$root"
}

# Fails loudly when the lab subnet collides with a route of this host (one inside it, or one
# other than the default route that covers it), except the lab network's own bridge route.
check_overlap() {
  local routes
  routes=$({
    ip -4 route show table main root "$SUBNET"
    ip -4 route show table main match "${SUBNET%/*}"
  } | grep -v '^default ' || true)
  [ -z "$routes" ] || die "lab subnet $SUBNET overlaps these routes: $routes; set NLLAB_POD_SUBNET to a free /24"
}

netavark_rules_present() {
  { iptables-save -t nat; iptables-save -t filter; } 2>/dev/null | grep -q '^:NETAVARK'
}

# netavark leaves its base chains and the jumps into them (PREROUTING, OUTPUT, POSTROUTING,
# FORWARD) behind when the last network goes. When the lab brought them, `down` removes them, so
# the machine's rules are what they were before (other tests read them).
remove_netavark_rules() {
  local table line chain
  for table in nat filter; do
    iptables-save -t "$table" | grep -E '^-A (PREROUTING|INPUT|OUTPUT|FORWARD|POSTROUTING) .*-j NETAVARK' |
      while IFS= read -r line; do
        eval "iptables -t $table -D ${line#-A }" || true
      done
    for chain in $(iptables-save -t "$table" | sed -n 's/^:\(NETAVARK[A-Za-z0-9_-]*\) .*/\1/p'); do
      iptables -t "$table" -F "$chain" || true
    done
    for chain in $(iptables-save -t "$table" | sed -n 's/^:\(NETAVARK[A-Za-z0-9_-]*\) .*/\1/p'); do
      iptables -t "$table" -X "$chain" || true
    done
  done
}

lab_up() {
  need_root
  need_podman
  write_containers_conf
  if [ -z "${NLLAB_POD_NETAVARK_BEFORE:-}" ]; then
    if netavark_rules_present; then NLLAB_POD_NETAVARK_BEFORE=1; else NLLAB_POD_NETAVARK_BEFORE=0; fi
    save_state
  fi
  ensure_image
  if ! podman network exists "$NET"; then
    check_overlap
    podman network create --subnet "$SUBNET" --label nllab=1 "$NET" >/dev/null
  else
    local have
    have=$(podman network inspect -f '{{range .Subnets}}{{.Subnet}}{{end}}' "$NET")
    [ "$have" = "$SUBNET" ] || die "network $NET exists with subnet $have, expected $SUBNET; run: bash scripts/lab-podman.sh down"
  fi
  if ! podman container exists nllab-pod-web && port_in_use "$PORT"; then
    die "port $PORT is already in use on this host; free it or set NLLAB_POD_PORT"
  fi
  local web_was_running
  web_was_running=$(podman inspect -f '{{.State.Running}}' nllab-pod-web 2>/dev/null) || web_was_running=absent
  ensure_container nllab-pod-web --network "$NET" --ip "$(host_ip "$SUBNET" 10)" -p "$PORT:80" \
    "$IMAGE" httpd -f -p 80 -h /www
  ensure_container nllab-pod-app --network "$NET" --ip "$(host_ip "$SUBNET" 20)" "$IMAGE" sleep "$LONG_SLEEP"
  if [ "$web_was_running" != true ] && podman container exists nllab-pod-side; then
    podman rm -f -t 0 nllab-pod-side >/dev/null
  fi
  ensure_container nllab-pod-side --network container:nllab-pod-web "$IMAGE" sleep "$LONG_SLEEP"
  if ! podman pod exists "$POD"; then
    podman pod create --name "$POD" --label nllab=1 --network "$NET" --ip "$(host_ip "$SUBNET" 30)" \
      --infra-image "$IMAGE" --infra-command /pause >/dev/null
  fi
  ensure_container nllab-pod-pa --pod "$POD" "$IMAGE" httpd -f -p 8080 -h /www
  ensure_container nllab-pod-pb --pod "$POD" "$IMAGE" sleep "$LONG_SLEEP"
  ensure_container nllab-pod-host --network host "$IMAGE" sleep "$LONG_SLEEP"
  ensure_container nllab-pod-none --network none "$IMAGE" sleep "$LONG_SLEEP"
  save_state
  log "rootful podman lab is up (nllab-pod-web published on 0.0.0.0:$PORT)"
}

as_user() {
  # A login-less shell of the test user, in its home, with the lab's containers.conf.
  su "$RL_USER" -s /bin/sh -c "cd ~ && CONTAINERS_CONF=$CONTAINERS_CONF $1"
}

lab_up_rootless() {
  need_root
  need_podman
  command -v slirp4netns >/dev/null || die "slirp4netns not found: apt-get install slirp4netns"
  command -v newuidmap >/dev/null || die "newuidmap not found: apt-get install uidmap"
  write_containers_conf
  if ! id "$RL_USER" >/dev/null 2>&1; then
    useradd -m -s /bin/sh "$RL_USER"
    NLLAB_POD_USER_CREATED=1
  fi
  grep -q "^$RL_USER:" /etc/subuid || usermod --add-subuids 300000-365535 "$RL_USER"
  grep -q "^$RL_USER:" /etc/subgid || usermod --add-subgids 300000-365535 "$RL_USER"
  # slirp4netns opens /dev/net/tun as the user; on these machines it is 0600 (Debian's usual mode is
  # 0666). Made 0666 while the rootless lab is up; `down` restores the original mode.
  if [ -z "${NLLAB_POD_TUN_MODE:-}" ]; then
    NLLAB_POD_TUN_MODE=$(stat -c %a /dev/net/tun)
  fi
  save_state
  [ "$(stat -c %a /dev/net/tun)" = 666 ] || chmod 0666 /dev/net/tun
  ensure_image "$RL_USER"
  local state
  state=$(as_user "podman inspect -f '{{.State.Running}}' $RL_CONTAINER" 2>/dev/null) || state=absent
  if [ "$state" != true ]; then
    [ "$state" = absent ] || as_user "podman rm -f -t 0 $RL_CONTAINER" >/dev/null
    port_in_use "$RL_PORT" && die "port $RL_PORT is already in use on this host; free it or set NLLAB_POD_RL_PORT"
    as_user "podman run -d --name $RL_CONTAINER --label nllab=1 -p $RL_PORT:80 $IMAGE httpd -f -p 80 -h /www" >/dev/null
  fi
  log "rootless podman lab is up ($RL_USER's $RL_CONTAINER published on *:$RL_PORT through rootlessport)"
}

lab_traffic() {
  need_root
  local web app
  web=$(host_ip "$SUBNET" 10)
  app=$(host_ip "$SUBNET" 20)
  podman container exists nllab-pod-app || die "the podman lab is not up: run bash scripts/lab-podman.sh up first"
  log "between podman containers: app → web"
  podman exec nllab-pod-app wget -qO- "http://$web/" >/dev/null
  log "the host → 127.0.0.1:$PORT (netavark DNAT in OUTPUT, masqueraded by its mark)"
  /bin/busybox timeout 5 /bin/busybox wget -qO- "http://127.0.0.1:$PORT/" >/dev/null
  if ip netns list | awk '{print $1}' | grep -qx "$WAN_NS"; then
    local wan_ip
    wan_ip=$(ip -n "$WAN_NS" -j -4 addr show | jq -r '[.[] | select(.ifname != "lo") | .addr_info[].local][0]')
    log "MASQUERADE: nllab-pod-app → wan $wan_ip"
    podman exec nllab-pod-app ping -c 2 -i 0.2 -W 2 "$wan_ip" >/dev/null
  fi
  [ -n "$app" ]
  log "traffic done"
}

lab_status() {
  local missing=0 c state
  for c in "${CONTAINERS[@]}"; do
    state=$(podman inspect -f '{{.State.Status}}' "$c" 2>/dev/null) || state=absent
    printf '%-16s %s\n' "$c" "$state"
    [ "$state" = running ] || missing=1
  done
  if podman network exists "$NET" 2>/dev/null; then
    printf '%-16s network %s\n' "$NET" "$(podman network inspect -f '{{.NetworkInterface}}' "$NET")"
  else
    printf '%-16s absent\n' "$NET"
    missing=1
  fi
  if id "$RL_USER" >/dev/null 2>&1; then
    state=$(as_user "podman inspect -f '{{.State.Status}}' $RL_CONTAINER" 2>/dev/null) || state=absent
    printf '%-16s %s (rootless, %s)\n' "$RL_CONTAINER" "$state" "$RL_USER"
  fi
  return "$missing"
}

# Pids of a user's processes that still run (zombies are not: they only wait for their parent).
live_pids() {
  ps -o pid=,stat= -u "$1" 2>/dev/null | awk '$2 !~ /^Z/ {print $1}'
}

lab_down() {
  need_root
  local c pid uid
  if command -v podman >/dev/null && [ -d /var/lib/containers/storage ]; then
    for c in "${CONTAINERS[@]}"; do podman rm -f -t 0 "$c" >/dev/null 2>&1 || true; done
    podman pod rm -f -t 0 "$POD" >/dev/null 2>&1 || true
    podman network rm -f "$NET" >/dev/null 2>&1 || true
    podman image rm "$IMAGE" >/dev/null 2>&1 || true
  fi
  if id "$RL_USER" >/dev/null 2>&1; then
    uid=$(id -u "$RL_USER")
    as_user "podman rm -f -t 0 $RL_CONTAINER" >/dev/null 2>&1 || true
    if [ "${NLLAB_POD_USER_CREATED:-}" = 1 ]; then
      # Processes the lab started as the test user (podman's pause process, conmon, slirp4netns,
      # rootlessport): ended by pid before the user is removed.
      for pid in $(live_pids "$uid"); do kill "$pid" 2>/dev/null || true; done
      for _ in $(seq 20); do [ -n "$(live_pids "$uid")" ] || break; sleep 0.2; done
      for pid in $(live_pids "$uid"); do kill -9 "$pid" 2>/dev/null || true; done
      rm -rf "/tmp/podman-run-$uid" "/tmp/containers-user-$uid" "/run/user/$uid"
      userdel -r "$RL_USER" >/dev/null 2>&1 || true
      usermod --del-subuids 300000-365535 --del-subgids 300000-365535 "$RL_USER" >/dev/null 2>&1 || true
      sed -i "/^$RL_USER:/d" /etc/subuid /etc/subgid
    fi
  fi
  [ "${NLLAB_POD_NETAVARK_BEFORE:-}" = 0 ] && remove_netavark_rules
  if [ -n "${NLLAB_POD_TUN_MODE:-}" ] && [ -e /dev/net/tun ]; then
    chmod "$NLLAB_POD_TUN_MODE" /dev/net/tun
  fi
  rm -rf "$STATE_DIR"
  log "podman lab is down"
}

# Ground truth, read from podman and from inside each namespace (not from NetLens).
lab_truth() {
  need_root
  need_podman
  local dir c pid mode
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' RETURN
  truth_host "$dir"
  : >"$dir/containers.jsonl"
  truth_container() {
    local inspect=$1 owner=$2
    pid=$(jq -r '.[0].State.Pid' "$inspect")
    mode=$(jq -r '.[0].HostConfig.NetworkMode' "$inspect")
    case "$mode" in
      container:*) mode="container:$(podman inspect -f '{{.Name}}' "${mode#container:}" 2>/dev/null)" ;;
      bridge) mode=$(jq -r '.[0].NetworkSettings.Networks // {} | keys | if length == 1 then .[0] else "bridge" end' "$inspect") ;;
    esac
    truth_netns "$pid" "$dir"
    truth_jq "$dir" --slurpfile inspect "$inspect" --arg mode "$mode" --arg owner "$owner" \
      'include "lab-truth";
       ($inspect[0][0]) as $i
       | ($netns | rtrimstr("\n")) as $nsid
       | ($nsid == ($hostNetns | rtrimstr("\n"))) as $inHost
       | {
           name: $i.Name,
           id: $i.Id,
           runtime: "podman",
           user: $owner,
           pid: (if $i.State.Pid > 0 then $i.State.Pid else null end),
           podmanNetworkMode: $i.HostConfig.NetworkMode,
           networkMode: $mode,
           pod: (if ($i.Pod // "") == "" then null else $i.Pod end),
           isInfra: ($i.IsInfra // false),
           netnsInode: (if $nsid == "" then null else $nsid end),
           sandboxKey: ($i.NetworkSettings.SandboxKey // null),
           sharesHostNetns: $inHost,
           networks: lab_networks($i),
           ports: lab_ports($i),
           interfaces: lab_interfaces($ns[0]; $host[0]; $inHost)
         }' >>"$dir/containers.jsonl"
  }
  local infra
  infra=$(podman pod inspect -f '{{.InfraContainerID}}' "$POD" 2>/dev/null || true)
  for c in "${CONTAINERS[@]}" $infra; do
    podman container inspect "$c" >"$dir/inspect.json" 2>/dev/null || continue
    truth_container "$dir/inspect.json" root
  done
  # The rootless container: inspected as its user, its namespace read as root.
  local forwarders='[]'
  if id "$RL_USER" >/dev/null 2>&1 && as_user "podman container inspect $RL_CONTAINER" >"$dir/inspect.json" 2>/dev/null; then
    truth_container "$dir/inspect.json" "$RL_USER"
    local uid sandbox p comm args
    uid=$(id -u "$RL_USER")
    sandbox=$(jq -r '.[0].NetworkSettings.SandboxKey' "$dir/inspect.json")
    : >"$dir/forwarders.jsonl"
    for p in $(ps -o pid= -u "$uid"); do
      comm=$(cat "/proc/$p/comm" 2>/dev/null) || continue
      args=$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null) || continue
      case "$comm" in
        slirp4netns | pasta* | rootlessport)
          jq -c -n --arg pid "$p" --arg comm "$comm" --arg args "$args" --arg sandbox "$sandbox" \
            '{pid: ($pid | tonumber), process: $comm, servesSandbox: ($args | contains($sandbox))}' >>"$dir/forwarders.jsonl"
          ;;
      esac
    done
    forwarders=$(jq -s -c . "$dir/forwarders.jsonl")
  fi
  podman network inspect "$NET" >"$dir/networks.json" 2>/dev/null || echo '[]' >"$dir/networks.json"
  jq -n \
    --slurpfile containers "$dir/containers.jsonl" \
    --slurpfile networks "$dir/networks.json" \
    --argjson forwarders "$forwarders" \
    --arg port "$PORT" --arg rlPort "$RL_PORT" --arg user "$RL_USER" --arg pod "$POD" \
    '{
       port: ($port | tonumber),
       rootlessPort: ($rlPort | tonumber),
       rootlessUser: $user,
       pod: $pod,
       networks: [$networks[0][] | {
         name, id, driver, internal, dnsEnabled: .dns_enabled,
         subnet: (.subnets[0].subnet // null), gateway: (.subnets[0].gateway // null),
         bridge: .network_interface
       }],
       forwarders: $forwarders,
       containers: $containers
     }'
}

cmd=${1:-}
shift || true
case "$cmd" in
  up) lab_up ;;
  up-rootless) lab_up_rootless ;;
  down) lab_down ;;
  status) lab_status ;;
  traffic) lab_traffic ;;
  truth) lab_truth ;;
  *)
    echo "usage: bash scripts/lab-podman.sh up|up-rootless|down|status|traffic|truth" >&2
    exit 2
    ;;
esac
