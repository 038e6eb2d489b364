/**
 * Lessons and exercises carried by a scenario file (#19 items 1 and 5): listed with the built-in
 * lessons, ids keyed by the file's content hash, exercises graded by the diagnose engine on the
 * rendered scenario, and errors in them with file:line:column.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { gradeLesson, listAllScenarios, listLessons } from '../../../src/main/sim/index'
import { formatScenarioError, parseScenarioText } from '../../../src/main/sim/load'

const HOST = `hosts:
  - name: host1
    nics:
      - { name: ens33, addresses: [10.10.0.11/24] }
    gateway: 10.10.0.1
    containers:
      - { name: app, image: "busybox:1.36", networks: [{ name: bridge, ip: 172.17.0.2 }] }
    flows:
      - { from: app, to: 203.0.113.10, proto: tcp, port: 443, rate: 200kbit/s }
    faults:
      - { type: missing-rule, network: bridge, rule: masquerade }
`

const LESSON = `lesson:
  title: { en: "Where does the reply go?", zh-CN: "回包去哪了？" }
  summary: { en: "Last Friday's incident.", zh-CN: "上周五的故障。" }
  steps:
    - { id: conntrack, view: nat, tab: conntrack, text: { en: "Open the connections.", zh-CN: "打开连接跟踪表。" } }
  check:
    question: { en: "Which state is the entry in?", zh-CN: "这条连接处于什么状态？" }
    choices:
      - { en: "ESTABLISHED", zh-CN: "已建立" }
      - { en: "UNREPLIED", zh-CN: "未收到回包" }
    answer: 1
    explanation: { en: "No reply came back.", zh-CN: "没有回包。" }
`

const exercise = (check: string, object: string): string => `exercise:
  title: { en: "Friday's outage", zh-CN: "周五的故障" }
  summary: { en: "Find what broke.", zh-CN: "找出哪里坏了。" }
  question: { en: "What is wrong, and where?", zh-CN: "哪里出了什么问题？" }
  find:
    - { check: ${check}, object: ${object} }
  explanation: { en: "The MASQUERADE rule of bridge was deleted.", zh-CN: "bridge 网络的 MASQUERADE 规则被删了。" }
`

const scenario = (id: string, extra: string): string =>
  `id: ${id}\ntitle: { en: "Incident", zh-CN: "故障" }\ndescription: { en: "From prod.", zh-CN: "来自生产环境。" }\n${extra}${HOST}`

let dir: string
let folder: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'netlens-scenario-lessons-'))
  folder = join(dir, 'folder')
  mkdirSync(folder)
  vi.stubEnv('NETLENS_SCENARIOS_DIR', folder)
})
afterEach(() => {
  vi.unstubAllEnvs()
  rmSync(dir, { recursive: true, force: true })
})

const own = (): ReturnType<typeof listLessons> => listLessons().filter((l) => l.id.startsWith('x-'))

describe('a lesson in a scenario file', () => {
  it('joins the lessons, opens its scenario, and is graded by its answer', () => {
    writeFileSync(join(folder, 'friday.yaml'), scenario('friday', LESSON))
    const lessons = own()
    expect(lessons.map((l) => [l.scenario, l.title.en, l.check.choices.length])).toEqual([
      ['friday', 'Where does the reply go?', 2]
    ])
    expect(lessons[0].id).toMatch(/^x-[0-9a-f]{16}-lesson$/)
    expect(listAllScenarios().scenarios.find((s) => s.id === 'friday')?.lesson).toBe(lessons[0].id)
    expect(gradeLesson(lessons[0].id, 1)).toEqual({
      lessonId: lessons[0].id,
      passed: true,
      explanation: { en: 'No reply came back.', 'zh-CN': '没有回包。' }
    })
    expect(gradeLesson(lessons[0].id, 0).passed).toBe(false)
  })

  it('is keyed by the content hash: the same file elsewhere is the same lesson, an edited one a new one', () => {
    writeFileSync(join(folder, 'friday.yaml'), scenario('friday', LESSON))
    const first = own()[0].id
    copyFileSync(join(folder, 'friday.yaml'), join(folder, 'copy.yaml'))
    expect(own().map((l) => l.id)).toEqual([first]) // listed once
    rmSync(join(folder, 'friday.yaml'))
    expect(own().map((l) => l.id)).toEqual([first]) // moved: same progress
    rmSync(join(folder, 'copy.yaml'))
    writeFileSync(join(folder, 'friday.yaml'), scenario('friday', LESSON.replace('answer: 1', 'answer: 0')))
    expect(own()[0].id).not.toBe(first)
  })
})

describe('an exercise in a scenario file', () => {
  it('offers the fault among faults the engine does not report, and passes only on it', () => {
    writeFileSync(join(folder, 'friday.yaml'), scenario('friday', exercise('missing-masquerade', 'bridge')))
    const [ex] = own()
    expect(ex.id).toMatch(/^x-[0-9a-f]{16}-exercise$/)
    const choices = ex.check.choices.map((c) => c.en)
    const right = choices.indexOf('bridge: the MASQUERADE rule is missing')
    expect(right).toBeGreaterThanOrEqual(0)
    expect(choices.length).toBeGreaterThanOrEqual(3)
    expect(ex.check.choices[right]['zh-CN']).toBe('bridge：缺少 MASQUERADE 规则')
    expect(gradeLesson(ex.id, right).passed).toBe(true)
    for (let i = 0; i < choices.length; i++) if (i !== right) expect(gradeLesson(ex.id, i).passed).toBe(false)
  })

  it('is graded by the engine, not by the file: a fault the host does not have never passes', () => {
    writeFileSync(join(folder, 'wrong.yaml'), scenario('wrong', exercise('bridge-down', 'docker0')))
    const [ex] = own()
    const claimed = ex.check.choices.findIndex((c) => c.en === 'docker0: the bridge is down')
    expect(claimed).toBeGreaterThanOrEqual(0)
    expect(gradeLesson(ex.id, claimed).passed).toBe(false)
  })
})

describe('errors in a lesson or exercise keep file:line:column', () => {
  const errors = (text: string): string[] => {
    const r = parseScenarioText(text, 'x.yaml')
    return r.ok ? [] : r.errors.map(formatScenarioError)
  }
  it('an answer past the choices', () => {
    expect(errors(scenario('x', LESSON.replace('answer: 1', 'answer: 5')))).toEqual([
      'x.yaml:14:13: lesson.check.answer: answer 5 is not one of the 2 choices'
    ])
  })
  it('a check the diagnose engine does not have', () => {
    expect(errors(scenario('x', exercise('no-such-check', 'bridge')))).toEqual([
      'x.yaml:9:16: exercise.find[0].check: the diagnose engine has no check "no-such-check"'
    ])
  })
  it('a step on a view that does not exist', () => {
    expect(errors(scenario('x', LESSON.replace('view: nat', 'view: natt')))[0]).toMatch(
      /^x\.yaml:8:\d+: lesson\.steps\[0\]\.view: /
    )
  })
})
