/**
 * Section names: the vocabulary shared by the probe (resources/probe.sh), the simulator
 * (src/main/sim) and the snapshot builder (src/main/model), read from the section registry
 * (section-registry.ts). A section holds one command's raw output. Per-namespace sections are
 * named `ns/<nsid>/<name>` where nsid is
 *   `pid:<pid>`           a container's netns reached through its process,
 *   `docker:<file>`       a file in /var/run/docker/netns (overlay, ingress, sandboxes),
 *   `ipnetns:<name>`      an `ip netns` namespace.
 */
import { HOST_SECTIONS, NS_SECTIONS, type NsSectionKey, type SectionKey } from './section-registry'

const namesOf = <K extends string>(specs: Record<K, { name: string }>): Record<K, string> =>
  Object.fromEntries(Object.entries<{ name: string }>(specs).map(([key, spec]) => [key, spec.name])) as Record<K, string>

/** Host section names by registry key (section-registry.ts: command, parser, fixtures). */
export const SECTION: Readonly<Record<SectionKey, string>> = namesOf(HOST_SECTIONS)

/** Sections read inside each namespace (prefix `ns/<nsid>/`), by registry key. */
export const NS_SECTION: Readonly<Record<NsSectionKey, string>> = namesOf(NS_SECTIONS)

export const nsSectionName = (nsid: string, name: string): string => `ns/${nsid}/${name}`
