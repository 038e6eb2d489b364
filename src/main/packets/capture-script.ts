/**
 * The remote half of a packet capture: one fixed POSIX sh script, sent on stdin to `sh -s` locally
 * or through `ssh HOST sh -s` (as the probe is), that runs
 *
 *   [nsenter -t PID -n] tcpdump [--immediate-mode] [-c N] -p -U -w - -i IFACE -- [FILTER]
 *
 * and streams the pcap on stdout. `-p`: never promiscuous. It stops tcpdump (and leaves nothing
 * behind) when
 *   - its stdin reaches end of file: NetLens closed it to stop (count/bytes/Ctrl-C/cancel), or
 *     the ssh connection dropped (sshd closes the session's stdin); a watchdog that reads stdin
 *     with the `read` builtin (no process of its own) kills tcpdump then;
 *   - the duration runs out (a second watchdog: `sleep` it kills when tcpdump ends first);
 *   - it is sent TERM/INT/HUP itself.
 * Arguments never reach a shell as text: the interface and the filter are passed as octal digits
 * (three per byte, after a leading 9) and decoded by the script with printf, so any byte but NUL is
 * safe in either.
 */

export const PACKET_SCRIPT = `# NetLens packet capture (read-only): tcpdump -p on one interface, pcap on stdout.
# sh -s -- IFACE_OCTAL FILTER_OCTAL COUNT DURATION_S NETNS_PID
LC_ALL=C
export LC_ALL
PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
export PATH
nl_dec() {
  nl_s=\${1#9}
  nl_f=''
  while [ -n "$nl_s" ]; do
    nl_r=\${nl_s#???}
    nl_f="$nl_f\\\\\${nl_s%"$nl_r"}"
    nl_s=$nl_r
  done
  printf "$nl_f"
}
nl_main() {
  case $1$2$3$4$5 in
    *[!0-9]* | '') echo 'netlens-packets: bad arguments' >&2; exit 2 ;;
  esac
  nl_if=$(nl_dec "$1")
  nl_filter=$(nl_dec "$2")
  nl_count=$3
  nl_dur=$4
  nl_pid=$5
  # stdin stays open for as long as NetLens wants packets: keep it on fd 3 for the watchdog.
  exec 3<&0 </dev/null
  set -- -p -U -w - -i "$nl_if"
  if command -v tcpdump >/dev/null 2>&1 && tcpdump -h 2>&1 | grep -q immediate-mode; then
    set -- --immediate-mode "$@"
  fi
  [ "$nl_count" -gt 0 ] && set -- -c "$nl_count" "$@"
  [ -n "$nl_filter" ] && set -- "$@" -- "$nl_filter"
  if [ "$nl_pid" != 0 ]; then
    set -- nsenter -t "$nl_pid" -n tcpdump "$@"
  else
    set -- tcpdump "$@"
  fi
  "$@" &
  nl_tp=$!
  echo "netlens-packets: started $nl_tp" >&2
  trap 'kill "$nl_tp" 2>/dev/null' INT TERM HUP
  (
    while read -r nl_line; do :; done
    kill "$nl_tp" 2>/dev/null
  ) <&3 &
  nl_eof=$!
  (
    trap 'kill "$nl_sp" 2>/dev/null; exit 0' TERM
    sleep "$nl_dur" &
    nl_sp=$!
    wait "$nl_sp" && kill "$nl_tp" 2>/dev/null
  ) </dev/null >/dev/null 2>&1 &
  nl_timer=$!
  wait "$nl_tp"
  nl_rc=$?
  # A trapped signal interrupts wait: wait again for tcpdump to flush and exit.
  while kill -0 "$nl_tp" 2>/dev/null; do wait "$nl_tp"; nl_rc=$?; done
  kill "$nl_eof" "$nl_timer" 2>/dev/null
  wait "$nl_eof" "$nl_timer" 2>/dev/null
  echo "netlens-packets: exit $nl_rc" >&2
  exit "$nl_rc"
}
nl_main "$@"
`

/**
 * `9` then octal digits, three per UTF-8 byte: what the script's nl_dec turns back into the bytes.
 * The leading 9 keeps an empty value a word of its own on the remote command line.
 */
export function octalArg(text: string): string {
  let out = '9'
  for (const byte of new TextEncoder().encode(text)) out += byte.toString(8).padStart(3, '0')
  return out
}

export interface ScriptArgs {
  iface: string
  filter: string
  count: number
  durationS: number
  /** Capture inside this process's network namespace (nsenter -t PID -n), or 0 for the host's. */
  netnsPid: number
}

/** The script's argv after `sh -s --`: digits only, safe in any remote shell. */
export function scriptArgs(a: ScriptArgs): string[] {
  return [octalArg(a.iface), octalArg(a.filter), String(a.count), String(a.durationS), String(a.netnsPid)]
}
