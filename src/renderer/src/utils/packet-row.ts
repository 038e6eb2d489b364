/** The text of one packet list row, in the UI's language. */
import {
  describeAnnotation,
  formatPacketTime,
  packetDescription,
  packetEndpoints,
  type CapturedPacket
} from '@shared/packets/format'
import { markBidiControls } from '@shared/text-safety'

export interface PacketRowText {
  time: string
  ends: string
  what: string
  nat: string
  rule: string
}

export function packetRowText(p: CapturedPacket, locale: string): PacketRowText {
  const rules = p.annotation.nat
    .map((n) => n.rule)
    .filter(Boolean)
    .join('\n')
  // Container names and rule text come from the host: a bidi control is shown, never obeyed.
  return {
    time: formatPacketTime(p.timeMs),
    // VXLAN: the names belong to the inner packet, which the description shows.
    ends: markBidiControls(packetEndpoints(p.summary, p.summary.vxlan ? undefined : p.annotation)),
    what: markBidiControls(packetDescription(p.summary, p.annotation)),
    nat: markBidiControls(describeAnnotation(p.annotation, locale === 'zh-CN' ? 'zh-CN' : 'en', false)),
    rule: markBidiControls(rules)
  }
}
