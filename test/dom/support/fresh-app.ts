/**
 * What every dom test starts from: the mocked API reset, a new active Pinia, English, and no route
 * in the address. `freshAppEachTest()` registers that as a beforeEach (it runs before the file's
 * own, which then fills the stores); `mountOptions()` gives `mount` the same Pinia and i18n.
 * `showSnapshot()` puts the stores where a finished capture leaves them.
 */
import { beforeEach } from 'vitest'
import { createPinia, setActivePinia, type Pinia } from 'pinia'
import { i18n } from '@renderer/i18n'
import { useHostsStore } from '@renderer/stores/hosts'
import { useSnapshotStore } from '@renderer/stores/snapshot'
import type { HostEntry } from '@shared/api/types'
import type { Snapshot } from '@shared/snapshot/schema'
import { resetApi } from './mock-api'

export interface FreshApp {
  /** The Pinia of the running test. */
  pinia: () => Pinia
  mountOptions: () => { global: { plugins: [Pinia, typeof i18n] } }
}

export function freshAppEachTest(): FreshApp {
  let pinia: Pinia = createPinia()
  beforeEach(() => {
    resetApi()
    pinia = createPinia()
    setActivePinia(pinia)
    i18n.global.locale.value = 'en'
    location.hash = ''
  })
  return { pinia: () => pinia, mountOptions: () => ({ global: { plugins: [pinia, i18n] } }) }
}

/** The host selected and its snapshot current, as after a capture; with `entry`, the sidebar lists it too. */
export function showSnapshot(hostId: string, snapshot: Snapshot, entry?: Omit<HostEntry, 'id'>): Snapshot {
  const hosts = useHostsStore()
  if (entry) hosts.hosts = [{ id: hostId, ...entry }]
  hosts.selectedId = hostId
  const snapshots = useSnapshotStore()
  snapshots.hostId = hostId
  snapshots.set(hostId, snapshot)
  return snapshot
}
