/**
 * 简体中文 consistency: one term per concept, full-width colons in Chinese text, nothing left in
 * English. Checked on the UI catalogue (every key), and on the Chinese the backend produces: lesson
 * texts, scenario titles, diagnose findings and packet traces of every training scenario.
 */
import { describe, expect, it } from 'vitest'
import { en } from '../../../src/renderer/src/i18n/locales/en'
import { zhCN } from '../../../src/renderer/src/i18n/locales/zh-CN'
import { listLessons, listScenarios, renderScenarioCapture } from '../../../src/main/sim/index'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'
import { diagnoseReport } from '../../../src/shared/diagnose/index'
import { traceFlow } from '../../../src/shared/trace/index'
import type { Localized } from '../../../src/shared/api/types'
import { leaves } from '../../support/catalogue'
import { readFixture } from '../../support/fixtures'
import { parseCaptureText } from '../../../src/main/capture/capture-file'

/** Alternate words for a concept that has one name in NetLens (the right one after the arrow). */
const BANNED: [RegExp, string][] = [
  [/名称空间|名字空间|网络名空间/, '命名空间'],
  [/虚拟化网络/, '虚拟网络'],
  [/网络地址转换表/, '地址转换'],
  [/容器组网/, '容器网络'],
  // Taking a snapshot of a host is 采集 everywhere (抓包 is packet capture, another thing).
  [/抓取/, '采集']
]

/** A half-width colon touching a Chinese character: `状态:运行` should be `状态：运行`. */
const HALF_WIDTH_COLON = /\p{Script=Han}:|:\p{Script=Han}/u

/**
 * Keys whose Chinese may equal the English: proper nouns, commands and units that stay as they are
 * in Chinese ops writing. Anything else equal to the English was not translated.
 */
const SAME_AS_ENGLISH = new Set([
  'app.name',
  'hosts.sudo',
  'topology.exportPng',
  'topology.exportSvg',
  'topology.kinds.vxlan',
  'topology.legend.vxlan',
  'trace.kinds.veth',
  'trace.kinds.netfilter',
  'details.mac',
  'details.mtu',
  'details.vni',
  'details.stp',
  'nat.position',
  'nat.proxy',
  'nat.natKinds.SNAT',
  'nat.natKinds.DNAT',
  'nat.natKinds.SNAT+DNAT',
  'fleet.columns.docker',
  'fleet.columns.iptables'
])
/** Keys where a half-width colon is syntax the user types (`IP:port`), not punctuation. */
const COLON_IS_SYNTAX = new Set(['trace.toHint'])

function styleProblems(text: string, colonIsSyntax = false): string[] {
  const out: string[] = []
  for (const [pattern, right] of BANNED) if (pattern.test(text)) out.push(`uses ${pattern.source} instead of ${right}`)
  if (!colonIsSyntax && HALF_WIDTH_COLON.test(text)) out.push('half-width colon in Chinese text')
  return out
}

describe('the zh-CN catalogue', () => {
  const zh = leaves(zhCN)
  const english = leaves(en)

  it('uses one term per concept and full-width colons', () => {
    const problems = [...zh].flatMap(([key, text]) =>
      styleProblems(text, COLON_IS_SYNTAX.has(key)).map((p) => `${key}: ${p} (${text})`)
    )
    expect(problems).toEqual([])
  })

  it('translates every string except the listed proper nouns', () => {
    const untranslated = [...zh].filter(([key, text]) => text === english.get(key) && !SAME_AS_ENGLISH.has(key))
    expect(untranslated.map(([key, text]) => `${key}: ${text}`)).toEqual([])
  })

  it('has no English sentence left: every string with three or more Latin words also has Chinese', () => {
    const english3 = /[A-Za-z]{2,}\s+[A-Za-z]{2,}\s+[A-Za-z]{2,}/
    const leftovers = [...zh].filter(([, text]) => english3.test(text) && !/\p{Script=Han}/u.test(text))
    expect(leftovers.map(([key, text]) => `${key}: ${text}`)).toEqual([])
  })

  it('catches what it is meant to catch', () => {
    expect(styleProblems('与 web 共用网络名称空间')).toHaveLength(1)
    expect(styleProblems('状态:运行中')).toEqual(['half-width colon in Chinese text'])
    expect(styleProblems('状态：运行中')).toEqual([])
    expect(styleProblems('IP:端口', true)).toEqual([])
  })
})

describe('Chinese produced by the backend', () => {
  const zhOf = (texts: (Localized | null | undefined)[]): string[] =>
    texts.filter((t): t is Localized => !!t).map((t) => t['zh-CN'])

  it('lessons and scenario titles use the same terms and punctuation', () => {
    const texts = [
      ...listScenarios().flatMap((s) => zhOf([s.title, s.description])),
      ...listLessons().flatMap((l) =>
        zhOf([l.title, l.summary, ...l.steps.map((s) => s.text), l.check.question, ...l.check.choices])
      )
    ]
    expect(texts.length).toBeGreaterThan(20)
    const problems = texts.flatMap((text) => styleProblems(text).map((p) => `${p}: ${text}`))
    expect(problems).toEqual([])
  })

  it.each(listScenarios().map((s) => s.id))('%s: findings and traces use the same terms and punctuation', (id) => {
    const capture = renderScenarioCapture(id)
    if (!capture.ok) throw new Error(capture.error.message)
    const snapshot = buildSnapshot(capture.value)
    const report = diagnoseReport(snapshot)
    const texts = [
      ...report.findings.flatMap((f) => zhOf([f.title, f.explanation])),
      ...report.notChecked.flatMap((n) => zhOf([n.reason, n.remedy]))
    ]
    const names = snapshot.containers.filter((c) => c.interfaces.length).map((c) => c.name).slice(0, 4)
    for (const from of names)
      for (const to of [...names.filter((n) => n !== from), '203.0.113.10:443']) {
        const trace = traceFlow(snapshot, from, to)
        texts.push(...zhOf([trace.reason, ...[...trace.hops, ...trace.reply].map((h) => h.description)]))
      }
    const problems = texts.flatMap((text) => styleProblems(text).map((p) => `${p}: ${text}`))
    expect(problems).toEqual([])
  })
})

describe('Chinese of a capture without root', () => {
  it('says what could not be checked in the same terms and punctuation', () => {
    const parsed = parseCaptureText(readFixture('capture/debian-12-docker-20.10/probe--nonroot-lab.cap'))
    if (!parsed.ok) throw new Error(parsed.error.message)
    const report = diagnoseReport(buildSnapshot(parsed.value))
    expect(report.notChecked.length).toBeGreaterThan(0)
    const texts = report.notChecked.flatMap((n) => [n.reason, n.remedy]).filter((t): t is Localized => !!t).map((t) => t['zh-CN'])
    const problems = texts.flatMap((text) => styleProblems(text).map((p) => `${p}: ${text}`))
    expect(problems).toEqual([])
  })
})
