/**
 * Wires the backend service to the real NetLens modules. The app shell, browser mode and the CLI's
 * `serve` command all build their backend from this.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { diagnoseReport } from '../../shared/diagnose/index'
import { traceFlow } from '../../shared/trace/index'
import { diffSnapshots } from '../../shared/snapshot/diff'
import { AppFailure, ok } from '../../shared/result'
import { openSource, snapshotFromSource } from '../sources/index'
import { fileContentFromText } from '../sources/file'
import { expandFleetSources } from '../fleet/members'
import { buildSnapshot } from '../model/build-snapshot'
import { listSshHosts, sshEffectiveSettings } from '../hosts/ssh-config'
import { gradeLesson, listAllScenarios, listLessons } from '../sim/index'
import { saveScenario } from '../sim/save-scenario'
import { startSamplerForSource } from '../traffic/for-source'
import { dissectPacket, openInWireshark, packetTools } from '../packets/desktop-tools'
import { packageVersion } from '../package-root'
import type { ServiceDeps } from './deps'

/** Default state file: $XDG_CONFIG_HOME/netlens/state.json (the desktop app passes its userData dir). */
export function defaultStateFile(configDir?: string): string {
  const base = configDir ?? process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config')
  return join(configDir ? base : join(base, 'netlens'), 'state.json')
}

export function createDefaultDeps(options: { stateFile?: string | null; sshConfigFile?: string } = {}): ServiceDeps {
  const sshConfigFile = options.sshConfigFile ?? process.env.NETLENS_SSH_CONFIG
  return {
    snapshotFromSource: (source, opts) => snapshotFromSource(source, { ...opts, sshConfigFile }),
    async snapshotFromFileContent(name, content) {
      const read = await fileContentFromText(name, content)
      if (!read.ok) return read
      return ok(read.value.snapshot ?? buildSnapshot(read.value.capture))
    },
    listSshHosts: () => listSshHosts(sshConfigFile),
    fleetMembers: expandFleetSources,
    sshEffectiveSettings: (alias) => sshEffectiveSettings(alias, sshConfigFile),
    // Built-in scenarios and the user's scenario folder, read again on every list (files come and go).
    listScenarios: () => listAllScenarios().scenarios,
    listLessons,
    gradeLesson,
    saveScenario: (snapshot, { anonymize, exercise }) => saveScenario(snapshot, { anonymize, exercise }),
    diagnose: diagnoseReport,
    trace: traceFlow,
    diff: diffSnapshots,
    startSampler: ({ source, ...opts }) => {
      const counters = openSource(source)
      if (!counters.ok) throw new AppFailure(counters.error)
      return startSamplerForSource({
        ...opts,
        counters(streamOpts) {
          const open = counters.value.counters({ ...streamOpts, sshConfigFile })
          if (!open.ok) throw new AppFailure(open.error)
          return open.value
        }
      })
    },
    packetsFromSource: async (source, opts) => {
      const opened = openSource(source)
      return opened.ok ? opened.value.packets({ ...opts, sshConfigFile }) : opened
    },
    packetTools,
    dissectPacket,
    openInWireshark,
    stateFile: options.stateFile === undefined ? defaultStateFile() : options.stateFile,
    readState: async (file) => {
      try {
        return await readFile(file, 'utf8')
      } catch {
        return null
      }
    },
    writeState: async (file, content) => {
      await mkdir(dirname(file), { recursive: true, mode: 0o700 })
      await writeFile(file, content, { mode: 0o600 })
    },
    platform: process.platform,
    version: packageVersion()
  }
}
