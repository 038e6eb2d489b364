/** An `ip -j link` record for model tests: an UP 1500-byte interface with nothing else set. */
import type { IpLinkRecord } from '../../src/main/parsers/types'

export function ipLinkRecord(partial: Partial<IpLinkRecord> & { ifindex: number; name: string }): IpLinkRecord {
  return {
    flags: ['UP'],
    mtu: 1500,
    operstate: 'UP',
    mac: null,
    master: null,
    kind: null,
    linkIndex: null,
    linkName: null,
    linkNetnsId: null,
    vxlanId: null,
    bridgeStp: null,
    raw: '',
    ...partial
  }
}
