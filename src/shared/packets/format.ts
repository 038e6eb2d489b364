/**
 * Text for packet lines, shared by the CLI and the UI: one summary line per packet (time,
 * interface, src → dst with ports, protocol and its details, length) and the NAT note in English
 * or Chinese. Host-derived words (container and interface names, rule text) are returned as they
 * are: the CLI strips terminal control characters, Vue escapes on its own.
 */
import type { PacketAnnotation, NatNote } from './annotate'
import type { PacketSummary } from './decode'

export type PacketLocale = 'en' | 'zh-CN'

/** One packet as the CLI, the API and the UI carry it. */
export interface CapturedPacket {
  /** 1-based, in capture order. */
  number: number
  /** Milliseconds since the epoch (fractional: pcap timestamps go to the micro or nanosecond). */
  timeMs: number
  /** Length on the wire, and how much of it was captured (snaplen). */
  length: number
  captured: number
  summary: PacketSummary
  annotation: PacketAnnotation
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0')

/** `HH:MM:SS.ffffff` in local time, like tcpdump. */
export function formatPacketTime(timeMs: number): string {
  const d = new Date(Math.floor(timeMs))
  const micros = Math.floor((timeMs - Math.floor(timeMs / 1000) * 1000) * 1000)
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(Math.max(0, Math.min(999999, micros)), 6)}`
}

function endpoint(ip: string | null, port: number | null): string {
  if (!ip) return '?'
  if (port === null) return ip
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`
}

function named(text: string, name: string | null): string {
  return name ? `${text} (${name})` : text
}

/** `src → dst` with ports, plus the container names when the annotation has them. */
export function packetEndpoints(s: PacketSummary, a?: PacketAnnotation): string {
  if (s.src === null && s.dst === null) return s.macSrc && s.macDst ? `${s.macSrc} → ${s.macDst}` : '?'
  const ports = s.transport === 'tcp' || s.transport === 'udp'
  return `${named(endpoint(s.src, ports ? s.sport : null), a?.srcName ?? null)} → ${named(endpoint(s.dst, ports ? s.dport : null), a?.dstName ?? null)}`
}

/** `ICMP echo request id 7 seq 1`, `TCP [S] seq 1 win 64240 length 0`, `VXLAN vni 42: 10.0.0.2 → 10.0.0.3 ICMP …`. */
export function packetDescription(s: PacketSummary, a?: PacketAnnotation): string {
  const vlan = s.vlans.length ? `vlan ${s.vlans.join('.')} ` : ''
  const own = `${vlan}${s.protocol}${s.info ? ` ${s.info}` : ''}`
  if (s.vxlan) {
    const inner = s.vxlan.inner
    return `${own}: ${packetEndpoints(inner, a)} ${packetDescription(inner)}`
  }
  return own
}

const where = (ip: string, port: number | null, name: string | null): string =>
  `${name ? `${name} ` : ''}${endpoint(ip, port)}`

/** The NAT note in words, e.g. `SNAT by MASQUERADE of web 172.17.0.2`. */
export function describeNat(n: NatNote, locale: PacketLocale = 'en'): string {
  const inner = where(n.inner.ip, n.inner.port, n.container)
  const outerPort = n.outer.port === null ? '' : `:${n.outer.port}`
  const zh = locale === 'zh-CN'
  let text: string
  if (n.kind === 'SNAT') {
    const by = n.target === 'SNAT' ? 'SNAT' : `SNAT by ${n.target}`
    const byZh = n.target === 'SNAT' ? 'SNAT' : `由 ${n.target} 做 SNAT`
    switch (n.side) {
      case 'before':
        text = n.outer.ip
          ? zh
            ? `将${byZh}，改为 ${n.outer.ip}`
            : `${by} to ${n.outer.ip} on the way out`
          : zh
            ? `离开宿主机时将${byZh}`
            : `${by} on the way out`
        break
      case 'after':
        text = zh ? `${byZh}，原为 ${inner}` : `${by} of ${inner}`
        break
      case 'reply-before':
        text = zh ? `回包，将还原给 ${inner}（SNAT）` : `reply to ${inner} (${by})`
        break
      default:
        text = zh ? `回包，SNAT 已还原（原目标 ${n.outer.ip}）` : `reply, SNAT undone (was to ${n.outer.ip})`
    }
  } else {
    switch (n.side) {
      case 'before':
        text = zh ? `DNAT 到 ${inner}` : `DNAT to ${inner}`
        break
      case 'after':
        text = zh ? `DNAT 自 ${n.outer.ip}${outerPort}` : `DNAT from ${n.outer.ip}${outerPort}`
        break
      case 'reply-before':
        text = zh ? `DNAT 的回包，将改回 ${n.outer.ip}${outerPort}` : `reply of DNAT from ${n.outer.ip}${outerPort}`
        break
      default:
        text = zh
          ? `${inner} 的回包（DNAT 自 ${outerPort || n.outer.ip}）`
          : `reply of ${inner} (DNAT from ${outerPort || n.outer.ip})`
    }
  }
  if (n.evidence === 'rule')
    text += zh ? '（依据规则，conntrack 中尚无此连接）' : ' (by the rules; no conntrack entry yet)'
  return text
}

/** All NAT notes of a packet with their rules: `SNAT by MASQUERADE of web 172.17.0.2, rule -A POSTROUTING …`. */
export function describeAnnotation(a: PacketAnnotation, locale: PacketLocale = 'en', withRule = true): string {
  return a.nat
    .map((n) => {
      const text = describeNat(n, locale)
      if (!withRule || !n.rule) return text
      return locale === 'zh-CN' ? `${text}，规则：${n.rule}` : `${text}, rule ${n.rule}`
    })
    .join('; ')
}

/** One line per packet: `12:00:01.000123 veth1  10.0.0.2 (web) → 198.51.100.2 ICMP echo request id 1 seq 1, length 98 (SNAT …)`. */
export function formatPacketLine(p: CapturedPacket, iface: string, locale: PacketLocale = 'en'): string {
  const nat = describeAnnotation(p.annotation, locale)
  const problems = p.summary.problems.length ? ` [${p.summary.problems.join('; ')}]` : ''
  // The annotation names the innermost packet's ends (VXLAN's inner one), not the VTEPs.
  const outerNames = p.summary.vxlan ? undefined : p.annotation
  return `${formatPacketTime(p.timeMs)} ${iface} ${packetEndpoints(p.summary, outerNames)} ${packetDescription(p.summary, p.annotation)}, ${p.length} bytes${problems}${nat ? ` (${nat})` : ''}`
}
