#!/bin/sh
# NetLens probe (capture format 2, see docs/capture-format.md).
#
# Collects how container networking is wired on this host, in one run, and prints a NetLens
# capture on stdout. It is READ-ONLY: it only lists and reads (no iptables -L without -n, no
# modprobe, no `ip ... set`, no `ip netns exec`, no docker run). It writes nothing but its own
# private temp dir (mktemp -d), which it removes on exit.
# It never makes the kernel load a module. Commands that could, and how that is avoided:
#   iptables-save, ip6tables-save (legacy)   ip_tables/ip6_tables and their tables: run only when
#       /proc/net/ip{,6}_tables_names exists (nl_rules_ok), i.e. the module is already loaded;
#   iptables-save, ip6tables-save (nf_tables), iptables-nft-save, nft   nf_tables (nfnetlink
#       autoload): run only when nf_tables is loaded or built in (nl_mod_ok);
#   iptables -t nat -L (fallback)   iptable_nat / nf_tables: only after iptables-save itself ran
#       (its guard passed) and failed, never when it was skipped;
#   conntrack -L   nf_conntrack_netlink: only when loaded, else /proc/net/nf_conntrack is read;
#   ss   inet_diag, tcp_diag, udp_diag (sock_diag netlink autoload): when one is not loaded,
#       PROC_ROOT=/proc makes ss read /proc/net/{tcp,tcp6,udp,udp6} instead of asking netlink;
#   brctl show (old iproute2 only)   bridge (its SIOCGIFBR ioctl when sysfs lists no bridge): only
#       when the bridge module is loaded or built in.
# ip, bridge (rtnetlink), docker, cat and stat of /proc and /sys load nothing.
# The only processes it ever signals are its own: its watchdog, a section that overran its time
# limit (see nl_watchdog), and its own background jobs when it exits early (see nl_early).
#
# NetLens runs it as `sh -s -- BOUNDARY CONNTRACK_CAP SUDO` (locally or through `ssh HOST sh -s`).
# By hand on an air-gapped host:   sh probe.sh > host.cap     (all arguments are optional)
#   BOUNDARY       separator for this capture: [A-Za-z0-9._-], 8-100 chars (default: random)
#   CONNTRACK_CAP  at most this many conntrack entries (default 200000)
#   SUDO           1 = run privileged commands through `sudo -n` (never prompts) when not root
#   SOURCE         label written into the capture header (default: manual)
# Environment equivalents: NETLENS_BOUNDARY, NETLENS_CONNTRACK_CAP, NETLENS_SUDO, NETLENS_SOURCE.
# NETLENS_CMD_TIMEOUT   seconds any one command may run (default 20, at most 3600)

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

# Per-command timeouts: every command gets 20 s (NETLENS_CMD_TIMEOUT seconds). With a writable
# temp dir, /proc/uptime, `sleep` and `kill`, one watchdog process (below) enforces that for
# whichever section is running: one `sleep 1` per second instead of a `timeout` process per
# command, which over ssh was most of the probe's own cost. Otherwise each command runs under
# coreutils/busybox `timeout` when that works.
NL_LIMIT_S=${NETLENS_CMD_TIMEOUT:-20}
case $NL_LIMIT_S in
  *[!0-9]* | '' | 0) NL_LIMIT_S=20 ;;
esac
[ "$NL_LIMIT_S" -le 3600 ] || NL_LIMIT_S=3600
NL_LIMIT_MS=$((NL_LIMIT_S * 1000))
NL_TO=''

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

# Private scratch dir: one command's stderr (and, for the few sections the probe reads back, its
# stdout) at a time per shell (the probe's own and each concurrent job's, see nl_early), the
# watchdog's small files and the jobs' held output. Keeps any bytes intact.
NL_T=$(mktemp -d 2>/dev/null) || NL_T=''
[ -d "$NL_T" ] || NL_T=''
NL_WD=''
nl_cleanup() {
  [ -n "$NL_WD" ] && kill "$NL_WD" 2>/dev/null
  if [ -n "$NL_T" ]; then
    # A job still running (the probe was stopped while docker or podman listed): it goes too, with
    # whatever it runs.
    if [ -s "$NL_T/jobs" ]; then
      nl_live=0
      while read -r nl_jp; do
        kill -0 "$nl_jp" 2>/dev/null && nl_live=1
      done <"$NL_T/jobs"
      [ "$nl_live" = 1 ] && nl_kill_tree "$NL_MAIN" ''
    fi
    rm -f "$NL_T"/out* "$NL_T"/err* "$NL_T"/cur* "$NL_T"/killed* "$NL_T"/j.* "$NL_T/jobs"
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

# nl_kill_tree ROOT SKIP: SIGTERM to every process below ROOT except SKIP and what is below it.
# The watchdog calls it with the probe's own shell as ROOT and itself as SKIP: what is left is the
# running section (a command, or a shell function's docker, `conntrack | head`, nsenter …).
# Sets nl_kt_list to the pids it signalled.
nl_kill_tree() {
  nl_kt_tree=" $1 "
  nl_kt_skip=" $2 "
  nl_kt_list=''
  nl_kt_more=1
  while [ "$nl_kt_more" = 1 ]; do
    nl_kt_more=0
    for nl_kt_stat in /proc/[0-9]*/stat; do
      nl_kt_pid=${nl_kt_stat#/proc/}
      nl_kt_pid=${nl_kt_pid%/stat}
      case $nl_kt_tree$nl_kt_skip in *" $nl_kt_pid "*) continue ;; esac
      read -r nl_kt_line 2>/dev/null <"$nl_kt_stat" || continue
      # shellcheck disable=SC2086
      set -- ${nl_kt_line##*) }
      case $nl_kt_skip in
        *" ${2:-x} "*)
          nl_kt_skip="$nl_kt_skip$nl_kt_pid "
          nl_kt_more=1
          continue
          ;;
      esac
      case $nl_kt_tree in
        *" ${2:-x} "*)
          nl_kt_tree="$nl_kt_tree$nl_kt_pid "
          nl_kt_list="$nl_kt_list $nl_kt_pid"
          nl_kt_more=1
          ;;
      esac
    done
  done
  # shellcheck disable=SC2086
  [ -n "$nl_kt_list" ] && kill $nl_kt_list 2>/dev/null
}

# The watchdog: once a second, for each shell running a section (the probe's own and each job of
# nl_early; the section's number, start time and the shell's pid are in $NL_T/cur<job>), if the
# section has run for NL_LIMIT_MS, it stops the processes below that shell and writes the
# section's number to $NL_T/killed<job>. Below the probe's own shell that spares the jobs (their
# pids are in $NL_T/jobs): each has its own limit. It ends with the probe. Most sections run in
# the foreground (a background job and `wait` cost a full fork per section), so it finds them as
# the probe's children.
nl_watchdog() {
  read -r nl_w_self nl_w_rest </proc/self/stat
  while sleep 1; do
    kill -0 "$NL_MAIN" 2>/dev/null || exit 0
    for nl_w_cur in "$NL_T"/cur*; do
      [ -s "$nl_w_cur" ] || continue
      read -r nl_w_seq nl_w_t0 nl_w_root <"$nl_w_cur" || continue
      case $nl_w_seq$nl_w_t0$nl_w_root in *[!0-9]* | '') continue ;; esac
      nl_now
      [ $((NL_NOW - nl_w_t0)) -ge "$NL_LIMIT_MS" ] || continue
      nl_w_skip=$nl_w_self
      if [ "$nl_w_root" = "$NL_MAIN" ] && [ -s "$NL_T/jobs" ]; then
        while read -r nl_w_job; do
          nl_w_skip="$nl_w_skip $nl_w_job"
        done <"$NL_T/jobs"
      fi
      nl_kill_tree "$nl_w_root" "$nl_w_skip"
      [ -n "$nl_kt_list" ] && echo "$nl_w_seq" >"$NL_T/killed${nl_w_cur#"$NL_T/cur"}"
    done
  done
}

NL_MAIN=$$
nl_now
if [ -n "$NL_T" ] && [ "$NL_NOW" -gt 0 ] && command -v sleep >/dev/null 2>&1 && command -v kill >/dev/null 2>&1; then
  nl_watchdog </dev/null >/dev/null 2>&1 &
  NL_WD=$!
elif command -v timeout >/dev/null 2>&1 && timeout 5 true >/dev/null 2>&1; then
  NL_TO="timeout $NL_LIMIT_S"
fi

# nl_x TOOL ARGS...: run an external read-only tool (under `timeout` when there is no watchdog);
# 127 when it is missing.
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

# nl_read FILE: print a small /proc/<pid>/net file with shell builtins, no process. `read` takes
# one byte per system call: fine for a container's few lines, not for the host's /proc/net/dev
# with 1,000 veths, and wrong for /proc/sys files (they answer only a read from offset 0, so
# `read` would get one character): those go through cat. Lines always end with a newline, as
# these files' do. Fails like `cat` would (stderr, exit 1).
nl_read() {
  if [ ! -r "$1" ]; then
    if [ -e "$1" ]; then
      echo "$1: Permission denied" >&2
    else
      echo "$1: No such file or directory" >&2
    fi
    return 1
  fi
  while IFS= read -r nl_rl || [ -n "$nl_rl" ]; do
    printf '%s\n' "$nl_rl"
  done <"$1"
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

# A section (capture format 2): name and command, stdout streamed as the command writes it, then
# the result (exit, ms, status), stderr and the end marker.
nl_open() {
  printf '%s\n' "--$NL_B section" "name: $1" "command: $2" "--$NL_B stdout"
}
nl_close() {
  # exit ms status; stderr follows from the caller
  printf '\n%s\n' "--$NL_B result"
  printf '%s\n' "exit: $1" "ms: $2" "status: $3" "--$NL_B stderr"
}

# nl_run NAME DISPLAY CMD ARGS...: run one section and print it. Sets nl_rc, nl_st.
# With nl_keep=1 (see nl_run_kept) stdout goes to $NL_T/out$NL_J first, for the probe to look at.
# NL_J names the job whose scratch files these are ('' for the probe's own shell, see nl_early);
# NL_JROOT is the pid of the shell running it, below which the watchdog stops an overrun.
NL_J=''
NL_JROOT=$$
nl_keep=0
nl_seq=0
nl_run() {
  nl_name=$1
  nl_disp=$2
  shift 2
  # A background job whose probe is gone (killed outright) stops before its next command.
  if [ "$NL_JROOT" != "$NL_MAIN" ] && ! kill -0 "$NL_MAIN" 2>/dev/null; then
    exit 0
  fi
  nl_open "$nl_name" "$nl_disp"
  nl_now
  nl_t0=$NL_NOW
  if [ -n "$NL_T" ]; then
    nl_seq=$((nl_seq + 1))
    [ -n "$NL_WD" ] && echo "$nl_seq $nl_t0 $NL_JROOT" >"$NL_T/cur$NL_J"
    if [ "$nl_keep" = 1 ]; then
      "$@" >"$NL_T/out$NL_J" 2>"$NL_T/err$NL_J" </dev/null
    else
      "$@" 2>"$NL_T/err$NL_J" </dev/null
    fi
    nl_rc=$?
    [ -n "$NL_WD" ] && : >"$NL_T/cur$NL_J"
    nl_now
    nl_t1=$NL_NOW
    nl_err=''
    if [ "$nl_rc" != 0 ] && [ -s "$NL_T/err$NL_J" ]; then
      nl_err=$(cat "$NL_T/err$NL_J")
    fi
    nl_classify "$nl_rc" "$nl_err"
    if [ -s "$NL_T/killed$NL_J" ]; then
      read -r nl_killed <"$NL_T/killed$NL_J"
      : >"$NL_T/killed$NL_J"
      if [ "$nl_killed" = "$nl_seq" ]; then
        nl_rc=124
        nl_st=timeout
      fi
    fi
    if [ "$nl_keep" = 1 ] && [ -s "$NL_T/out$NL_J" ]; then
      cat "$NL_T/out$NL_J"
    fi
    nl_close "$nl_rc" $((nl_t1 - nl_t0)) "$nl_st"
    if [ -s "$NL_T/err$NL_J" ]; then
      cat "$NL_T/err$NL_J"
    fi
  else
    # No writable temp dir: stdout through a variable (NUL bytes are lost), stderr not kept.
    nl_out=$("$@" 2>/dev/null </dev/null; echo "rc=$?")
    nl_rc=${nl_out##*rc=}
    nl_out=${nl_out%rc=*}
    nl_now
    nl_t1=$NL_NOW
    nl_classify "$nl_rc" ''
    printf '%s' "$nl_out"
    nl_close "$nl_rc" $((nl_t1 - nl_t0)) "$nl_st"
    printf '%s' '(stderr not kept: no writable temp dir)'
  fi
  printf '\n%s\n' "--$NL_B end"
  nl_keep=0
  [ "$nl_st" = ok ]
}

# nl_run_kept NAME DISPLAY CMD ARGS...: nl_run, with stdout kept in $NL_T/out$NL_J afterwards.
nl_run_kept() {
  nl_keep=1
  nl_run "$@"
}

# nl_skip NAME DISPLAY REASON: a section that was deliberately not run.
nl_skip() {
  nl_open "$1" "$2"
  nl_close '' 0 skipped
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
  done <"$NL_T/out$NL_J"
  return 1
}

# ---------------------------------------------------------------- concurrent sections (issue #16)
# Docker and podman answer slowly (each CLI run is a process start and a round trip to its
# daemon): one after the other they were most of the time before the topology could be drawn. So
# with a temp dir their sections run as background jobs, at the same time as each other and as
# the host's own link sections, and their output is held in $NL_T/j.<job> and printed in the
# usual section order. Each job is one function of sections (nl_s_*):
#   nl_early bg|fg FN   starts FN: `bg` as a background job, `fg` right here in the probe's shell
#                       (for cheap sections whose variables the rest needs), output held;
#   nl_join FN          waits for FN and prints its output; sets nl_st to FN's last status;
#   nl_drop FN          waits for FN and throws its output away (it turned out not to be wanted).
# Without a temp dir there are no jobs: nl_early does nothing and nl_join runs FN in place, so the
# output is the same, in the same order. A job has its own scratch files ($NL_T/out.FN …), its own
# watchdog entry and limit (nl_watchdog), checks before each section that the probe still runs,
# and is stopped with what it runs when the probe exits early (nl_cleanup).
NL_JOBS=''
nl_early() {
  [ -n "$NL_T" ] || return 0
  if [ "$1" = bg ]; then
    (
      NL_J=.$2
      read -r NL_JROOT nl_jrest </proc/self/stat
      "$2"
      echo "$nl_st" >"$NL_T/j.$2.st"
    ) >"$NL_T/j.$2" </dev/null &
    NL_JOBS="$NL_JOBS $2:$!"
    echo "$!" >>"$NL_T/jobs"
  else
    NL_J=.$2
    "$2" >"$NL_T/j.$2"
    echo "$nl_st" >"$NL_T/j.$2.st"
    NL_J=''
  fi
}
nl_wait_job() {
  case "$NL_JOBS " in
    *" $1:"*)
      nl_jpid=${NL_JOBS#*" $1:"}
      wait "${nl_jpid%% *}"
      ;;
  esac
}
nl_join() {
  if [ -z "$NL_T" ]; then
    "$1"
    return 0
  fi
  nl_wait_job "$1"
  nl_st=error
  [ -s "$NL_T/j.$1.st" ] && read -r nl_st <"$NL_T/j.$1.st"
  cat "$NL_T/j.$1"
}
nl_drop() {
  [ -n "$NL_T" ] && nl_wait_job "$1"
  return 0
}

# True when the kernel module $1 is there: loaded (/sys/module), built in (modules.builtin: a
# built-in module without parameters has no /sys/module entry), or the kernel has no loadable
# modules. Reading its state then cannot make the kernel load it.
nl_mod_ok() {
  [ -e /proc/modules ] || return 0
  [ -d "/sys/module/$1" ] && return 0
  [ -n "$NL_KREL" ] && [ -r "/lib/modules/$NL_KREL/modules.builtin" ] || return 1
  while IFS= read -r nl_mb; do
    case $nl_mb in
      */"$1".ko) return 0 ;;
    esac
  done <"/lib/modules/$NL_KREL/modules.builtin"
  return 1
}

# True when listing the $1 (ip or ip6) rules of backend $NL_BACKEND cannot load a module: nf_tables
# loaded, or for legacy the $1_tables module loaded (its /proc/net file exists).
nl_rules_ok() {
  case $NL_BACKEND in
    nf_tables) nl_mod_ok nf_tables ;;
    *) [ -e "/proc/net/$1_tables_names" ] || [ ! -e /proc/modules ] ;;
  esac
}

# ---------------------------------------------------------------- composite sections
# Every value read here is one digit: `read` (one byte per system call) gets only the first
# character of a /proc/sys file, so longer values must go through cat (see nl_read).
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

# ---------------------------------------------------------------- header
NL_NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ 2>/dev/null)
printf '%s\n' 'NETLENS-CAPTURE 2' "boundary: $NL_B" "source: $NL_SOURCE" "capturedAt: $NL_NOW" \
  'probe: netlens-probe 1' "conntrackCap: $NL_CAP" "uid: $NL_UID" "sudo: $NL_SUDO_OK"

# ---------------------------------------------------------------- host
nl_run meta.hostname 'hostname' nl_f_hostname
nl_run meta.kernel 'uname -r' nl_x uname -r
NL_KREL=$(uname -r 2>/dev/null)
nl_run meta.uid 'id -u' nl_x id -u

# ---------------------------------------------------------------- docker
NL_DOCKER=nl_x
NL_PIDS=''
if [ "$NL_SUDO_OK" = 1 ] && command -v docker >/dev/null 2>&1; then
  if ! $NL_TO docker version --format '{{.Server.Version}}' >/dev/null 2>&1; then
    NL_DOCKER=nl_p
  fi
fi
nl_s_docker_version() {
  nl_run docker.version "docker version --format '{{.Server.Version}}'" $NL_DOCKER docker version --format '{{.Server.Version}}'
}
nl_s_docker_networks() {
  nl_run docker.networks 'docker network inspect $(docker network ls -q)' nl_f_docker_networks
}
nl_s_docker_containers() {
  nl_run_kept docker.containers 'docker container inspect $(docker ps -aq)' nl_f_docker_containers
}
nl_early bg nl_s_docker_version
# The lists are asked while docker answers `version`, and thrown away when it did not answer.
if command -v docker >/dev/null 2>&1; then
  nl_early bg nl_s_docker_networks
  nl_early bg nl_s_docker_containers
fi

# ---------------------------------------------------------------- podman (issue #20; one block, keep it so)
# Podman's networks, containers and pods, asked as the user running the probe: root sees rootful
# Podman, anyone else their own rootless Podman (`--sudo` does not change that). Any podman
# command, even `podman version`, creates a user's storage (and, rootless, starts a pause process
# that stays) when podman was never used, and refreshes container states on its first run after a
# reboot. So podman is asked only when its storage exists, its run-time "alive" marker says it ran
# since boot and, rootless, its pause process runs: then the probe runs only what the user's own
# `podman ps` would (inspect, ls, ps: no `system migrate`, no `info`). Its sections run as jobs
# (nl_early) and are printed in their place below ("in section order").
NL_PODMAN_PIDS=''
NL_PODMAN_WHY=''
nl_podman_ready() {
  if [ "$NL_UID" = 0 ]; then
    nl_pm_store=/var/lib/containers/storage
    nl_pm_tmp=/run/libpod
  else
    nl_pm_store="${XDG_DATA_HOME:-${HOME:-/nonexistent}/.local/share}/containers/storage"
    nl_pm_tmp=''
    for nl_d in "${XDG_RUNTIME_DIR:-/nonexistent}/libpod/tmp" "/run/user/$NL_UID/libpod/tmp" "/tmp/podman-run-$NL_UID/libpod/tmp"; do
      if [ -e "$nl_d/alive" ]; then
        nl_pm_tmp=$nl_d
        break
      fi
    done
  fi
  if [ ! -d "$nl_pm_store" ]; then
    NL_PODMAN_WHY="podman was never used by uid $NL_UID (no $nl_pm_store): not running it, it would create its storage"
    return 1
  fi
  if [ -z "$nl_pm_tmp" ] || [ ! -e "$nl_pm_tmp/alive" ]; then
    NL_PODMAN_WHY="podman has not run since boot for uid $NL_UID: not running it, its first run would refresh container states"
    return 1
  fi
  if [ "$NL_UID" != 0 ]; then
    nl_pm_pause=''
    [ -r "$nl_pm_tmp/pause.pid" ] && read -r nl_pm_pause <"$nl_pm_tmp/pause.pid"
    case $nl_pm_pause in *[!0-9]* | '') nl_pm_pause=0 ;; esac
    if [ "$nl_pm_pause" = 0 ] || [ ! -d "/proc/$nl_pm_pause" ]; then
      NL_PODMAN_WHY="podman's rootless pause process for uid $NL_UID is not running: not running podman, it would start one"
      return 1
    fi
  fi
  return 0
}

nl_f_podman_networks() {
  nl_ids=$(nl_x podman network ls -q) || return $?
  if [ -z "$nl_ids" ]; then
    echo '[]'
    return 0
  fi
  # shellcheck disable=SC2086
  nl_x podman network inspect $nl_ids
}

nl_f_podman_containers() {
  nl_ids=$(nl_x podman ps -aq) || return $?
  if [ -z "$nl_ids" ]; then
    echo '[]'
    return 0
  fi
  # shellcheck disable=SC2086
  nl_x podman container inspect $nl_ids
}

# Network helper processes of container runtimes, "<pid> <ppid> <uid> <comm> [<args>]" lines:
# slirp4netns and pasta (with their command line: it names the namespace they serve), rootlessport,
# conmon (with its command line when another user's: rootless containers root's podman does not
# list) and aardvark-dns. Newlines inside a command line become spaces.
nl_f_nethelpers() {
  for nl_d in /proc/[0-9]*; do
    [ -r "$nl_d/comm" ] || continue
    read -r nl_comm 2>/dev/null <"$nl_d/comm" || continue
    case $nl_comm in
      slirp4netns | pasta | pasta.avx2 | rootlessport* | conmon | aardvark-dns) ;;
      *) continue ;;
    esac
    read -r nl_stat 2>/dev/null <"$nl_d/stat" || continue
    set -f
    # shellcheck disable=SC2086
    set -- ${nl_stat##*) }
    set +f
    nl_ppid=${2:-0}
    nl_huid=-
    while read -r nl_k nl_v nl_rest; do
      if [ "$nl_k" = Uid: ]; then
        nl_huid=$nl_v
        break
      fi
    done <"$nl_d/status"
    nl_args=''
    case $nl_comm in
      slirp4netns | pasta | pasta.avx2) nl_args=$(tr '\0\n' '  ' <"$nl_d/cmdline" 2>/dev/null) ;;
      conmon) [ "$nl_huid" != "$NL_UID" ] && nl_args=$(tr '\0\n' '  ' <"$nl_d/cmdline" 2>/dev/null) ;;
    esac
    printf '%s\n' "${nl_d#/proc/} $nl_ppid $nl_huid $nl_comm${nl_args:+ $nl_args}"
  done
  return 0
}

# Rootless Podman containers belong to the user running the probe: their name, for the views.
nl_s_meta_user() {
  nl_run meta.user 'id -un' nl_x id -un
}

# nl_skip_podman REASON: the podman sections that did not run.
nl_skip_podman() {
  nl_skip podman.networks 'podman network inspect $(podman network ls -q)' "$1"
  nl_skip podman.containers 'podman container inspect $(podman ps -aq)' "$1"
  nl_skip podman.pods 'podman pod ps --format json' "$1"
}
nl_s_podman_missing() {
  nl_run podman.version "podman version --format '{{.Client.Version}}'" nl_x podman version --format '{{.Client.Version}}'
  nl_skip_podman 'podman is not installed'
}
nl_s_podman_not_ready() {
  nl_skip podman.version "podman version --format '{{.Client.Version}}'" "$NL_PODMAN_WHY"
  nl_skip_podman "$NL_PODMAN_WHY"
}
# podman.version, then podman.networks (which form depends on the version); nl_st is the version's.
nl_s_podman_head() {
  nl_run_kept podman.version "podman version --format '{{.Client.Version}}'" nl_x podman version --format '{{.Client.Version}}'
  nl_pm_st=$nl_st
  [ "$nl_st" = ok ] || return 0
  # Podman 4 and later (netavark) list their networks whole with `network ls --format json`: the
  # same objects `network inspect` prints, in one podman process instead of two (issue #16).
  # Podman 3 lists a summary there (CNI), so it keeps ls + inspect.
  nl_pm_major=0
  if [ -n "$NL_T" ]; then
    read -r nl_pm_major <"$NL_T/out$NL_J" || true
    nl_pm_major=${nl_pm_major%%.*}
    case $nl_pm_major in *[!0-9]* | '') nl_pm_major=0 ;; esac
  fi
  if [ "$nl_pm_major" -ge 4 ]; then
    nl_run podman.networks 'podman network ls --format json' nl_x podman network ls --format json
  else
    nl_run podman.networks 'podman network inspect $(podman network ls -q)' nl_f_podman_networks
  fi
  nl_st=$nl_pm_st
}
nl_s_podman_containers() {
  nl_run_kept podman.containers 'podman container inspect $(podman ps -aq)' nl_f_podman_containers
}
nl_s_podman_pods() {
  nl_run podman.pods 'podman pod ps --format json' nl_x podman pod ps --format json
}
if ! command -v podman >/dev/null 2>&1; then
  NL_PODMAN=missing
elif nl_podman_ready; then
  NL_PODMAN=ready
  # Its containers and pods are asked while it answers `version`, and thrown away when it did not.
  nl_early bg nl_s_podman_head
  nl_early bg nl_s_podman_containers
  nl_early bg nl_s_podman_pods
else
  NL_PODMAN=not-ready
fi

nl_s_nethelpers() {
  nl_run_kept proc.nethelpers 'for p in /proc/[0-9]*: slirp4netns, pasta, rootlessport, conmon, aardvark-dns' nl_f_nethelpers
}
nl_early bg nl_s_nethelpers

# ---------------------------------------------------------------- iproute2 (JSON, text fallback), bridges
# Run here in the probe's shell while the jobs above list (they set NL_IPJSON and NL_BRJSON), held
# and printed after them.
nl_s_host_links() {
  NL_IPJSON=1
  nl_run_kept ip.link 'ip -j -d link show' nl_x ip -j -d link show
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
  NL_BRJSON=1
  nl_run_kept bridge.link 'bridge -j link show' nl_x bridge -j link show
  if [ "$nl_st" != ok ] || ! nl_last_json; then
    NL_BRJSON=0
    if nl_mod_ok bridge; then
      nl_run brctl.show 'brctl show' nl_x brctl show
    else
      nl_skip brctl.show 'brctl show' 'bridge is not loaded: there are no bridges (not loading it)'
    fi
  fi
  if [ "$NL_BRJSON" = 1 ]; then
    nl_run bridge.fdb 'bridge -j fdb show' nl_x bridge -j fdb show
  else
    nl_run bridge.fdb.text 'bridge fdb show' nl_x bridge fdb show
  fi
  nl_run sys.brif 'ls /sys/class/net/*/brif' nl_f_brif
}
nl_early fg nl_s_meta_user
[ "$NL_PODMAN" = missing ] && nl_early fg nl_s_podman_missing
[ "$NL_PODMAN" = not-ready ] && nl_early fg nl_s_podman_not_ready
nl_early fg nl_s_host_links

# ---------------------------------------------------------------- in section order
nl_join nl_s_docker_version
NL_DOCKER_OK=0
if [ "$nl_st" = ok ]; then
  NL_DOCKER_OK=1
  nl_join nl_s_docker_networks
  nl_join nl_s_docker_containers
  # Running containers' "<pid> <id>", read from that output instead of asking docker again: the
  # top-level "Id" (8 spaces in) and State's "Pid" (12 spaces in) of each object, in docker's
  # indented JSON. Deeper keys (labels named Id or Pid) have other indents; stopped ones have Pid 0.
  if [ "$nl_st" = ok ] && [ -n "$NL_T" ]; then
    NL_PIDS=$(sed -n '/^        "Id": "[0-9a-f]\{64\}",$/{s/^        "Id": "\([0-9a-f]*\)",$/\1/;h;};/^            "Pid": [1-9][0-9]*,$/{s/^            "Pid": \([0-9]*\),$/\1/;G;s/\n/ /;p;}' "$NL_T/out.nl_s_docker_containers")
  fi
else
  nl_skip docker.networks 'docker network inspect $(docker network ls -q)' "docker version failed ($nl_st)"
  nl_skip docker.containers 'docker container inspect $(docker ps -aq)' "docker version failed ($nl_st)"
  nl_drop nl_s_docker_networks
  nl_drop nl_s_docker_containers
fi
nl_join nl_s_meta_user
case $NL_PODMAN in
  missing) nl_join nl_s_podman_missing ;;
  not-ready) nl_join nl_s_podman_not_ready ;;
  *)
    nl_join nl_s_podman_head
    if [ "$nl_st" = ok ]; then
      nl_join nl_s_podman_containers
      # Running containers' "<pid> <id>" from podman's indented JSON: the top-level "Id" (10 spaces
      # in) and State's "Pid" (15 spaces in); stopped ones have Pid 0.
      if [ "$nl_st" = ok ] && [ -n "$NL_T" ]; then
        NL_PODMAN_PIDS=$(sed -n '/^          "Id": "[0-9a-f]\{64\}",$/{s/^          "Id": "\([0-9a-f]*\)",$/\1/;h;};/^               "Pid": [1-9][0-9]*,$/{s/^               "Pid": \([0-9]*\),$/\1/;G;s/\n/ /;p;}' "$NL_T/out.nl_s_podman_containers")
      fi
      nl_join nl_s_podman_pods
    else
      nl_skip_podman "podman version failed ($nl_st)"
      nl_drop nl_s_podman_containers
      nl_drop nl_s_podman_pods
    fi
    ;;
esac
nl_join nl_s_nethelpers
# Other users' rootless containers (root only): the init process under each of their conmons, with
# the container id from conmon's `-c`, so their namespaces are read like the others'.
if [ "$NL_ROOTISH" = 1 ] && [ -n "$NL_T" ] && [ -s "$NL_T/out.nl_s_nethelpers" ]; then
  NL_PM_CONMONS=''
  while read -r nl_p1 nl_p2 nl_p3 nl_p4 nl_p5; do
    [ "$nl_p4" = conmon ] && [ -n "$nl_p5" ] || continue
    nl_cid=''
    set -f
    # shellcheck disable=SC2086
    set -- $nl_p5
    set +f
    while [ $# -gt 1 ]; do
      [ "$1" = -c ] && nl_cid=$2
      shift
    done
    case $nl_cid in *[!0-9a-f]* | '') continue ;; esac
    [ ${#nl_cid} = 64 ] && NL_PM_CONMONS="$NL_PM_CONMONS $nl_p1:$nl_cid"
  done <"$NL_T/out.nl_s_nethelpers"
  if [ -n "$NL_PM_CONMONS" ]; then
    for nl_d in /proc/[0-9]*; do
      read -r nl_stat 2>/dev/null <"$nl_d/stat" || continue
      set -f
      # shellcheck disable=SC2086
      set -- ${nl_stat##*) }
      set +f
      case "$NL_PM_CONMONS " in
        *" ${2:-x}:"*)
          nl_cid=${NL_PM_CONMONS#* ${2}:}
          nl_cid=${nl_cid%% *}
          NL_PODMAN_PIDS="$NL_PODMAN_PIDS$NL_NL${nl_d#/proc/} $nl_cid"
          ;;
      esac
    done
  fi
fi

nl_join nl_s_host_links

# ---------------------------------------------------------------- namespaces
# Candidates, "<nsid> <path> [<container id>]" lines: running containers (by pid), then live
# files in /var/run/docker/netns (overlay, ingress, sandboxes) and /var/run/netns (`ip netns`).
# Their inodes come from one `stat` for all of them (a process per namespace is what makes a host
# with 1,000 containers slow), matched back in order: stat prints "<inode> <path>" per readable path.
NL_CAND=''
NL_OLDIFS=$IFS
if [ "$NL_DOCKER_OK" = 1 ]; then
  if [ -z "$NL_PIDS" ]; then
    # The container list could not be read back (no temp dir, or unusual JSON): ask docker.
    nl_ids=$($NL_DOCKER docker ps -q 2>/dev/null)
    if [ -n "$nl_ids" ]; then
      # shellcheck disable=SC2086
      NL_PIDS=$($NL_DOCKER docker inspect -f '{{.State.Pid}} {{.Id}}' $nl_ids 2>/dev/null)
    fi
  fi
else
  # Without docker access: container init processes are the children of containerd-shim (Docker)
  # and of conmon (Podman).
  for nl_d in /proc/[0-9]*; do
    [ -r "$nl_d/stat" ] || continue
    read -r nl_stat 2>/dev/null <"$nl_d/stat" || continue
    nl_rest=${nl_stat##*) }
    set -- $nl_rest
    [ -r "/proc/$2/comm" ] || continue
    read -r nl_pcomm 2>/dev/null <"/proc/$2/comm" || continue
    case $nl_pcomm in
      containerd-shim* | conmon)
        nl_cid=$(sed -n 's/.*\([0-9a-f]\{64\}\).*/\1/p' "$nl_d/cgroup" 2>/dev/null | head -n 1)
        NL_PIDS="$NL_PIDS${nl_d#/proc/} ${nl_cid:--}$NL_NL"
        ;;
    esac
  done
fi
# Podman's containers (see the podman block) first: they name the container a /proc scan may not.
if [ -n "$NL_PODMAN_PIDS" ]; then
  nl_merged=$NL_PODMAN_PIDS
  IFS=$NL_NL
  for nl_l in $NL_PIDS; do
    case "$NL_NL$NL_PODMAN_PIDS$NL_NL" in *"$NL_NL${nl_l%% *} "*) continue ;; esac
    nl_merged="$nl_merged$NL_NL$nl_l"
  done
  IFS=$NL_OLDIFS
  NL_PIDS=$nl_merged
fi
IFS=$NL_NL
for nl_l in $NL_PIDS; do
  IFS=$NL_OLDIFS
  set -- $nl_l
  case ${1:-} in *[!0-9]* | '' | 0) continue ;; esac
  nl_cid=${2:-}
  [ "$nl_cid" = - ] && nl_cid=''
  NL_CAND="${NL_CAND}pid:$1 /proc/$1/ns/net${nl_cid:+ $nl_cid}$NL_NL"
done
IFS=$NL_OLDIFS
# Netns files: only live ones (bind mounts on nsfs); Docker leaves stale files behind.
NL_FILES=''
for nl_f in /var/run/docker/netns/* /run/docker/netns/* /var/run/netns/* /run/netns/*; do
  [ -e "$nl_f" ] || continue
  nl_n=${nl_f##*/}
  case $nl_n in *[!A-Za-z0-9._-]*) continue ;; esac
  case $nl_f in
    */docker/netns/*) nl_id="docker:$nl_n" ;;
    *) nl_id="ipnetns:$nl_n" ;;
  esac
  case " $NL_FILES" in *" $nl_id="*) continue ;; esac
  NL_FILES="$NL_FILES$nl_id=$nl_f "
done
if [ -n "$NL_FILES" ]; then
  nl_paths=''
  for nl_e in $NL_FILES; do nl_paths="$nl_paths ${nl_e#*=}"; done
  # shellcheck disable=SC2086
  nl_fstypes=$(stat -L -f -c '%T %n' $nl_paths 2>/dev/null)
  IFS=$NL_NL
  set -- $nl_fstypes
  IFS=$NL_OLDIFS
  for nl_e in $NL_FILES; do
    nl_f=${nl_e#*=}
    [ "${1#* }" = "$nl_f" ] || continue
    case ${1%% *} in
      nsfs | proc) NL_CAND="$NL_CAND${nl_e%%=*} $nl_f$NL_NL" ;;
    esac
    shift
  done
fi
nl_paths="/proc/$$/ns/net"
IFS=$NL_NL
for nl_l in $NL_CAND; do
  IFS=$NL_OLDIFS
  set -- $nl_l
  nl_paths="$nl_paths $2"
done
IFS=$NL_OLDIFS
# Other users' /proc/<pid>/ns/net need root: through `sudo -n` when that is on.
# shellcheck disable=SC2086
if [ "$NL_SUDO_OK" = 1 ]; then
  nl_inodes=$(nl_p stat -L -c '%i %n' $nl_paths 2>/dev/null)
else
  nl_inodes=$(stat -L -c '%i %n' $nl_paths 2>/dev/null)
fi

# NL_NSMAP: "<nsid> <inode|-> [<container id>]" lines; NL_NSLIST: "<nsid> <path>" lines of
# namespaces to read (one per distinct inode, never the host's).
IFS=$NL_NL
set -- $nl_inodes
IFS=$NL_OLDIFS
NL_HOSTINO=-
if [ "${1#* }" = "/proc/$$/ns/net" ]; then
  NL_HOSTINO=${1%% *}
  shift
fi
NL_NSMAP="host $NL_HOSTINO$NL_NL"
NL_NSLIST=''
NL_SEEN=" $NL_HOSTINO "
IFS=$NL_NL
for nl_l in $NL_CAND; do
  IFS=$NL_OLDIFS
  nl_id=${nl_l%% *}
  nl_path=${nl_l#* }
  nl_cid=''
  case $nl_path in *' '*)
    nl_cid=${nl_path#* }
    nl_path=${nl_path%% *}
    ;;
  esac
  nl_ino=-
  if [ "${1#* }" = "$nl_path" ]; then
    nl_ino=${1%% *}
    shift
  fi
  case $nl_ino in *[!0-9]* | '') nl_ino=- ;; esac
  NL_NSMAP="$NL_NSMAP$nl_id $nl_ino${nl_cid:+ $nl_cid}$NL_NL"
  if [ "$nl_ino" != - ]; then
    case $NL_SEEN in *" $nl_ino "*) continue ;; esac
    NL_SEEN="$NL_SEEN$nl_ino "
  fi
  NL_NSLIST="$NL_NSLIST$nl_id $nl_path$NL_NL"
done
IFS=$NL_OLDIFS
nl_run netns.map 'stat -L -c %i /proc/<pid>/ns/net /var/run/docker/netns/* /var/run/netns/*' nl_f_netns_map

# nl_each_ns PART: the sections of PART (topology or late) for each namespace of NL_NSLIST, with
# nl_id and nl_path set.
nl_each_ns() {
  IFS=$NL_NL
  for nl_l in $NL_NSLIST; do
    IFS=$NL_OLDIFS
    nl_id=${nl_l%% *}
    nl_path=${nl_l#* }
    case $1 in
      topology) nl_ns_topology ;;
      *) nl_ns_late ;;
    esac
  done
  IFS=$NL_OLDIFS
}

# A namespace's links and addresses belong to the topology; its routes, fdb and /proc/net files
# come after netfilter (nl_ns_late, at the end).
nl_ns_topology() {
  if [ "$NL_ROOTISH" = 1 ]; then
    if [ "$NL_IPJSON" = 1 ]; then
      nl_run "ns/$nl_id/ip.link" "nsenter --net=$nl_path ip -j -d link show" nl_p nsenter "--net=$nl_path" ip -j -d link show
      nl_run "ns/$nl_id/ip.addr" "nsenter --net=$nl_path ip -j addr show" nl_p nsenter "--net=$nl_path" ip -j addr show
    else
      nl_run "ns/$nl_id/ip.link.text" "nsenter --net=$nl_path ip -d link show" nl_p nsenter "--net=$nl_path" ip -d link show
      nl_run "ns/$nl_id/ip.addr.text" "nsenter --net=$nl_path ip addr show" nl_p nsenter "--net=$nl_path" ip addr show
    fi
  fi
  case $nl_id in
    pid:*)
      nl_pid=${nl_id#pid:}
      nl_run "ns/$nl_id/if.inet6" "cat /proc/$nl_pid/net/if_inet6" nl_read "/proc/$nl_pid/net/if_inet6"
      ;;
  esac
}

nl_ns_late() {
  if [ "$NL_ROOTISH" = 1 ]; then
    if [ "$NL_IPJSON" = 1 ]; then
      nl_run "ns/$nl_id/ip.route" "nsenter --net=$nl_path ip -j route show table all" nl_p nsenter "--net=$nl_path" ip -j route show table all
    else
      nl_run "ns/$nl_id/ip.route.text" "nsenter --net=$nl_path ip route show table all" nl_p nsenter "--net=$nl_path" ip route show table all
    fi
    if [ "$NL_BRJSON" = 1 ]; then
      nl_run "ns/$nl_id/bridge.fdb" "nsenter --net=$nl_path bridge -j fdb show" nl_p nsenter "--net=$nl_path" bridge -j fdb show
    fi
  fi
  case $nl_id in
    pid:*)
      nl_pid=${nl_id#pid:}
      nl_run "ns/$nl_id/proc.net.dev" "cat /proc/$nl_pid/net/dev" nl_read "/proc/$nl_pid/net/dev"
      nl_run "ns/$nl_id/igmp" "cat /proc/$nl_pid/net/igmp" nl_read "/proc/$nl_pid/net/igmp"
      nl_run "ns/$nl_id/proc.route" "cat /proc/$nl_pid/net/route" nl_read "/proc/$nl_pid/net/route"
      ;;
  esac
}

nl_each_ns topology

# Sections come in two parts (docs/capture-format.md, "Section order"): first what the topology
# is drawn from (host, docker, podman, links, addresses, bridges, each namespace's links and
# addresses), then netfilter, conntrack, counters, listeners, sysctls and each namespace's
# routes, fdb and /proc/net files. NetLens shows the topology as soon as the first part has
# arrived (src/main/capture/capture-stream.ts), while the second is still being read.

# ---------------------------------------------------------------- netfilter
nl_run_kept iptables.version 'iptables -V' nl_x iptables -V
NL_BACKEND=unknown
if [ "$nl_st" = ok ] && [ -n "$NL_T" ]; then
  case $(cat "$NL_T/out") in
    *nf_tables*) NL_BACKEND=nf_tables ;;
    *legacy*) NL_BACKEND=legacy ;;
    *) NL_BACKEND=legacy ;;
  esac
fi
NL_SAVE_OK=0
NL_SAVE_ST=''
if nl_rules_ok ip; then
  nl_run iptables.save 'iptables-save' nl_p iptables-save && NL_SAVE_OK=1
  NL_SAVE_ST=$nl_st
elif [ "$NL_BACKEND" = nf_tables ]; then
  nl_skip iptables.save 'iptables-save' 'nf_tables is not loaded: there are no nft rules (not loading it)'
else
  nl_skip iptables.save 'iptables-save' 'ip_tables is not loaded: there are no legacy rules (not loading it)'
fi
if nl_rules_ok ip6; then
  nl_run ip6tables.save 'ip6tables-save' nl_p ip6tables-save
elif [ "$NL_BACKEND" = nf_tables ]; then
  nl_skip ip6tables.save 'ip6tables-save' 'nf_tables is not loaded (not loading it)'
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
# The fallback only where iptables-save ran (its guard passed) and failed: skipped means listing
# would load a module.
if [ "$NL_SAVE_OK" = 0 ] && [ -n "$NL_SAVE_ST" ] && [ "$NL_SAVE_ST" != permission-denied ] && [ "$NL_BACKEND" != unknown ]; then
  nl_run iptables.list.nat 'iptables -t nat -L -n -v --line-numbers' nl_p iptables -t nat -L -n -v --line-numbers
fi
if nl_mod_ok nf_tables; then
  nl_run nft.ruleset 'nft -j list ruleset' nl_p nft -j list ruleset
  # nft -j (1.0.6) does not say which device an ingress/egress chain is on; the text listing does.
  nl_run nft.chains 'nft list chains' nl_p nft list chains
else
  nl_skip nft.ruleset 'nft -j list ruleset' 'nf_tables is not loaded (not loading it)'
  nl_skip nft.chains 'nft list chains' 'nf_tables is not loaded (not loading it)'
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
if nl_mod_ok inet_diag && nl_mod_ok tcp_diag && nl_mod_ok udp_diag || ! command -v ss >/dev/null 2>&1; then
  nl_run ss.listen 'ss -Htulpn' nl_p ss -Htulpn
else
  # ss asks sock_diag over netlink, which would load inet_diag: PROC_ROOT makes it read /proc instead.
  nl_run ss.listen 'PROC_ROOT=/proc ss -Htulpn' nl_p env PROC_ROOT=/proc ss -Htulpn
fi
nl_run sysctl 'cat /proc/sys/net/{ipv4/ip_forward,bridge/bridge-nf-call-ip*tables,ipv4/conf/*/rp_filter}' nl_f_sysctl

# ---------------------------------------------------------------- namespaces, second part
nl_each_ns late

printf '%s\n' "--$NL_B done"
exit 0
