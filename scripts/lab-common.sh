# Helpers shared by the live test labs (scripts/lab.sh, scripts/lab-podman.sh); sourced, never run.
# The sourcing script sets LAB_NAME (its name in messages), LAB_ROOT_REASON (why it needs root) and
# LAB_ENGINE (docker or podman) first.

die() {
  echo "$LAB_NAME: $*" >&2
  exit 1
}
log() { echo "$LAB_NAME: $*" >&2; }

# Host N of a /24, e.g. host 10 of 10.203.1.0/24 → 10.203.1.10.
host_ip() { echo "${1%.*/*}.$2"; }

need_root() {
  [ "$(id -u)" = 0 ] || die "must run as root ($LAB_ROOT_REASON)"
}

port_in_use() {
  ss -Htln "sport = :$1" | grep -q .
}

# ensure_container NAME [run args…] -- started unless it runs already (a stopped one is replaced).
ensure_container() {
  local name=$1
  shift
  local state
  state=$("$LAB_ENGINE" inspect -f '{{.State.Running}}' "$name" 2>/dev/null) || state=absent
  [ "$state" = true ] && return 0
  if [ "$state" != absent ]; then
    # Podman waits out the stop timeout before a forced removal unless told not to.
    if [ "$LAB_ENGINE" = podman ]; then podman rm -f -t 0 "$name" >/dev/null; else docker rm -f "$name" >/dev/null; fi
  fi
  "$LAB_ENGINE" run -d --name "$name" --label nllab=1 "$@" >/dev/null
}

# Ground truth (`truth`): read from the runtime and from inside each namespace, never from NetLens.
# truth_host DIR: the host's links and its namespace inode, what each container is compared against.
truth_host() {
  ip -j -d link show >"$1/host-links.json"
  readlink "/proc/$$/ns/net" >"$1/host-netns"
}

# truth_netns PID DIR: `ip -j -d addr` inside PID's namespace (ns.json) and its inode (netns); empty
# for a container without a process.
truth_netns() {
  local pid=$1 dir=$2
  if [ "$pid" -gt 0 ] 2>/dev/null; then
    nsenter --net="/proc/$pid/ns/net" ip -j -d addr show >"$dir/ns.json"
    readlink "/proc/$pid/ns/net" >"$dir/netns"
  else
    echo '[]' >"$dir/ns.json"
    echo '' >"$dir/netns"
  fi
}

# truth_jq DIR [jq args…] PROGRAM: jq over the files truth_host and truth_netns wrote, with the
# functions of lab-truth.jq; the caller adds --slurpfile inspect, its --arg values and the program.
truth_jq() {
  local dir=$1
  shift
  jq -c -n -L "$SCRIPTS" \
    --slurpfile ns "$dir/ns.json" \
    --slurpfile host "$dir/host-links.json" \
    --rawfile netns "$dir/netns" \
    --rawfile hostNetns "$dir/host-netns" \
    "$@"
}
