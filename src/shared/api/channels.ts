/**
 * IPC channel names. Kept apart from contract.ts (which imports zod) so the sandboxed preload bundle
 * stays tiny. A fixed prefix makes stray channels easy to reject.
 */
export const CALL_PREFIX = 'netlens:'
export const EVENT_PREFIX = 'netlens-event:'
export const ipcChannel = (name: string): string => `${CALL_PREFIX}${name}`
export const ipcEventChannel = (name: string): string => `${EVENT_PREFIX}${name}`

/** The push events' names (their payloads are typed by ApiEvents in contract.ts, which checks this list). */
export const apiEventNames = [
  'captureProgress',
  'trafficSample',
  'hostsChanged',
  'packetBatch',
  'packetCaptureState',
  'snapshotPartial'
] as const
