import { describe, expect, it } from 'vitest'
import { command, parseHostArg } from '../../../src/main/cli/commands/capture'
import type { CliIo } from '../../../src/main/cli/command'

function io(): CliIo & { errText: () => string; outText: () => string } {
  const out: string[] = []
  const err: string[] = []
  return {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    signal: new AbortController().signal,
    outText: () => out.join('\n'),
    errText: () => err.join('\n')
  }
}

describe('netlens capture arguments', () => {
  it('maps HOST to a probe target', () => {
    expect(parseHostArg(undefined)).toEqual({ kind: 'local' })
    expect(parseHostArg('local')).toEqual({ kind: 'local' })
    expect(parseHostArg('web1')).toEqual({ kind: 'ssh', alias: 'web1' })
    expect(parseHostArg('ssh:ops@10.0.0.5')).toEqual({ kind: 'ssh', alias: 'ops@10.0.0.5' })
    expect(typeof parseHostArg('ssh:-oProxyCommand=x')).toBe('string')
    expect(typeof parseHostArg('a;b')).toBe('string')
  })

  it.each([[['--conntrack-max', 'abc']], [['--conntrack-max', '0']], [['a', 'b']], [['a;b']], [['--nope']], [['-o']]])(
    'rejects %j with exit code 2 before probing anything',
    async (argv) => {
      const t = io()
      expect(await command.run(argv, t)).toBe(2)
      expect(t.outText()).toBe('')
      expect(t.errText()).toMatch(/^netlens capture: /)
    }
  )
})
