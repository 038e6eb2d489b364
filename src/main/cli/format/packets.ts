/** `netlens packets`' lines on stderr: what is captured where and until when, then how it ended. */
import type { PacketCaptureStart, PacketCaptureSummary } from '../../packets/packets-from-source'
import { describeTarget } from '../../../shared/packets/target'
import { cleanLines as clean } from './terminal'

const STOPPED_BY: Record<PacketCaptureSummary['stoppedBy'], string> = {
  count: 'the packet count',
  duration: 'the duration',
  bytes: 'the byte cap',
  cancelled: 'Ctrl-C',
  ended: 'the end of the capture'
}

/** The limits in force: `N packets / S s / M MB`. */
export const formatPacketLimits = (count: number, durationS: number, maxBytes: number): string =>
  `${count} packets / ${durationS} s / ${Math.round(maxBytes / 1024 / 1024)} MB`

export const formatPacketsStart = (start: PacketCaptureStart, limits: string): string =>
  `netlens packets: ${clean(describeTarget(start.target))} on ${clean(start.source)}; stops after ${limits} or Ctrl-C`

export const formatPacketsSummary = (s: PacketCaptureSummary, output: string | undefined): string =>
  `netlens packets: ${s.packets} packet${s.packets === 1 ? '' : 's'} (${s.bytes} bytes of pcap), stopped by ${STOPPED_BY[s.stoppedBy]}` +
  (s.kernelDropped ? `; the kernel dropped ${s.kernelDropped} before tcpdump read them` : '') +
  (output ? `; written to ${clean(output)}` : '')
