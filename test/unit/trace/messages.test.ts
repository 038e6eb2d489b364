/**
 * The trace's message catalogue: every key in both languages, each rendering a sentence that reads
 * in its own language (Chinese with full-width punctuation around the host-derived words).
 */
import { describe, expect, it } from 'vitest'
import { TRACE_MESSAGES, traceMessage, type TraceMessageKey } from '../../../src/shared/trace/messages'
import { traceFlow } from '../../../src/shared/trace'
import { healthySnapshot } from '../../support/snapshot-builder'

/** Any parameter: a word when shown, a pair when a sentence quotes another one, a list of one. */
const WORD = 'P'
const anyParams = new Proxy(
  {},
  {
    get: (_target, name) => {
      if (name === 'others') return [WORD]
      if (name === 'chains') return [{ table: WORD, chain: WORD, hook: WORD, priority: 0 }]
      if (name === 'notes') return [{ en: WORD, 'zh-CN': WORD }]
      if (name === 'reason') return { en: WORD, 'zh-CN': WORD }
      if (name === 'verdict') return 'dropped'
      if (name === 'action') return 'ACCEPT'
      return WORD
    }
  }
)
const CJK = /[\u4e00-\u9fff]/
/** Sentences made only of other sentences (a reason and its notes): no words of their own. */
const JOINS_ONLY: TraceMessageKey[] = ['withNotes']

describe('trace messages', () => {
  it('has every key in both languages', () => {
    const en = Object.keys(TRACE_MESSAGES.en).sort()
    expect(en.length).toBeGreaterThan(60)
    expect(Object.keys(TRACE_MESSAGES['zh-CN']).sort()).toEqual(en)
  })

  it('renders each key as an English and a Chinese sentence', () => {
    for (const key of Object.keys(TRACE_MESSAGES.en) as TraceMessageKey[]) {
      const text = (traceMessage as (k: TraceMessageKey, p: unknown) => { en: string; 'zh-CN': string })(key, anyParams)
      expect(text.en, key).not.toMatch(CJK)
      if (!JOINS_ONLY.includes(key)) expect(text['zh-CN'], key).toMatch(CJK)
      // Chinese punctuation is full-width: no ASCII colon or comma followed by a space.
      expect(text['zh-CN'], key).not.toMatch(/[:,] /)
      expect(text.en, key).not.toContain('undefined')
      expect(text['zh-CN'], key).not.toContain('undefined')
    }
  })

  it('is what a trace says, in both languages', () => {
    const result = traceFlow(healthySnapshot(), 'nltmp-ll-multi', 'nltmp-ll-web:80/tcp')
    const delivered = traceMessage('deliveredToContainer', { container: 'nltmp-ll-web' })
    expect(result.verdict).toBe('delivered')
    expect(result.reason).toEqual(delivered)
    expect(result.hops.every((h) => CJK.test(h.description['zh-CN']) && !CJK.test(h.description.en))).toBe(true)
  })
})
