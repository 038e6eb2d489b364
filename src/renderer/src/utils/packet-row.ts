/** The text of one packet list row, in the UI's language (host-derived words stay as they are). */
import {
  describeAnnotation,
  formatPacketTime,
  packetDescription,
  packetEndpoints,
  type CapturedPacket
} from '@shared/packets/format'

export interface PacketRowText {
  time: string
  ends: string
  what: string
  nat: string
  rule: string
}

export function packetRowText(p: CapturedPacket, locale: string): PacketRowText {
  return {
    time: formatPacketTime(p.timeMs),
    // VXLAN: the names belong to the inner packet, which the description shows.
    ends: packetEndpoints(p.summary, p.summary.vxlan ? undefined : p.annotation),
    what: packetDescription(p.summary, p.annotation),
    nat: describeAnnotation(p.annotation, locale === 'zh-CN' ? 'zh-CN' : 'en', false),
    rule: p.annotation.nat
      .map((n) => n.rule)
      .filter(Boolean)
      .join('\n')
  }
}
