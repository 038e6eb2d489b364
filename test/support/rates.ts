/** One interface's rates for traffic tests: everything 0 unless given. */
import type { InterfaceRate } from '../../src/shared/api/types'

export function interfaceRate(fields: Partial<InterfaceRate> & Pick<InterfaceRate, 'iface'>): InterfaceRate {
  return {
    netns: 'host',
    container: null,
    rxBytesPerS: 0,
    txBytesPerS: 0,
    rxPacketsPerS: 0,
    txPacketsPerS: 0,
    rxErrorsPerS: 0,
    txErrorsPerS: 0,
    rxDropsPerS: 0,
    txDropsPerS: 0,
    ...fields
  }
}
