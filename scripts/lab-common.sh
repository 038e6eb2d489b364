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
