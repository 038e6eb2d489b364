/**
 * The app's stores by name, for a component's preamble: `const { hosts, router } = useStores()`
 * instead of a line per store. Each getter calls that store's `use…Store()`, so a store is created
 * (or found) only when it is destructured, in the component's setup as before.
 */
import { useDiagnoseStore } from './diagnose'
import { useFleetStore } from './fleet'
import { useHostsStore } from './hosts'
import { useNatStore } from './nat'
import { usePacketsStore } from './packets'
import { usePreferencesStore } from './preferences'
import { useRouterStore } from './router'
import { useSnapshotStore } from './snapshot'
import { useTopologyStore } from './topology'
import { useTrafficStore } from './traffic'
import { useTrainingStore } from './training'

const STORES = {
  diagnose: useDiagnoseStore,
  fleet: useFleetStore,
  hosts: useHostsStore,
  nat: useNatStore,
  packets: usePacketsStore,
  prefs: usePreferencesStore,
  router: useRouterStore,
  snapshots: useSnapshotStore,
  topology: useTopologyStore,
  traffic: useTrafficStore,
  training: useTrainingStore
} as const

export type Stores = { [K in keyof typeof STORES]: ReturnType<(typeof STORES)[K]> }

export function useStores(): Stores {
  const stores = {} as Stores
  for (const [name, use] of Object.entries(STORES)) Object.defineProperty(stores, name, { get: use, enumerable: true })
  return stores
}
