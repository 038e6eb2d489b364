/** English messages of the Fleet view (kept in their own file; en.ts includes them as `fleet`). */
export const fleetEn = {
  title: 'Fleet',
  intro: 'Many hosts at once: one row per host, then what is wrong across them.',
  sshLabel: 'SSH hosts',
  sshPlaceholder: "prod-1 prod-2 admin{'@'}db-3 …",
  sshHint: "Aliases from ~/.ssh/config or user{'@'}host, separated by spaces or lines",
  capture: 'Capture',
  allSsh: 'All SSH hosts',
  parallel: 'at a time',
  scenarioLabel: 'Training fleet',
  openScenario: 'Open',
  filesLabel: 'Capture files',
  openFiles: 'Open captures…',
  folderLabel: 'Folder on this machine',
  folderPlaceholder: '/path/to/captures (e.g. the Ansible dest)',
  openFolder: 'Open folder',
  working: 'Capturing {n} hosts…',
  empty: 'Add SSH hosts, open capture files or a folder of captures, or open a training fleet.',
  summary: '{n} hosts · {ok} ok · {partial} partial · {failed} not captured',
  openHost: 'Open this host',
  columns: {
    host: 'Host',
    state: 'State',
    time: 'Time',
    docker: 'Docker',
    iptables: 'iptables',
    containers: 'Containers',
    conntrack: 'Conntrack',
    findings: 'Findings'
  },
  state: {
    ok: 'ok',
    partial: 'partial',
    unreachable: 'unreachable',
    auth: 'auth',
    error: 'error'
  },
  incomplete: 'Not captured: {sections}',
  across: 'Across hosts',
  acrossNone: 'Nothing wrong across these hosts.',
  hosts: 'Hosts:',
  overlayTitle: 'Overlay networks across hosts',
  overlayNone: 'No overlay network with containers on these hosts.',
  legend: {
    ok: 'VXLAN tunnel: both FDBs know the other VTEP',
    broken: 'broken: an FDB entry is missing or the VNIs differ',
    stray: 'FDB entry towards a VTEP outside the fleet'
  },
  drawing: {
    tunnel: 'VXLAN {vni}',
    vniMismatch: 'VNI {a} ≠ {b}',
    missing: '{from} has no FDB entry for {to}',
    stray: 'not in the fleet',
    more: '+{n} more',
    hostsShown: 'first {shown} of {total} hosts',
    noNamespace: 'no overlay namespace'
  }
}

export type FleetMessages = typeof fleetEn
