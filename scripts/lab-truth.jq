# jq functions shared by the `truth` commands of lab.sh (Docker) and lab-podman.sh (Podman): one
# container as its runtime's inspect and its own namespace report it. Used as
#   jq -L scripts 'include "lab-truth"; …'
# $i is one `… container inspect` object, $ns `ip -j -d addr show` inside its namespace, $host the
# host's `ip -j -d link show`, $inHost whether the namespace is the host's.

def lab_networks($i):
  [($i.NetworkSettings.Networks // {}) | to_entries[]
    | { name: .key, ip: .value.IPAddress, mac: .value.MacAddress, gateway: (if .value.Gateway == "" then null else .value.Gateway end) }];

def lab_ports($i):
  [($i.NetworkSettings.Ports // {}) | to_entries[] | select(.value != null) | .key as $k | .value[]
    | { container: $k, hostIp: .HostIp, hostPort: (.HostPort | tonumber) }];

def lab_interfaces($ns; $host; $inHost):
  [$ns[]
    | . as $l
    | (if $inHost or ($l.link_index == null) then null
       else ($host | map(select(.ifindex == $l.link_index and .linkinfo.info_kind == "veth")) | first) end) as $hv
    | {
        ifname: $l.ifname,
        ifindex: $l.ifindex,
        kind: ($l.linkinfo.info_kind // (if $l.ifname == "lo" then "loopback" else null end)),
        peerIfindex: ($l.link_index // null),
        mac: (if $l.link_type == "loopback" then null else $l.address end),
        addresses: [($l.addr_info // [])[] | "\(.local)/\(.prefixlen)"],
        hostVeth: ($hv.ifname // null),
        hostVethIfindex: ($hv.ifindex // null),
        master: ($hv.master // null)
      }];
