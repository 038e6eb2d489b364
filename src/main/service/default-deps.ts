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
import { parseSnapshotValue } from '../model/snapshot-file'
import { fail, ok } from '../../shared/result'
import { snapshotFromSource } from '../sources'
import { expandFleetSources } from '../fleet/members'
import { parseCaptureText } from '../capture/capture-file'
import { buildSnapshot } from '../model/build-snapshot'
import { listSshHosts, sshEffectiveSettings } from '../hosts/ssh-config'
import { gradeLesson, listAllScenarios, listLessons, renderScenarioText } from '../sim/index'
import { startSamplerForSource } from '../traffic/for-source'
import { packetsFromSource } from '../packets/packets-from-source'
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
    snapshotFromFileContent(name, content) {
      const trimmed = content.trimStart()
      if (trimmed.startsWith('{')) {
        let value: unknown
        try {
          value = JSON.parse(content)
        } catch (e) {
          return fail('parse-error', `${name} is not valid JSON: ${String(e)}`)
        }
        const parsed = parseSnapshotValue(value)
        return parsed.ok
          ? ok(parsed.snapshot)
          : fail('parse-error', `${name} is not a NetLens snapshot.`, { detail: parsed.error })
      }
      // A training scenario opened as a file: the simulator renders it, the real pipeline reads it.
      if (/\.ya?ml$/i.test(name)) {
        const rendered = renderScenarioText(content, name)
        return rendered.ok ? ok(buildSnapshot({ ...rendered.value, source: `file:${name}` })) : rendered
      }
      const capture = parseCaptureText(content)
      if (!capture.ok) return capture
      return ok(buildSnapshot({ ...capture.value, source: `file:${name}` }))
    },
    listSshHosts: () => listSshHosts(sshConfigFile),
    fleetMembers: expandFleetSources,
    sshEffectiveSettings: (alias) => sshEffectiveSettings(alias, sshConfigFile),
    // Built-in scenarios and the user's scenario folder, read again on every list (files come and go).
    listScenarios: () => listAllScenarios().scenarios,
    listLessons,
    gradeLesson,
    diagnose: diagnoseReport,
    trace: traceFlow,
    diff: diffSnapshots,
    startSampler: (opts) => startSamplerForSource({ ...opts, sshConfigFile }),
    packetsFromSource: (source, opts) => packetsFromSource(source, { ...opts, sshConfigFile }),
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
