/**
 * Processes that hold a published host port on behalf of a container runtime, as `ss -tulpn`
 * names them: docker-proxy (Docker's userland proxy); conmon (rootful Podman binds the port so
 * nothing else takes it, while DNAT carries the traffic); rootlessport and pasta (rootless Podman's
 * forwarders). A holder of a port's own runtime is not a rival for that port.
 */
import type { Runtime } from './schema'

export const PORT_HOLDERS: Readonly<Record<string, Runtime>> = {
  'docker-proxy': 'docker',
  conmon: 'podman',
  rootlessport: 'podman',
  pasta: 'podman',
  'pasta.avx2': 'podman'
}

export const holderRuntime = (process: string | null): Runtime | null =>
  process !== null && Object.hasOwn(PORT_HOLDERS, process) ? PORT_HOLDERS[process] : null
