/**
 * "Save as training scenario…" and "New exercise from this host" (#19 item 4), backend side: the
 * host's scenario written into the user's folder, listed as a training host, its exercise graded by
 * the diagnose engine; anonymized, the exercise names the stand-ins; a finding the saved scenario
 * does not reproduce is left out, and with none left nothing is written.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { parse } from 'yaml'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'
import { gradeLesson, listAllScenarios, listLessons, renderScenarioText } from '../../../src/main/sim/index'
import { saveScenario } from '../../../src/main/sim/save-scenario'
import { diagnose } from '../../../src/shared/diagnose/index'
import type { Snapshot } from '../../../src/shared/snapshot/schema'
import { createBackend } from '../../../src/main/service/backend'
import { createDefaultDeps } from '../../../src/main/service/default-deps'

/** A production-like host whose payments network lost its MASQUERADE rule. */
const PROD = `id: prod
title: { en: "prod", zh-CN: "prod" }
description: { en: "prod", zh-CN: "prod" }
hosts:
  - name: prod-pay-01
    nics:
      - { name: ens33, addresses: [10.40.7.11/24] }
    gateway: 10.40.7.1
    networks:
      - { name: payments, subnet: 172.23.0.0/16, gateway: 172.23.0.1 }
    containers:
      - { name: billing-api, image: "acme/billing:4.2", networks: [{ name: payments, ip: 172.23.0.2 }] }
    flows:
      - { from: billing-api, to: 203.0.113.10, proto: tcp, port: 443, rate: 200kbit/s }
    faults:
      - { type: missing-rule, network: payments, rule: masquerade }
`

function prodSnapshot(): Snapshot {
  const capture = renderScenarioText(PROD, 'prod.yaml')
  if (!capture.ok) throw new Error(capture.error.message)
  return buildSnapshot(capture.value)
}

const QUESTION = { en: 'Why do the payments calls hang?', 'zh-CN': '为什么支付调用一直卡住？' }
const masquerade = { check: 'missing-masquerade', object: { kind: 'network' as const, id: 'payments' } }

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'netlens-save-scenario-'))
  vi.stubEnv('NETLENS_SCENARIOS_DIR', dir)
})
afterEach(() => {
  vi.unstubAllEnvs()
  rmSync(dir, { recursive: true, force: true })
})

describe('saving a host as a training scenario', () => {
  it('writes it into the folder as sim:<id>, listed as a training host, never overwriting one', () => {
    const first = saveScenario(prodSnapshot(), { anonymize: false })
    expect(first.ok).toBe(true)
    if (!first.ok) return
    expect(first.value).toMatchObject({ id: 'from-prod-pay-01', source: 'sim:from-prod-pay-01', exercise: null })
    expect(readFileSync(first.value.path, 'utf8')).toBe(first.value.content)
    const second = saveScenario(prodSnapshot(), { anonymize: false })
    expect(second.ok && second.value.id).toBe('from-prod-pay-01-2')
    expect(readdirSync(dir).sort()).toEqual(['from-prod-pay-01-2.yaml', 'from-prod-pay-01.yaml'])
    const listed = listAllScenarios().scenarios.filter((s) => s.origin === 'user').map((s) => s.source)
    expect(listed.sort()).toEqual(['sim:from-prod-pay-01', 'sim:from-prod-pay-01-2'])
  })

  it('carries an exercise the diagnose engine grades: it passes on the picked finding only', () => {
    const saved = saveScenario(prodSnapshot(), { anonymize: false, exercise: { question: QUESTION, find: [masquerade] } })
    expect(saved.ok).toBe(true)
    if (!saved.ok || !saved.value.exercise) throw new Error('no exercise')
    expect(parse(saved.value.content).exercise).toMatchObject({
      question: QUESTION,
      find: [{ check: 'missing-masquerade', object: 'payments' }]
    })
    const lesson = listLessons().find((l) => l.id === saved.value.exercise?.lessonId)
    expect(lesson?.scenario).toBe('from-prod-pay-01')
    expect(lesson?.check.question).toEqual(QUESTION)
    const choices = lesson?.check.choices.map((c) => c.en) ?? []
    const right = choices.indexOf('payments: the MASQUERADE rule is missing')
    expect(right).toBeGreaterThanOrEqual(0)
    choices.forEach((_, i) => expect(gradeLesson(lesson!.id, i).passed).toBe(i === right))
    // The explanation quotes the engine, in both languages.
    const grade = gradeLesson(lesson!.id, right)
    expect(grade.explanation.en).toContain('No MASQUERADE for network payments')
    expect(grade.explanation['zh-CN']).toContain('网络 payments')
  })

  it('anonymized: neither the file nor the exercise holds the host names, and it still passes', () => {
    // The author's own words are theirs to write: a question naming nothing.
    const question = { en: 'Why do outbound calls hang?', 'zh-CN': '为什么对外调用一直卡住？' }
    const saved = saveScenario(prodSnapshot(), { anonymize: true, exercise: { question, find: [masquerade] } })
    expect(saved.ok).toBe(true)
    if (!saved.ok || !saved.value.exercise) throw new Error('no exercise')
    for (const secret of ['prod-pay-01', 'payments', 'billing', 'acme', '10.40.7', '172.23.'])
      expect(saved.value.content).not.toContain(secret)
    expect(saved.value.id).not.toContain('prod')
    const find = parse(saved.value.content).exercise.find
    expect(find).toEqual([{ check: 'missing-masquerade', object: expect.stringMatching(/^net-\d+$/) }])
    const lesson = listLessons().find((l) => l.id === saved.value.exercise?.lessonId)!
    const right = lesson.check.choices.findIndex((c) => c.en === `${find[0].object}: the MASQUERADE rule is missing`)
    expect(gradeLesson(lesson.id, right).passed).toBe(true)
  })

  it('leaves out a finding the saved scenario does not show, and writes nothing when none is left', () => {
    const host = prodSnapshot()
    const notThere = { check: 'bridge-down', object: { kind: 'bridge' as const, id: 'docker0' } }
    expect(diagnose(host).some((f) => f.id === 'bridge-down')).toBe(false)
    const some = saveScenario(host, { anonymize: false, exercise: { question: QUESTION, find: [masquerade, notThere] } })
    expect(some.ok && some.value.exercise).toMatchObject({ find: [masquerade], leftOut: [notThere] })
    rmSync(dir, { recursive: true, force: true })
    const none = saveScenario(host, { anonymize: false, exercise: { question: QUESTION, find: [notThere] } })
    expect(none.ok).toBe(false)
    expect(!none.ok && none.error.message).toContain('nothing was written')
    expect(() => readdirSync(dir)).toThrow() // the folder was not even created
  })

  it('anonymized, a finding named by a raw rule line has no stand-in: left out, never copied', () => {
    const rule = { check: 'missing-masquerade', object: { kind: 'rule' as const, id: '-A POSTROUTING -s 172.23.0.0/16' } }
    const saved = saveScenario(prodSnapshot(), { anonymize: true, exercise: { question: QUESTION, find: [masquerade, rule] } })
    expect(saved.ok && saved.value.exercise?.leftOut).toEqual([rule])
    expect(saved.ok && saved.value.content).not.toContain('172.23')
  })
})

describe('saveScenario through the API (the backend both transports wrap)', () => {
  it('saves a captured training host with its exercise, lists the new host to every window, grades it', async () => {
    const backend = createBackend(createDefaultDeps({ stateFile: null }), 'browser')
    const pushed: string[][] = []
    backend.subscribe('hostsChanged', (hosts) => pushed.push(hosts.map((h) => h.id)))
    const notCaptured = await backend.call('saveScenario', { hostId: 'sim:nat-mode-no-masquerade' })
    expect(!notCaptured.ok && notCaptured.error.code).toBe('not-found')
    expect((await backend.call('captureHost', { hostId: 'sim:nat-mode-no-masquerade' })).ok).toBe(true)
    const saved = await backend.call('saveScenario', {
      hostId: 'sim:nat-mode-no-masquerade',
      exercise: { question: QUESTION, find: [{ check: 'missing-masquerade', object: { kind: 'network', id: 'bridge' } }] }
    })
    expect(saved.ok).toBe(true)
    if (!saved.ok) return
    expect(saved.value.source).toBe('sim:from-host1')
    expect(pushed.at(-1)).toContain('sim:from-host1')
    const lessons = await backend.call('listLessons', {})
    const lesson = lessons.ok ? lessons.value.find((l) => l.id === saved.value.exercise?.lessonId) : undefined
    expect(lesson?.scenario).toBe('from-host1')
    const right = lesson!.check.choices.findIndex((c) => c.en === 'bridge: the MASQUERADE rule is missing')
    const grade = await backend.call('gradeLesson', { lessonId: lesson!.id, answer: right })
    expect(grade.ok && grade.value.passed).toBe(true)
    backend.dispose()
  })

  it('refuses what the contract does not allow: an empty question, nine finds, an extra key', async () => {
    const backend = createBackend(createDefaultDeps({ stateFile: null }), 'browser')
    const find = [{ check: 'missing-masquerade', object: { kind: 'network', id: 'bridge' } }]
    for (const args of [
      { hostId: 'local', exercise: { question: { en: ' ', 'zh-CN': '问' }, find } },
      { hostId: 'local', exercise: { question: QUESTION, find: Array(9).fill(find[0]) } },
      { hostId: 'local', anonymize: true, path: '/etc/passwd' }
    ]) {
      const r = await backend.call('saveScenario', args)
      expect(!r.ok && r.error.code, JSON.stringify(args)).toBe('invalid-argument')
    }
    expect(readdirSync(dir)).toEqual([])
    backend.dispose()
  })
})
