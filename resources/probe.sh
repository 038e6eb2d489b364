#!/bin/sh
# NetLens probe (capture format 1, see docs/capture-format.md).
#
# Collects how container networking is wired on this host, in one run, and prints a NetLens
# capture on stdout. It is READ-ONLY: it only lists and reads (no iptables -L without -n, no
# modprobe, no `ip ... set`, no `ip netns exec`, no docker run). It writes nothing but its own
# private temp dir (mktemp -d), which it removes on exit.
#
# NetLens runs it as `sh -s -- BOUNDARY CONNTRACK_CAP SUDO` (locally or through `ssh HOST sh -s`).
# By hand on an air-gapped host:   sh probe.sh > host.cap     (all arguments are optional)
#   BOUNDARY       separator for this capture: [A-Za-z0-9._-], 8-100 chars (default: random)
#   CONNTRACK_CAP  at most this many conntrack entries (default 200000)
#   SUDO           1 = run privileged commands through `sudo -n` (never prompts) when not root
#   SOURCE         label written into the capture header (default: manual)
# Environment equivalents: NETLENS_BOUNDARY, NETLENS_CONNTRACK_CAP, NETLENS_SUDO, NETLENS_SOURCE.

LC_ALL=C
export LC_ALL
PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
export PATH

NL_B=${1:-${NETLENS_BOUNDARY:-}}
NL_CAP=${2:-${NETLENS_CONNTRACK_CAP:-200000}}
NL_SUDO=${3:-${NETLENS_SUDO:-0}}
NL_SOURCE=${4:-${NETLENS_SOURCE:-manual}}
NL_NL='
'

case $NL_B in
  *[!A-Za-z0-9._-]* | '' | -*) NL_B='' ;;
esac
if [ ${#NL_B} -lt 8 ] || [ ${#NL_B} -gt 100 ]; then
  NL_B=''
fi
if [ -z "$NL_B" ]; then
  NL_U=''
  if [ -r /proc/sys/kernel/random/uuid ]; then
    read -r NL_U </proc/sys/kernel/random/uuid
  fi
  case $NL_U in
    *[!A-Za-z0-9-]* | '') NL_U="$(date +%s 2>/dev/null)-$$" ;;
  esac
  NL_B="nl-$NL_U"
fi
case $NL_CAP in
  *[!0-9]* | '') NL_CAP=200000 ;;
esac
[ "$NL_CAP" -gt 0 ] 2>/dev/null || NL_CAP=200000
case $NL_SUDO in
  1 | yes | true) NL_SUDO=1 ;;
  *) NL_SUDO=0 ;;
esac
case $NL_SOURCE in
  *[!A-Za-z0-9._:@/+-]* | '') NL_SOURCE=manual ;;
esac

NL_UID=$(id -u 2>/dev/null)
case $NL_UID in
  *[!0-9]* | '') NL_UID=unknown ;;
esac

# Per-command timeout when coreutils/busybox `timeout` works.
NL_TO=''
if command -v timeout >/dev/null 2>&1 && timeout 5 true >/dev/null 2>&1; then
  NL_TO='timeout 20'
fi

# Privileged prefix: nothing as root; `sudo -n` when asked to and sudo works without a password.
NL_SUDO_OK=0
if [ "$NL_UID" != 0 ] && [ "$NL_SUDO" = 1 ] && command -v sudo >/dev/null 2>&1; then
  if sudo -n true >/dev/null 2>&1; then
    NL_SUDO_OK=1
  fi
fi
NL_ROOTISH=0
if [ "$NL_UID" = 0 ] || [ "$NL_SUDO_OK" = 1 ]; then
  NL_ROOTISH=1
fi

# Private scratch dir for one command's stdout/stderr at a time (keeps any bytes intact).
NL_T=$(mktemp -d 2>/dev/null) || NL_T=''
[ -d "$NL_T" ] || NL_T=''
nl_cleanup() {
  if [ -n "$NL_T" ]; then
    rm -f "$NL_T/out" "$NL_T/err"
    rmdir "$NL_T" 2>/dev/null
  fi
}
trap nl_cleanup EXIT
trap 'exit 130' INT TERM HUP

# nl_now: milliseconds of uptime into NL_NOW, from /proc/uptime with the `read` builtin (no
# process per call: the probe runs ~100 sections and forks are what makes it slow over ssh).
nl_now() {
  NL_NOW=0
  if [ -r /proc/uptime ]; then
    read -r nl_up nl_rest </proc/uptime
    nl_s=${nl_up%%.*}
    nl_c=${nl_up#*.}
    nl_c=${nl_c#0}
    case $nl_s$nl_c in
      *[!0-9]* | '') return 0 ;;
    esac
    NL_NOW=$((nl_s * 1000 + ${nl_c:-0} * 10))
  fi
}

# nl_x TOOL ARGS...: run an external read-only tool with the timeout; 127 when it is missing.
nl_x() {
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "$1: not found" >&2
    return 127
  fi
  $NL_TO "$@"
}

# nl_p TOOL ARGS...: like nl_x, through `sudo -n` when not root and --sudo was given.
nl_p() {
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "$1: not found" >&2
    return 127
  fi
  if [ "$NL_SUDO_OK" = 1 ]; then
    $NL_TO sudo -n "$@"
  else
    $NL_TO "$@"
  fi
}

# Status from exit code and stderr (sets nl_st).
nl_classify() {
  nl_rc=$1
  nl_e=$2
  if [ "$nl_rc" = 0 ]; then
    nl_st=ok
    return
  fi
  if [ -n "$NL_TO" ] && [ "$nl_rc" = 124 ]; then
    nl_st=timeout
    return
  fi
  if [ "$nl_rc" = 127 ]; then
    nl_st=missing-tool
    return
  fi
  case $nl_e in
    *'command not found'*) nl_st=missing-tool ;;
    *'ermission denied'* | *'Operation not permitted'* | *'must be root'* | *'must be run as root'* | \
      *'a password is required'* | *'a terminal is required'* | *'not in the sudoers'* | \
      *'not allowed to execute'* | *'Access denied'*) nl_st=permission-denied ;;
    *) nl_st=error ;;
  esac
}

nl_header() {
  # name command exit ms status
  printf '%s\n' "--$NL_B section" "name: $1" "command: $2" "exit: $3" "ms: $4" "status: $5" "--$NL_B stdout"
}

# nl_run NAME DISPLAY CMD ARGS...: run one section and print it. Sets nl_rc, nl_st.
nl_run() {
  nl_name=$1
  nl_disp=$2
  shift 2
  nl_now
  nl_t0=$NL_NOW
  if [ -n "$NL_T" ]; then
    "$@" >"$NL_T/out" 2>"$NL_T/err" </dev/null
    nl_rc=$?
    nl_now
    nl_t1=$NL_NOW
    nl_err=''
    if [ -s "$NL_T/err" ]; then
      nl_err=$(cat "$NL_T/err")
    fi
    nl_classify "$nl_rc" "$nl_err"
    nl_header "$nl_name" "$nl_disp" "$nl_rc" $((nl_t1 - nl_t0)) "$nl_st"
    if [ -s "$NL_T/out" ]; then
      cat "$NL_T/out"
    fi
    printf '\n%s\n' "--$NL_B stderr"
    [ -s "$NL_T/err" ] && cat "$NL_T/err"
  else
    # No writable temp dir: stdout through a variable (NUL bytes are lost), stderr not kept.
    nl_out=$("$@" 2>/dev/null </dev/null; echo "rc=$?")
    nl_rc=${nl_out##*rc=}
    nl_out=${nl_out%rc=*}
    nl_now
    nl_t1=$NL_NOW
    nl_classify "$nl_rc" ''
    nl_header "$nl_name" "$nl_disp" "$nl_rc" $((nl_t1 - nl_t0)) "$nl_st"
    printf '%s' "$nl_out"
    printf '\n%s\n' "--$NL_B stderr"
    printf '%s' '(stderr not kept: no writable temp dir)'
  fi
  printf '\n%s\n' "--$NL_B end"
  [ "$nl_st" = ok ]
}

# nl_skip NAME DISPLAY REASON: a section that was deliberately not run.
nl_skip() {
  nl_header "$1" "$2" '' 0 skipped
  printf '\n%s\n' "--$NL_B stderr"
  printf '%s' "$3"
  printf '\n%s\n' "--$NL_B end"
}

# Was the first non-blank output byte of the last section '[' or '{' (i.e. JSON)?
nl_last_json() {
  [ -n "$NL_T" ] || return 0
  while IFS= read -r nl_line; do
    nl_line=${nl_line#"${nl_line%%[![:space:]]*}"}
    case $nl_line in
      '['* | '{'*) return 0 ;;
      '') continue ;;
    esac
    return 1
  done <"$NL_T/out"
  return 1
}

# True when the kernel module is there (or the kernel has no loadable modules), so reading its
# state cannot make the kernel load it.
nl_mod_ok() {
  [ -e /proc/modules ] || return 0
  [ -d "/sys/module/$1" ]
}

# ---------------------------------------------------------------- composite sections
nl_f_sysctl() {
  for nl_k in net/ipv4/ip_forward net/bridge/bridge-nf-call-iptables net/bridge/bridge-nf-call-ip6tables \
    net/ipv4/conf/all/rp_filter net/ipv4/conf/default/rp_filter; do
    if [ -r "/proc/sys/$nl_k" ]; then
      read -r nl_v <"/proc/sys/$nl_k"
      nl_kd=$nl_k
      while :; do
        case $nl_kd in
          */*) nl_kd=${nl_kd%%/*}.${nl_kd#*/} ;;
          *) break ;;
        esac
      done
      echo "$nl_kd = $nl_v"
    fi
  done
  for nl_f in /proc/sys/net/ipv4/conf/*/rp_filter; do
    [ -r "$nl_f" ] || continue
    nl_i=${nl_f#/proc/sys/net/ipv4/conf/}
    nl_i=${nl_i%/rp_filter}
    case $nl_i in all | default) continue ;; esac
    read -r nl_v <"$nl_f"
    echo "net.ipv4.conf.$nl_i.rp_filter = $nl_v"
  done
  return 0
}

nl_f_brif() {
  for nl_d in /sys/class/net/*/brif; do
    [ -d "$nl_d" ] || continue
    nl_br=${nl_d%/brif}
    nl_br=${nl_br##*/}
    nl_any=0
    for nl_port in "$nl_d"/*; do
      [ -e "$nl_port" ] || continue
      echo "$nl_br ${nl_port##*/}"
      nl_any=1
    done
    [ "$nl_any" = 1 ] || echo "$nl_br"
  done
  return 0
}

nl_f_docker_networks() {
  nl_ids=$($NL_DOCKER docker network ls -q) || return $?
  if [ -z "$nl_ids" ]; then
    echo '[]'
    return 0
  fi
  # shellcheck disable=SC2086
  $NL_DOCKER docker network inspect $nl_ids
}

nl_f_docker_containers() {
  nl_ids=$($NL_DOCKER docker ps -aq) || return $?
  if [ -z "$nl_ids" ]; then
    echo '[]'
    return 0
  fi
  # shellcheck disable=SC2086
  $NL_DOCKER docker container inspect $nl_ids
}

nl_f_conntrack_tool() {
  # conntrack's exit code through the pipe; 141 (SIGPIPE) means head stopped at the cap.
  { nl_ctrc=$({ { nl_p conntrack -L -o extended 4>&-; echo "$?" >&4; } | head -n "$NL_CAP" >&5; } 4>&1); } 5>&1
  case $nl_ctrc in
    141 | 0) return 0 ;;
    '') return 1 ;;
  esac
  return "$nl_ctrc"
}

nl_f_conntrack_proc() {
  { nl_ctrc=$({ { nl_p cat /proc/net/nf_conntrack 4>&-; echo "$?" >&4; } | head -n "$NL_CAP" >&5; } 4>&1); } 5>&1
  case $nl_ctrc in
    141 | 0) return 0 ;;
    '') return 1 ;;
  esac
  return "$nl_ctrc"
}

nl_f_hostname() {
  if command -v hostname >/dev/null 2>&1; then
    nl_x hostname
  else
    nl_x cat /proc/sys/kernel/hostname
  fi
}

# busybox and very old iproute2 have no -d
nl_f_ip_link_text() {
  nl_x ip -d link show || nl_x ip link show
}

nl_f_netns_map() {
  printf '%s' "$NL_NSMAP"
  return 0
}

# Is this file a live namespace (a bind mount on nsfs)? Docker leaves stale files behind.
nl_is_ns() {
  nl_fs=$(stat -L -f -c %T "$1" 2>/dev/null)
  case $nl_fs in
    nsfs | proc) return 0 ;;
  esac
  return 1
}

# Netns inode of a path (/proc/PID/ns/net or a bind-mounted netns file), '-' when unreadable.
nl_inode() {
  nl_ino=$(stat -L -c %i "$1" 2>/dev/null)
  case $nl_ino in
    *[!0-9]* | '') nl_ino=$(nl_p stat -L -c %i "$1" 2>/dev/null) ;;
  esac
  case $nl_ino in
    *[!0-9]* | '') nl_ino=- ;;
  esac
}

# ---------------------------------------------------------------- header
NL_NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ 2>/dev/null)
printf '%s\n' 'NETLENS-CAPTURE 1' "boundary: $NL_B" "source: $NL_SOURCE" "capturedAt: $NL_NOW" \
  'probe: netlens-probe 1' "conntrackCap: $NL_CAP" "uid: $NL_UID" "sudo: $NL_SUDO_OK"

# ---------------------------------------------------------------- host
nl_run meta.hostname 'hostname' nl_f_hostname
nl_run meta.kernel 'uname -r' nl_x uname -r
nl_run meta.uid 'id -u' nl_x id -u

# ---------------------------------------------------------------- docker
NL_DOCKER=nl_x
if [ "$NL_SUDO_OK" = 1 ] && command -v docker >/dev/null 2>&1; then
  if ! $NL_TO docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
    NL_DOCKER=nl_p
  fi
fi
nl_run docker.version "docker version --format '{{.Server.Version}}'" $NL_DOCKER docker version --format '{{.Server.Version}}'
NL_DOCKER_OK=0
if [ "$nl_st" = ok ]; then
  NL_DOCKER_OK=1
  nl_run docker.networks 'docker network inspect $(docker network ls -q)' nl_f_docker_networks
  nl_run docker.containers 'docker container inspect $(docker ps -aq)' nl_f_docker_containers
else
  nl_skip docker.networks 'docker network inspect $(docker network ls -q)' "docker version failed ($nl_st)"
  nl_skip docker.containers 'docker container inspect $(docker ps -aq)' "docker version failed ($nl_st)"
fi

# ---------------------------------------------------------------- iproute2 (JSON, text fallback)
NL_IPJSON=1
nl_run ip.link 'ip -j -d link show' nl_x ip -j -d link show
if [ "$nl_st" != ok ] || ! nl_last_json; then
  NL_IPJSON=0
  nl_run ip.link.text 'ip -d link show || ip link show' nl_f_ip_link_text
fi
if [ "$NL_IPJSON" = 1 ]; then
  nl_run ip.addr 'ip -j addr show' nl_x ip -j addr show
  nl_run ip.route 'ip -j route show table all' nl_x ip -j route show table all
  nl_run ip.neigh 'ip -j neigh show' nl_x ip -j neigh show
else
  nl_run ip.addr.text 'ip addr show' nl_x ip addr show
  nl_run ip.route.text 'ip route show table all' nl_x ip route show table all
  nl_run ip.neigh.text 'ip neigh show' nl_x ip neigh show
fi

# ---------------------------------------------------------------- bridges
NL_BRJSON=1
nl_run bridge.link 'bridge -j link show' nl_x bridge -j link show
if [ "$nl_st" != ok ] || ! nl_last_json; then
  NL_BRJSON=0
  nl_run brctl.show 'brctl show' nl_x brctl show
fi
if [ "$NL_BRJSON" = 1 ]; then
  nl_run bridge.fdb 'bridge -j fdb show' nl_x bridge -j fdb show
else
  nl_run bridge.fdb.text 'bridge fdb show' nl_x bridge fdb show
fi
nl_run sys.brif 'ls /sys/class/net/*/brif' nl_f_brif

# ---------------------------------------------------------------- netfilter
nl_run iptables.version 'iptables -V' nl_x iptables -V
NL_BACKEND=unknown
if [ "$nl_st" = ok ] && [ -n "$NL_T" ]; then
  case $(cat "$NL_T/out") in
    *nf_tables*) NL_BACKEND=nf_tables ;;
    *legacy*) NL_BACKEND=legacy ;;
    *) NL_BACKEND=legacy ;;
  esac
fi
NL_SAVE_OK=0
if [ "$NL_BACKEND" = legacy ] && [ ! -e /proc/net/ip_tables_names ] && [ -e /proc/modules ]; then
  nl_skip iptables.save 'iptables-save' 'ip_tables is not loaded: there are no legacy rules (not loading it)'
else
  nl_run iptables.save 'iptables-save' nl_p iptables-save && NL_SAVE_OK=1
  NL_SAVE_ST=$nl_st
fi
if [ "$NL_BACKEND" = nf_tables ] || [ -e /proc/net/ip6_tables_names ] || [ ! -e /proc/modules ]; then
  nl_run ip6tables.save 'ip6tables-save' nl_p ip6tables-save
else
  nl_skip ip6tables.save 'ip6tables-save' 'ip6_tables is not loaded (not loading it)'
fi
if [ "$NL_BACKEND" = nf_tables ] && command -v iptables-legacy-save >/dev/null 2>&1; then
  if [ -e /proc/net/ip_tables_names ]; then
    nl_run iptables-legacy.save 'iptables-legacy-save' nl_p iptables-legacy-save
  else
    nl_skip iptables-legacy.save 'iptables-legacy-save' 'ip_tables is not loaded: no legacy rules'
  fi
fi
if [ "$NL_BACKEND" = legacy ] && command -v iptables-nft-save >/dev/null 2>&1; then
  if nl_mod_ok nf_tables; then
    nl_run iptables-nft.save 'iptables-nft-save' nl_p iptables-nft-save
  else
    nl_skip iptables-nft.save 'iptables-nft-save' 'nf_tables is not loaded: no nft rules'
  fi
fi
if [ "$NL_SAVE_OK" = 0 ] && [ "${NL_SAVE_ST:-}" != permission-denied ] && [ "$NL_BACKEND" != unknown ]; then
  nl_run iptables.list.nat 'iptables -t nat -L -n -v --line-numbers' nl_p iptables -t nat -L -n -v --line-numbers
fi
if [ "$NL_BACKEND" = nf_tables ] || nl_mod_ok nf_tables; then
  nl_run nft.ruleset 'nft -j list ruleset' nl_p nft -j list ruleset
else
  nl_skip nft.ruleset 'nft -j list ruleset' 'nf_tables is not loaded (not loading it)'
fi

# ---------------------------------------------------------------- conntrack
if [ -r /proc/sys/net/netfilter/nf_conntrack_count ]; then
  if command -v conntrack >/dev/null 2>&1 && nl_mod_ok nf_conntrack_netlink; then
    nl_run conntrack.list "conntrack -L -o extended | head -n $NL_CAP" nl_f_conntrack_tool
  elif [ -e /proc/net/nf_conntrack ]; then
    nl_run conntrack.list "cat /proc/net/nf_conntrack | head -n $NL_CAP" nl_f_conntrack_proc
  else
    nl_skip conntrack.list 'conntrack -L -o extended' 'no conntrack tool with nf_conntrack_netlink loaded and no /proc/net/nf_conntrack'
  fi
  nl_run conntrack.count 'cat /proc/sys/net/netfilter/nf_conntrack_count' nl_x cat /proc/sys/net/netfilter/nf_conntrack_count
  nl_run conntrack.max 'cat /proc/sys/net/netfilter/nf_conntrack_max' nl_x cat /proc/sys/net/netfilter/nf_conntrack_max
else
  nl_skip conntrack.list 'conntrack -L -o extended' 'nf_conntrack is not loaded (not loading it)'
  nl_skip conntrack.count 'cat /proc/sys/net/netfilter/nf_conntrack_count' 'nf_conntrack is not loaded'
  nl_skip conntrack.max 'cat /proc/sys/net/netfilter/nf_conntrack_max' 'nf_conntrack is not loaded'
fi

# ---------------------------------------------------------------- counters, listeners, sysctls
nl_run proc.net.dev 'cat /proc/net/dev' nl_x cat /proc/net/dev
nl_run ss.listen 'ss -Htulpn' nl_p ss -Htulpn
nl_run sysctl 'cat /proc/sys/net/{ipv4/ip_forward,bridge/bridge-nf-call-ip*tables,ipv4/conf/*/rp_filter}' nl_f_sysctl

# ---------------------------------------------------------------- namespaces
# NL_NSMAP: "<nsid> <inode|-> [<container id>]" lines; NL_NSLIST: "<nsid> <path>" lines of
# namespaces to read (one per distinct inode, never the host's).
nl_inode /proc/$$/ns/net
NL_HOSTINO=$nl_ino
NL_NSMAP="host $NL_HOSTINO$NL_NL"
NL_NSLIST=''
NL_SEEN=" $NL_HOSTINO "
nl_add_ns() {
  # nsid path inode [container]
  NL_NSMAP="$NL_NSMAP$1 $3${4:+ $4}$NL_NL"
  if [ "$3" != - ]; then
    case $NL_SEEN in *" $3 "*) return 0 ;; esac
    NL_SEEN="$NL_SEEN$3 "
  fi
  NL_NSLIST="$NL_NSLIST$1 $2$NL_NL"
}

NL_PIDS=''
if [ "$NL_DOCKER_OK" = 1 ]; then
  nl_ids=$($NL_DOCKER docker ps -q 2>/dev/null)
  if [ -n "$nl_ids" ]; then
    # shellcheck disable=SC2086
    NL_PIDS=$($NL_DOCKER docker inspect -f '{{.State.Pid}} {{.Id}}' $nl_ids 2>/dev/null)
  fi
else
  # Without docker access: container init processes are the children of containerd-shim.
  for nl_d in /proc/[0-9]*; do
    [ -r "$nl_d/stat" ] || continue
    read -r nl_stat 2>/dev/null <"$nl_d/stat" || continue
    nl_rest=${nl_stat##*) }
    set -- $nl_rest
    [ -r "/proc/$2/comm" ] || continue
    read -r nl_pcomm 2>/dev/null <"/proc/$2/comm" || continue
    case $nl_pcomm in
      containerd-shim*)
        nl_cid=$(sed -n 's/.*\([0-9a-f]\{64\}\).*/\1/p' "$nl_d/cgroup" 2>/dev/null | head -n 1)
        NL_PIDS="$NL_PIDS${nl_d#/proc/} ${nl_cid:--}$NL_NL"
        ;;
    esac
  done
fi
NL_OLDIFS=$IFS
IFS=$NL_NL
for nl_l in $NL_PIDS; do
  IFS=$NL_OLDIFS
  set -- $nl_l
  case ${1:-} in *[!0-9]* | '' | 0) continue ;; esac
  nl_inode "/proc/$1/ns/net"
  nl_cid=${2:-}
  [ "$nl_cid" = - ] && nl_cid=''
  nl_add_ns "pid:$1" "/proc/$1/ns/net" "$nl_ino" "$nl_cid"
done
IFS=$NL_OLDIFS
for nl_f in /var/run/docker/netns/* /run/docker/netns/*; do
  [ -e "$nl_f" ] || continue
  nl_n=${nl_f##*/}
  case $nl_n in *[!A-Za-z0-9._-]*) continue ;; esac
  case $NL_NSMAP in *"docker:$nl_n "*) continue ;; esac
  nl_is_ns "$nl_f" || continue
  nl_inode "$nl_f"
  nl_add_ns "docker:$nl_n" "$nl_f" "$nl_ino"
done
for nl_f in /var/run/netns/* /run/netns/*; do
  [ -e "$nl_f" ] || continue
  nl_n=${nl_f##*/}
  case $nl_n in *[!A-Za-z0-9._-]*) continue ;; esac
  case $NL_NSMAP in *"ipnetns:$nl_n "*) continue ;; esac
  nl_is_ns "$nl_f" || continue
  nl_inode "$nl_f"
  nl_add_ns "ipnetns:$nl_n" "$nl_f" "$nl_ino"
done
nl_run netns.map 'stat -L -c %i /proc/<pid>/ns/net /var/run/docker/netns/* /var/run/netns/*' nl_f_netns_map

IFS=$NL_NL
for nl_l in $NL_NSLIST; do
  IFS=$NL_OLDIFS
  nl_id=${nl_l%% *}
  nl_path=${nl_l#* }
  if [ "$NL_ROOTISH" = 1 ]; then
    if [ "$NL_IPJSON" = 1 ]; then
      nl_run "ns/$nl_id/ip.link" "nsenter --net=$nl_path ip -j -d link show" nl_p nsenter "--net=$nl_path" ip -j -d link show
      nl_run "ns/$nl_id/ip.addr" "nsenter --net=$nl_path ip -j addr show" nl_p nsenter "--net=$nl_path" ip -j addr show
      nl_run "ns/$nl_id/ip.route" "nsenter --net=$nl_path ip -j route show table all" nl_p nsenter "--net=$nl_path" ip -j route show table all
    else
      nl_run "ns/$nl_id/ip.link.text" "nsenter --net=$nl_path ip -d link show" nl_p nsenter "--net=$nl_path" ip -d link show
      nl_run "ns/$nl_id/ip.addr.text" "nsenter --net=$nl_path ip addr show" nl_p nsenter "--net=$nl_path" ip addr show
      nl_run "ns/$nl_id/ip.route.text" "nsenter --net=$nl_path ip route show table all" nl_p nsenter "--net=$nl_path" ip route show table all
    fi
    if [ "$NL_BRJSON" = 1 ]; then
      nl_run "ns/$nl_id/bridge.fdb" "nsenter --net=$nl_path bridge -j fdb show" nl_p nsenter "--net=$nl_path" bridge -j fdb show
    fi
  fi
  case $nl_id in
    pid:*)
      nl_pid=${nl_id#pid:}
      nl_run "ns/$nl_id/proc.net.dev" "cat /proc/$nl_pid/net/dev" nl_x cat "/proc/$nl_pid/net/dev"
      nl_run "ns/$nl_id/igmp" "cat /proc/$nl_pid/net/igmp" nl_x cat "/proc/$nl_pid/net/igmp"
      nl_run "ns/$nl_id/proc.route" "cat /proc/$nl_pid/net/route" nl_x cat "/proc/$nl_pid/net/route"
      ;;
  esac
done
IFS=$NL_OLDIFS

printf '%s\n' "--$NL_B done"
exit 0
