/**
 * The folder layers inside src/main and src/shared are enforced by lint (netlens/folder-layers in
 * eslint.config.js): these tests lint small virtual files placed in each folder and expect the
 * imports that run back up a layer to be reported, and the allowed ones not.
 * test/unit/import-graph.test.ts checks the same rules (and cycles) on the real import graph.
 */
import { describe, expect, it } from 'vitest'
import { ESLint } from 'eslint'

const eslint = new ESLint({ cwd: process.cwd() })

async function folderLayerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  const fatal = result.messages.filter((m) => m.fatal)
  expect(fatal, 'the virtual file parses').toEqual([])
  return result.messages.filter((m) => m.ruleId === 'netlens/folder-layers').map((m) => m.message)
}

describe('folder layers (lint)', () => {
  it.each([
    // parsers are leaves
    [
      'src/main/parsers/x.ts',
      "import { buildSnapshot } from '../model/build-snapshot'\nexport const x = buildSnapshot"
    ],
    ['src/main/parsers/x.ts', "import type { Probe } from '../capture/capture-types'\nexport type X = Probe"],
    ['src/main/parsers/x.ts', "export { SECTION } from '../capture/sections'"],
    ['src/main/parsers/x.ts', "export const x = () => import('../sim/world')"],
    // model and traffic never import sim, service or cli
    ['src/main/model/x.ts', "import { loadScenario } from '../sim/load'\nexport const x = loadScenario"],
    ['src/main/model/x.ts', "import type { ServiceDeps } from '../service/deps'\nexport type X = ServiceDeps"],
    ['src/main/model/x.ts', "import { main } from '../cli/main'\nexport const x = main"],
    // the snapshot builder reads sections through the registry, never a parser itself
    [
      'src/main/model/build-snapshot.ts',
      "import { parseSysBrif } from '../parsers/sys-brif'\nexport const x = parseSysBrif"
    ],
    ['src/main/model/build-snapshot.ts', "import { parseIpLink } from '../parsers/ip-link.ts'\nexport const x = parseIpLink"],
    ['src/main/traffic/x.ts', "import { counterStream } from '../sim/counter-stream'\nexport const x = counterStream"],
    ['src/main/traffic/x.ts', "import { createBackend } from '../service/backend'\nexport const x = createBackend"],
    // nothing below service and cli imports them
    ['src/main/sim/x.ts', "import { createBackend } from '../service/backend'\nexport const x = createBackend"],
    ['src/main/sources/x.ts', "import { main } from '../cli/main'\nexport const x = main"],
    ['src/main/capture/x.ts', "import type { ServiceDeps } from '../service/deps'\nexport type X = ServiceDeps"],
    // src/shared never imports main (even by a relative path)
    [
      'src/shared/x.ts',
      "import { parseIptablesSave } from '../main/parsers/iptables-save'\nexport const x = parseIptablesSave"
    ],
    // the domain never imports the API contract
    ['src/shared/snapshot/x.ts', "import type { HostEntry } from '../api/types'\nexport type X = HostEntry"],
    ['src/shared/diagnose/x.ts', "import type { Finding } from '../api/types'\nexport type X = Finding"],
    ['src/shared/diagnose/checks/x.ts', "import type { Localized } from '../../api/types'\nexport type X = Localized"],
    ['src/shared/trace/x.ts', "import type { TraceResult } from '../api/types'\nexport type X = TraceResult"],
    ['src/shared/traffic/x.ts', "import type { TrafficSample } from '../api/types'\nexport type X = TrafficSample"],
    ['src/shared/fleet/x.ts', "import { apiCallNames } from '../api/contract'\nexport const x = apiCallNames"]
  ])('%s rejects: %s', async (filePath, code) => {
    expect(await folderLayerErrors(filePath, code)).not.toEqual([])
  })

  it.each([
    ['src/main/parsers/x.ts', "import { lineAt } from './line-rows'\nexport const x = lineAt"],
    ['src/main/parsers/x.ts', "import { parseIpv4 } from '../../shared/net/ip'\nexport const x = parseIpv4"],
    ['src/main/model/x.ts', "import { parseIpAddr } from '../parsers/ip-addr'\nexport const x = parseIpAddr"],
    ['src/main/model/x.ts', "import { SECTION } from '../capture/sections'\nexport const x = SECTION"],
    ['src/main/model/build-snapshot.ts', "import type { FdbRecord } from '../parsers/types'\nexport type X = FdbRecord"],
    [
      'src/main/model/build-snapshot.ts',
      "import { HOST_SECTIONS } from '../capture/section-registry'\nexport const x = HOST_SECTIONS"
    ],
    [
      'src/main/traffic/x.ts',
      "import { parseProcNetDev } from '../parsers/proc-net-dev'\nexport const x = parseProcNetDev"
    ],
    ['src/main/sim/x.ts', "import { buildSnapshot } from '../model/build-snapshot'\nexport const x = buildSnapshot"],
    ['src/main/service/x.ts', "import { loadScenario } from '../sim/load'\nexport const x = loadScenario"],
    ['src/main/cli/x.ts', "import { createBackend } from '../service/backend'\nexport const x = createBackend"],
    ['src/shared/api/x.ts', "import type { Finding } from './types'\nexport type X = Finding"],
    ['src/shared/diagnose/x.ts', "import type { Localized } from '../localized'\nexport type X = Localized"],
    ['src/shared/trace/x.ts', "import { parseIpv4 } from '../net/ip'\nexport const x = parseIpv4"],
    // package imports are no-restricted-imports' business, not this rule's
    ['src/main/parsers/x.ts', "import { z } from 'zod'\nexport const x = z"]
  ])('%s allows: %s', async (filePath, code) => {
    expect(await folderLayerErrors(filePath, code)).toEqual([])
  })

  it('names the folder the import lands in and why it is out of bounds', async () => {
    const [message] = await folderLayerErrors(
      'src/main/parsers/x.ts',
      "import { x } from '../model/joins'\nexport const y = x"
    )
    expect(message).toBe(
      'src/main/model/joins is out of bounds here: parsers are leaves: they import only other parsers and src/shared.'
    )
  })
})
