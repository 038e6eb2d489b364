/** A ServiceDeps made of small fakes, for backend, contract and server tests. */
import type { ServiceDeps } from '../../src/main/service/deps'
import { SCHEMA_VERSION, Snapshot, type SnapshotInput } from '../../src/shared/snapshot/schema'
import { fail, ok } from '../../src/shared/result'

export function minimalSnapshot(overrides: Partial<SnapshotInput> = {}): Snapshot {
  return Snapshot.parse({
    schemaVersion: SCHEMA_VERSION,
    host: { hostname: 'fake', kernel: null, dockerVersion: null, iptablesBackend: null, capturedAt: '2026-11-28T00:00:00Z' },
    sections: [],
    interfaces: [],
    bridges: [],
    networks: [],
    containers: [],
    publishedPorts: [],
    nat: { rules: [] },
    conntrack: { total: 0, max: null, truncated: false, entries: [] },
    warnings: [],
    ...overrides
  })
}

export function fakeDeps(overrides: Partial<ServiceDeps> = {}): ServiceDeps & { stateWrites: string[] } {
  const stateWrites: string[] = []
  return {
    stateWrites,
    snapshotFromSource: async (source) =>
      source === 'ssh:broken'
        ? fail('auth-failed', 'Permission denied (publickey).', { remedy: 'Check the key.' })
        : ok(minimalSnapshot({ host: { hostname: source, kernel: null, dockerVersion: null, iptablesBackend: null, capturedAt: '2026-11-28T00:00:00Z' } })),
    snapshotFromFileContent: async (_name, content) =>
      content.startsWith('{') ? ok(minimalSnapshot()) : fail('parse-error', 'not a capture'),
    listSshHosts: async () => [{ alias: 'prod-1', file: '/tmp/config' }],
    fleetMembers: async () => ({ members: [], problems: [] }),
    sshEffectiveSettings: async () => ({ hostname: 'prod-1' }),
    listScenarios: () => [
      { id: 'bridge-mode', title: { en: 'Bridge mode', 'zh-CN': '桥接模式' }, description: { en: '', 'zh-CN': '' }, lesson: 'bridge-mode', source: 'sim:bridge-mode', origin: 'builtin' }
    ],
    listLessons: () => [],
    gradeLesson: (lessonId, answer) => ({ lessonId, passed: answer === 1, explanation: { en: 'x', 'zh-CN': 'x' } }),
    saveScenario: (snapshot, { exercise }) =>
      ok({
        id: `from-${snapshot.host.hostname}`,
        path: `/fake/from-${snapshot.host.hostname}.yaml`,
        source: `sim:from-${snapshot.host.hostname}`,
        fileName: `from-${snapshot.host.hostname}.yaml`,
        content: 'id: fake\n',
        exercise: exercise ? { lessonId: 'x-0000000000000000-exercise', find: exercise.find, leftOut: [] } : null
      }),
    diagnose: () => ({ findings: [], notChecked: [] }),
    trace: (_s, from, to) => ({ from, to, proto: 'tcp', verdict: 'unknown', reason: { en: '', 'zh-CN': '' }, droppedBy: null, hops: [], reply: [] }),
    diff: () => ({ a: 'a', b: 'b', entries: [] }),
    startSampler: () => ({ stop: () => undefined, history: () => [] }),
    packetsFromSource: async () => fail('missing-tool', 'no packets in the fake'),
    packetTools: async () => ({ tshark: false, wireshark: false }),
    dissectPacket: async () => fail('missing-tool', 'no tshark in the fake'),
    openInWireshark: async () => fail('missing-tool', 'no wireshark in the fake'),
    stateFile: null,
    readState: async () => null,
    writeState: async (_f, content) => {
      stateWrites.push(content)
    },
    platform: 'linux',
    version: '0.0.0-test',
    ...overrides
  }
}
