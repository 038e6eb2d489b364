/**
 * What a trace says, one key per sentence, in English and Chinese. Hops, notes and verdicts carry
 * the rendered pair (Localized), which the CLI and the renderer both show in the user's language.
 * Parameters are host-derived words (names, addresses, rule lines): the views escape them.
 *
 * The Chinese table is typed from the English one, so a key missing in either language does not
 * compile; test/unit/trace/messages.test.ts checks the same at run time.
 */
import type { Localized } from '../localized'
import type { TraceVerdict } from './types'

/** A netdev/inet base chain on devices, as the notes and verdicts name it. */
interface DeviceChainRef {
  table: string
  chain: string
  hook: string
  priority: number
}
const chainList = (chains: DeviceChainRef[], zh = false): string =>
  chains
    .map((c) =>
      zh
        ? `${c.table} ${c.chain}（hook ${c.hook}，优先级 ${c.priority}）`
        : `${c.table} ${c.chain} (hook ${c.hook}, priority ${c.priority})`
    )
    .join(zh ? '；' : '; ')

/** `:8080`, or nothing for a port-less packet. */
const port = (p: number | null): string => (p !== null ? ':' + p : '')

const en = {
  ifaceInOrphanNetns: (p: { ref: string; netns: string }) =>
    `Interface ${p.ref} is in namespace ${p.netns}, which no container owns.`,
  unknownSource: (p: { ref: string }) =>
    `Source "${p.ref}" is not a container, interface or IPv4 address in this snapshot.`,
  unknownDestination: (p: { ref: string }) => `Destination "${p.ref}" is not a container, IPv4 address or "outside".`,
  noHostRoutingTable: (p: { dst: string }) =>
    `No host routing table in the snapshot and ${p.dst} is not on a connected subnet.`,
  onlyNativeNft: () =>
    'Only native nftables rules were captured, without their chains’ hooks and priorities (a snapshot older than schema 5): the netfilter verdict is unknown.',
  deviceChainsNotWalked: (p: { chains: DeviceChainRef[]; listed: boolean }) =>
    `Not walked: ${chainList(p.chains)}. Ingress/egress base chains belong to a device, and ${
      p.listed
        ? 'the captured nft list chains could not be matched to these (a table or chain name holds a line break, or the ruleset changed between the two listings)'
        : 'this capture has no nft list chains section (made before NetLens read it) while its nft -j ruleset does not say which (nftables 1.0.6 does not print it)'
    }, so a drop there is not seen by this trace.`,
  egressHookMissing: (p: { chains: DeviceChainRef[]; kernel: string }) =>
    `Not walked: ${chainList(p.chains)}. The egress hook came with Linux 5.16, and this host runs ${p.kernel}.`,
  droppedOnDevice: (p: DeviceChainRef & { family: string; device: string; by: string }) =>
    `Dropped by the nftables ${p.family} table ${p.table}, base chain ${p.chain} (hook ${p.hook}, device ${p.device}, priority ${p.priority}), by: ${p.by}. ${
      p.hook === 'ingress'
        ? 'Ingress chains see every packet arriving on their device first, before prerouting and before a bridge takes the frame'
        : 'Egress chains see every packet leaving by their device last, after postrouting'
    }, in priority order, and a drop in any is final: this nft chain decided.`,
  noIptablesRules: () =>
    'No iptables rules in the snapshot (section missing or denied): the netfilter verdict is unknown.',
  ruleAction: (p: { where: string; action: string }) => `${p.where}: ${p.action}`,
  endOfChain: (p: { where: string; policy: string }) => `${p.where}: end of chain, policy ${p.policy}`,
  droppedInBackend: (p: { backend: string; table: string; hook: string; by: string; others: string[] }) =>
    `Dropped in ${p.backend} ${p.table} ${p.hook} by: ${p.by}. The kernel runs the rules of ${p.others.join(', ')} as well (both iptables backends are loaded), and a drop in either is final: ${p.backend} decided.`,
  droppedIn: (p: { table: string; hook: string; by: string }) => `Dropped in ${p.table} ${p.hook} by: ${p.by}`,
  droppedInNft: (p: { family: string; table: string; chain: string; hook: string; priority: number; by: string }) =>
    `Dropped by the nftables ${p.family} table ${p.table}, base chain ${p.chain} (hook ${p.hook}, priority ${p.priority}), by: ${p.by}. The kernel runs every base chain at a hook in priority order (at the IP hooks iptables' tables among them), and a drop in any is final: this nft chain decided.`,
  dnat: (p: { dst: string; dport: number | null; toDst: string; toDport: number | null }) =>
    `DNAT: destination ${p.dst}${port(p.dport)} → ${p.toDst}${port(p.toDport)}`,
  masqueradeWithoutAddress: (p: { iface: string }) =>
    `MASQUERADE on ${p.iface}, but the snapshot has no IPv4 address for it.`,
  snat: (p: { target: string; src: string; toSrc: string }) => `${p.target}: source ${p.src} → ${p.toSrc}`,
  interfaceDown: (p: { name: string; state: string; noCarrier: boolean }) =>
    `Interface ${p.name} is down (${p.state}${p.noCarrier ? ', NO-CARRIER' : ''}).`,
  containerIfaceDown: (p: { container: string; ifname: string }) => `${p.ifname} in ${p.container} is down.`,
  vethToOtherNetns: (p: {
    container: string
    ifname: string
    hostVeth: string | null
    where: string
    network: string | null
  }) =>
    `${p.container} ${p.ifname} leads to ${p.hostVeth} on bridge ${p.where}${p.network ? ` (network ${p.network})` : ''}, not to a host bridge; NetLens traces host bridge networks only.`,
  nonBridgeNetwork: (p: { container: string; driver: string; network: string }) =>
    `${p.container} is on ${p.driver} network ${p.network}; NetLens traces bridge networks only.`,
  hostVethUnknown: (p: { container: string; ifname: string }) =>
    `The host-side veth of ${p.container} ${p.ifname} is not known.`,
  leavesContainer: (p: { container: string; ifname: string; hostVeth: string }) =>
    `Leaves ${p.container} through ${p.ifname}, arrives on its host peer ${p.hostVeth}.`,
  hostVethNoBridge: (p: { hostVeth: string | null }) =>
    `Host veth ${p.hostVeth} is attached to no bridge: the packet goes nowhere.`,
  bridgeReceives: (p: { bridge: string }) => `Bridge ${p.bridge} receives the frame.`,
  noArpAnswer: (p: { bridge: string; dst: string }) =>
    `No container on ${p.bridge} holds ${p.dst}: ARP gets no answer.`,
  bridgeToVeth: (p: { bridge: string; hostVeth: string; container: string; ifname: string }) =>
    `${p.bridge} forwards to ${p.hostVeth}, which is ${p.container}'s ${p.ifname}.`,
  vethOnOtherBridge: (p: { hostVeth: string; master: string; bridge: string }) =>
    `${p.hostVeth} is attached to ${p.master}, not ${p.bridge}.`,
  vethUnplugged: (p: { hostVeth: string; container: string }) =>
    `${p.hostVeth} is attached to no bridge, so ${p.container} cannot be reached.`,
  containerNotRunning: (p: { container: string; state: string }) => `${p.container} is not running (${p.state}).`,
  deliveredToContainerHop: (p: { container: string; dst: string; dport: number | null }) =>
    `Delivered to ${p.container} (${p.dst}${port(p.dport)}).`,
  leavesHost: (p: { iface: string | null }) => `Leaves the host through ${p.iface}; NetLens cannot see beyond it.`,
  deliveredToContainer: (p: { container: string }) => `Delivered to ${p.container}.`,
  deliveredToHost: () => 'Delivered to the host itself.',
  traceFailed: (p: { error: string }) => `Trace failed: ${p.error}`,
  replyFails: (p: { reason: Localized }) => `The request gets through, but the reply does not: ${p.reason.en}`,
  wouldBe: (p: { verdict: TraceVerdict; reason: Localized; rules: string }) =>
    `Would be ${p.verdict}: ${p.reason.en} But these rules have matches NetLens cannot evaluate and may decide otherwise: ${p.rules}`,
  withNotes: (p: { reason: Localized; notes: Localized[] }) => `${p.reason.en} ${p.notes.map((n) => n.en).join(' ')}`,
  networkModeNone: (p: { container: string }) =>
    `${p.container} uses network mode none: nothing outside its namespace can reach it.`,
  noIpv4Address: (p: { container: string | null }) =>
    `${p.container ?? 'The destination'} has no IPv4 address in the snapshot.`,
  sourceNotRunning: (p: { container: string; state: string }) =>
    `${p.container} is not running (${p.state}): it has no network namespace to send from.`,
  sourceNetworkModeNone: (p: { container: string }) => `${p.container} uses network mode none: it has only loopback.`,
  sameNetns: () => 'Same network namespace: delivered locally without leaving it.',
  containerNoRouteHop: (p: { container: string; dst: string }) => `${p.container} has no route to ${p.dst}.`,
  containerNoRoute: (p: { container: string; dst: string; noGateway: boolean }) =>
    `${p.container} has no route to ${p.dst}${p.noGateway ? ' (no default gateway)' : ''}.`,
  routeDevUnknown: (p: { dev: string | null; container: string }) =>
    `Route dev ${p.dev} is not a known interface of ${p.container}.`,
  ifaceNoIpv4: (p: { container: string; ifname: string }) => `${p.container} ${p.ifname} has no IPv4 address.`,
  containerRoute: (p: { container: string; route: string; gateway: string | null }) =>
    `Route lookup in ${p.container}: ${p.route}${p.gateway ? ` (next hop ${p.gateway})` : ' (directly connected)'}.`,
  noUplink: () => 'No uplink found for traffic from outside (no default route in the snapshot).',
  arrivesFromOutside: (p: { src: string; iface: string }) => `Arrives from ${p.src} on ${p.iface}.`,
  switched: (p: { dst: string }) => `${p.dst} is on the same bridge: the frame is switched, not routed.`,
  bridgeNetfilterOff: () => 'bridge-nf-call-iptables is 0: iptables does not see bridged frames.',
  localAddress: (p: { dst: string }) => `${p.dst} is a local address of the host: goes to INPUT.`,
  noHostRouteHop: (p: { dst: string }) => `No host route to ${p.dst}.`,
  hostNoRoute: (p: { dst: string }) => `The host has no route to ${p.dst}.`,
  hostRoute: (p: { route: string; out: string }) => `Host route: ${p.route} → out ${p.out}.`,
  ipForwardOff: () => 'net.ipv4.ip_forward is 0: the host does not forward packets between interfaces.',
  outThroughBridge: (p: { bridge: string }) => `Out through bridge ${p.bridge}.`,
  leavesHostOn: (p: { iface: string; gateway: string | null; packet: string }) =>
    `Leaves the host on ${p.iface}${p.gateway ? ` via ${p.gateway}` : ''} as ${p.packet}.`,
  hostSends: (p: { src: string }) => `The host sends from ${p.src}.`,
  hostAnswers: (p: { dst: string }) => `The host answers ${p.dst} itself.`,
  noListenersCaptured: (p: { dst: string; dport: number | null }) =>
    `Accepted by the host for ${p.dst}${port(p.dport)}, but the snapshot has no listening sockets to tell who takes it.`,
  nothingListens: (p: { proto: string; dport: number | null }) =>
    `Nothing listens on ${p.proto}/${p.dport} on the host: connection refused.`,
  dockerProxy: (p: { address: string; port: number; containerIp: string | null; containerPort: number | null }) =>
    `docker-proxy accepts on ${p.address}:${p.port} and opens its own connection to ${p.containerIp ?? 'the container'}:${p.containerPort ?? '?'} (userland proxy, no DNAT).`,
  deliveredToSocket: (p: { process: string | null; address: string; port: number }) =>
    `Delivered to ${p.process ?? 'a host socket'} on ${p.address}:${p.port}.`,
  conmonHoldsPort: (p: { address: string; port: number; container: string | null }) =>
    `conmon holds ${p.address}:${p.port} only to reserve it for Podman's ${p.container ?? 'container'}: it never accepts connections (Podman relies on its DNAT rule, which did not apply here). The connection hangs.`,
  rootlessForwarderNote: (p: { process: string; container: string }) =>
    `${p.process} forwards it into the rootless container ${p.container}.`,
  rootlessForwarder: (p: {
    process: string
    address: string
    port: number
    container: string | null
    containerPort: number | null
  }) =>
    `${p.process} (rootless Podman) accepts on ${p.address}:${p.port} and forwards into ${p.container ?? 'its container'}'s namespace to port ${p.containerPort || '?'} (user-mode forwarding, no DNAT).`,
  rootlessFrom: (p: { container: string; user: string | null; tap: string | null; via: string }) =>
    `${p.container} is a rootless Podman container of ${p.user ?? 'an unprivileged user'}: its packets leave its namespace through ${p.tap ?? 'a tap device'} to ${p.via}, which opens its own connections from the host as that user. There is no veth or bridge on the path, and NetLens does not trace user-mode networking.`,
  rootlessTo: (p: { container: string; user: string | null; forwarder: string | null }) =>
    `${p.container} is a rootless Podman container of ${p.user ?? 'an unprivileged user'}: nothing on the host routes to its address; only its published ports reach it, through ${p.forwarder ?? 'its port forwarder'}. Trace the host port instead.`,
  replySameNetns: () => 'Reply stays in the same namespace.',
  replyUnroutable: (p: { src: string }) =>
    `The reply must go to ${p.src}, a container address nobody outside can route to: it never comes back (no SNAT/MASQUERADE).`,
  sourceUntranslated: (p: { src: string }) =>
    `The packet leaves with source ${p.src} untranslated; the reply has no route back.`,
  replyArrives: (p: { iface: string | null; packet: string }) => `The reply arrives on ${p.iface} as ${p.packet}.`,
  containerAnswers: (p: { container: string; packet: string }) => `${p.container} answers ${p.packet}.`,
  hostAnswersReply: (p: { packet: string }) => `The host answers ${p.packet}.`,
  unSnat: (p: { target: string; dst: string; toDst: string }) =>
    `conntrack reverses ${p.target}: destination ${p.dst} → ${p.toDst}.`,
  unDnat: (p: { src: string; toSrc: string }) => `conntrack reverses DNAT: source ${p.src} → ${p.toSrc}.`,
  backToContainer: (p: { bridge: string | null; hostVeth: string | null; container: string; packet: string }) =>
    `Back through ${p.bridge ?? 'the bridge'} and ${p.hostVeth ?? 'the veth'} to ${p.container} as ${p.packet}.`,
  backOut: (p: { iface: string; dst: string; packet: string }) => `Back out on ${p.iface} to ${p.dst} as ${p.packet}.`,
  backToHostProcess: (p: { packet: string }) => `Back to the host process as ${p.packet}.`
}

export type TraceMessageKey = keyof typeof en
type Catalogue = { [K in TraceMessageKey]: (typeof en)[K] }

const VERDICT_ZH: Record<TraceVerdict, string> = {
  delivered: '可以送达',
  dropped: '被丢弃',
  'no-route': '没有路由',
  unknown: '无法判断'
}

function zhAction(action: string): string {
  if (action.startsWith('jump ')) return `跳转到 ${action.slice(5)}`
  if (action === 'RETURN') return '返回上一级链'
  if (action === 'ACCEPT') return '放行'
  if (action === 'DROP') return '丢弃'
  if (action === 'REJECT') return '拒绝'
  return action
}

const zhCN: Catalogue = {
  ifaceInOrphanNetns: (p) => `接口 ${p.ref} 位于命名空间 ${p.netns}，找不到对应的容器。`,
  unknownSource: (p) => `源 "${p.ref}" 在快照里既不是容器，也不是接口或 IPv4 地址。`,
  unknownDestination: (p) => `目标 "${p.ref}" 不是容器、IPv4 地址，也不是 "outside"。`,
  noHostRoutingTable: (p) => `快照里没有宿主机路由表，且 ${p.dst} 不在任何直连网段内。`,
  onlyNativeNft: () =>
    '只采集到了原生 nftables 规则，却没有各条链的 hook 和优先级（schema 5 之前的快照），netfilter 这一段无法判断。',
  deviceChainsNotWalked: (p) =>
    `未追踪：${chainList(p.chains, true)}。ingress/egress 基础链挂在某个网络设备上，${
      p.listed
        ? '而采集到的 nft list chains 对不上这些链（有表名或链名含换行，或者两次列出之间规则集变了）'
        : '而这份采集结果里没有 nft list chains 一段（采集时 NetLens 还不读它），nft -j 规则集又没有写明是哪个设备（nftables 1.0.6 不输出）'
    }，所以这里的丢弃本次追踪看不到。`,
  egressHookMissing: (p) =>
    `未追踪：${chainList(p.chains, true)}。egress hook 从 Linux 5.16 起才有，这台主机的内核是 ${p.kernel}。`,
  droppedOnDevice: (p) =>
    `在 nftables ${p.family} 族的表 ${p.table} 的基础链 ${p.chain}（hook ${p.hook}，设备 ${p.device}，优先级 ${p.priority}）被丢弃：${p.by}。${
      p.hook === 'ingress'
        ? 'ingress 链最先看到从这个设备进来的每个包，在 prerouting 之前，也在网桥接手这个帧之前'
        : 'egress 链最后看到从这个设备发出的每个包，在 postrouting 之后'
    }；同一设备上的链按优先级依次执行，任何一条丢弃即为最终结果：由这条 nft 链决定。`,
  noIptablesRules: () => '快照里没有 iptables 规则（相关段缺失或没有权限），无法判断 netfilter 的处理结果。',
  ruleAction: (p) => `${p.where}：${zhAction(p.action)}`,
  endOfChain: (p) => `${p.where}：走到链尾，按默认策略 ${p.policy} 处理`,
  droppedInBackend: (p) =>
    `在 ${p.backend} 的 ${p.table} 表 ${p.hook} 链被丢弃：${p.by}。内核同时执行 ${p.others.join('、')} 的规则（两套 iptables 后端都在），任何一套丢弃，包就没了：这里是 ${p.backend} 做的决定。`,
  droppedIn: (p) => `在 ${p.table} 表 ${p.hook} 链被丢弃：${p.by}`,
  droppedInNft: (p) =>
    `在 nftables ${p.family} 族的表 ${p.table} 的基础链 ${p.chain}（hook ${p.hook}，优先级 ${p.priority}）被丢弃：${p.by}。内核按优先级依次执行一个 hook 上的所有基础链（在 IP 层的 hook 上 iptables 的表也在其中），任何一条丢弃即为最终结果：由这条 nft 链决定。`,
  dnat: (p) => `DNAT：目的地址 ${p.dst}${port(p.dport)} 改写为 ${p.toDst}${port(p.toDport)}`,
  masqueradeWithoutAddress: (p) => `在 ${p.iface} 上做 MASQUERADE，但快照里没有它的 IPv4 地址。`,
  snat: (p) => `${p.target}：源地址 ${p.src} 改写为 ${p.toSrc}`,
  interfaceDown: (p) => `接口 ${p.name} 处于 down 状态（${p.state}），包过不去。`,
  containerIfaceDown: (p) => `容器 ${p.container} 里的 ${p.ifname} 是 down 状态。`,
  vethToOtherNetns: (p) =>
    `${p.container} 的 ${p.ifname} 连到 ${p.where} 网桥上的 ${p.hostVeth}${p.network ? `（网络 ${p.network}）` : ''}，不是宿主机上的网桥；NetLens 目前只追踪宿主机 bridge 网络。`,
  nonBridgeNetwork: (p) => `${p.container} 接在 ${p.driver} 网络 ${p.network} 上，NetLens 目前只追踪 bridge 网络。`,
  hostVethUnknown: (p) => `没找到 ${p.container} 的 ${p.ifname} 对应的宿主机 veth。`,
  leavesContainer: (p) => `从容器 ${p.container} 的 ${p.ifname} 发出，经 veth pair 到宿主机一端 ${p.hostVeth}。`,
  hostVethNoBridge: (p) => `宿主机上的 ${p.hostVeth} 没有挂到任何网桥上，包出不去。`,
  bridgeReceives: (p) => `网桥 ${p.bridge} 收到这个帧。`,
  noArpAnswer: (p) => `${p.bridge} 上没有容器持有 ${p.dst}，ARP 没人应答，包送不到。`,
  bridgeToVeth: (p) => `${p.bridge} 把帧转给 ${p.hostVeth}，也就是容器 ${p.container} 的 ${p.ifname}。`,
  vethOnOtherBridge: (p) => `${p.hostVeth} 挂在 ${p.master} 上，而不是 ${p.bridge}。`,
  vethUnplugged: (p) => `${p.hostVeth} 没挂到网桥上，${p.container} 收不到包。`,
  containerNotRunning: (p) => `容器 ${p.container} 没在运行（${p.state}）。`,
  deliveredToContainerHop: (p) => `送达容器 ${p.container}（${p.dst}${port(p.dport)}）。`,
  leavesHost: (p) => `包可以从 ${p.iface} 离开宿主机，再往后的路径 NetLens 看不到。`,
  deliveredToContainer: (p) => `可以送达容器 ${p.container}。`,
  deliveredToHost: () => '可以送达宿主机本身。',
  traceFailed: (p) => `追踪失败：${p.error}`,
  replyFails: (p) => `请求能过去，但回包回不来：${p.reason['zh-CN']}`,
  wouldBe: (p) =>
    `初步结论是“${VERDICT_ZH[p.verdict]}”：${p.reason['zh-CN']}但下面这些规则含有 NetLens 无法求值的匹配条件，结果可能不同：${p.rules}`,
  withNotes: (p) => `${p.reason['zh-CN']}${p.notes.map((n) => n['zh-CN']).join('')}`,
  networkModeNone: (p) => `${p.container} 用的是 none 网络模式，除了它自己的命名空间，谁也连不到它。`,
  noIpv4Address: (p) => `${p.container !== null ? '容器 ' + p.container : '目标'} 在快照里没有 IPv4 地址。`,
  sourceNotRunning: (p) => `容器 ${p.container} 没在运行（${p.state}），没有网络命名空间可以发包。`,
  sourceNetworkModeNone: (p) => `${p.container} 用的是 none 网络模式，只有 lo，出不去。`,
  sameNetns: () => '源和目标在同一个网络命名空间，直接在本地送达，不经过宿主机。',
  containerNoRouteHop: (p) => `容器 ${p.container} 里没有去 ${p.dst} 的路由。`,
  containerNoRoute: (p) => `容器 ${p.container} 没有去 ${p.dst} 的路由${p.noGateway ? '（没有默认网关）' : ''}。`,
  routeDevUnknown: (p) => `路由出接口 ${p.dev} 不在容器 ${p.container} 的接口列表里。`,
  ifaceNoIpv4: (p) => `容器 ${p.container} 的 ${p.ifname} 没有 IPv4 地址。`,
  containerRoute: (p) =>
    `在容器 ${p.container} 里查路由：${p.route}${p.gateway ? `（下一跳 ${p.gateway}）` : '（直连网段）'}。`,
  noUplink: () => '找不到外部流量进入的接口（快照里没有默认路由）。',
  arrivesFromOutside: (p) => `来自 ${p.src} 的包从 ${p.iface} 进入宿主机。`,
  switched: (p) => `${p.dst} 在同一个网桥上：二层直接转发，不走路由。`,
  bridgeNetfilterOff: () => 'bridge-nf-call-iptables 为 0：桥内转发的帧不经过 iptables。',
  localAddress: (p) => `${p.dst} 是宿主机自己的地址：进入 INPUT 链。`,
  noHostRouteHop: (p) => `宿主机上没有去 ${p.dst} 的路由。`,
  hostNoRoute: (p) => `宿主机没有去 ${p.dst} 的路由。`,
  hostRoute: (p) => `宿主机查路由：${p.route}，从 ${p.out} 出去。`,
  ipForwardOff: () => 'net.ipv4.ip_forward 为 0：宿主机不在接口之间转发包。',
  outThroughBridge: (p) => `从网桥 ${p.bridge} 发出。`,
  leavesHostOn: (p) => `以 ${p.packet} 从 ${p.iface} 离开宿主机${p.gateway ? `，下一跳 ${p.gateway}` : ''}。`,
  hostSends: (p) => `宿主机以 ${p.src} 为源地址发包。`,
  hostAnswers: (p) => `由宿主机自己（${p.dst}）应答。`,
  noListenersCaptured: (p) =>
    `宿主机 INPUT 放行了 ${p.dst}${port(p.dport)}，但快照里没有监听端口信息，不知道由谁接收。`,
  nothingListens: (p) => `宿主机上没有进程监听 ${p.proto}/${p.dport}，连接会被拒绝。`,
  dockerProxy: (p) =>
    `docker-proxy 在 ${p.address}:${p.port} 上接收连接，再自己连到 ${p.containerIp ?? '容器'}:${p.containerPort ?? '?'}（用户态代理，不走 DNAT）。`,
  deliveredToSocket: (p) => `送达宿主机上监听 ${p.address}:${p.port} 的 ${p.process ?? '进程'}。`,
  conmonHoldsPort: (p) =>
    `conmon 占着 ${p.address}:${p.port}，只是替 Podman 的 ${p.container ?? '容器'} 预留这个端口，它从不接受连接（Podman 靠 DNAT 规则转发，而这里 DNAT 没有生效），连接会一直挂着。`,
  rootlessForwarderNote: (p) => `${p.process} 把它转进 rootless 容器 ${p.container}。`,
  rootlessForwarder: (p) =>
    `${p.process}（rootless Podman）在 ${p.address}:${p.port} 上接收连接，转进 ${p.container ?? '容器'} 的命名空间里的 ${p.containerPort || '?'} 端口（用户态转发，不走 DNAT）。`,
  rootlessFrom: (p) =>
    `${p.container} 是 ${p.user ?? '非特权用户'} 的 rootless Podman 容器：包从命名空间里的 ${p.tap ?? 'tap 设备'} 交给 ${p.via}，由它以该用户身份在宿主机上重新发起连接。路径上没有 veth 和网桥，NetLens 不追踪这种用户态网络。`,
  rootlessTo: (p) =>
    `${p.container} 是 ${p.user ?? '非特权用户'} 的 rootless Podman 容器：宿主机上没有路由能到它的地址，只有映射出来的端口能通过 ${p.forwarder ?? '端口转发进程'} 进去。请改为追踪宿主机端口。`,
  replySameNetns: () => '回包在同一个命名空间里直接返回。',
  replyUnroutable: (p) =>
    `回包的目的地址是 ${p.src}，这是容器内部地址，外面的主机没有路由能回到它：没做 SNAT/MASQUERADE，回包回不来。`,
  sourceUntranslated: (p) => `包带着未转换的源地址 ${p.src} 出去了，回包没有回来的路由。`,
  replyArrives: (p) => `回包以 ${p.packet} 从 ${p.iface} 回到宿主机。`,
  containerAnswers: (p) => `容器 ${p.container} 回包：${p.packet}。`,
  hostAnswersReply: (p) => `宿主机回包：${p.packet}。`,
  unSnat: (p) => `conntrack 反向还原 ${p.target}：目的地址 ${p.dst} 改回 ${p.toDst}。`,
  unDnat: (p) => `conntrack 反向还原 DNAT：源地址 ${p.src} 改回 ${p.toSrc}。`,
  backToContainer: (p) =>
    `经 ${p.bridge ?? '网桥'} 和 ${p.hostVeth ?? 'veth'} 回到容器 ${p.container}，此时为 ${p.packet}。`,
  backOut: (p) => `回包以 ${p.packet} 从 ${p.iface} 发回 ${p.dst}。`,
  backToHostProcess: (p) => `回包送回宿主机上的进程：${p.packet}。`
}

/** Both languages' tables, for the key-parity test. */
export const TRACE_MESSAGES: Record<'en' | 'zh-CN', Catalogue> = { en, 'zh-CN': zhCN }

/** One sentence of the trace in both languages. */
export function traceMessage<K extends TraceMessageKey>(key: K, ...params: Parameters<Catalogue[K]>): Localized {
  const render = (table: Catalogue): string => (table[key] as (...args: unknown[]) => string)(...params)
  return { en: render(en), 'zh-CN': render(zhCN) }
}
