import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { BOUNDARY, counterLoopScript, FrameParser, streamCommand } from '../../../src/main/traffic/stream'

const dev = 'Inter-| Receive\n face |bytes\n  eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n'
const frameText = (date: string, uptime: string, pids: number[] = [7]): string =>
  [
    `${BOUNDARY} begin ${date} ${uptime}`,
    `${BOUNDARY} dev host`,
    dev.trimEnd(),
    ...pids.flatMap((p) => [`${BOUNDARY} dev pid:${p}`, dev.trimEnd()]),
    `${BOUNDARY} gone pid:99`,
    `${BOUNDARY} end`,
    ''
  ].join('\n')

describe('FrameParser', () => {
  it('parses whole frames with nanosecond timestamps', () => {
    const frames = new FrameParser().push(frameText('1700000000123456789', '100.00'))
    expect(frames).toEqual([
      {
        t: 1700000000123,
        dev: [
          { netns: 'host', text: dev.split('\n').slice(0, 3).join('\n') + '\n' },
          { netns: 'pid:7', text: dev.split('\n').slice(0, 3).join('\n') + '\n' }
        ]
      }
    ])
  })

  it('assembles frames from arbitrary chunk boundaries (property)', () => {
    const text = frameText('1700000000123456789', '1.0') + frameText('1700000001123456789', '2.0', [7, 8])
    const whole = new FrameParser().push(text)
    expect(whole).toHaveLength(2)
    fc.assert(
      fc.property(fc.array(fc.nat(text.length), { maxLength: 20 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b)
        const parser = new FrameParser()
        const frames = []
        let last = 0
        for (const p of [...points, text.length]) {
          frames.push(...parser.push(text.slice(last, p)))
          last = p
        }
        expect(frames).toEqual(whole)
      })
    )
  })

  it('falls back to /proc/uptime deltas when date has no %N', () => {
    const parser = new FrameParser(() => 50_000)
    const a = parser.push(frameText('1700000000N', '100.25'))
    const b = parser.push(frameText('1700000001N', '101.75'))
    expect(b[0].t - a[0].t).toBe(1_500)
  })

  it('ignores output before the first begin and unfinished frames', () => {
    const parser = new FrameParser()
    expect(parser.push('motd line\n' + `${BOUNDARY} begin 1700000000123456789 1\n${BOUNDARY} dev host\n`)).toEqual([])
  })
})

describe('counter loop command', () => {
  it('runs locally as sh -s and over ssh with the probe transport options', () => {
    expect(streamCommand({ kind: 'local' })).toEqual({ file: 'sh', args: ['-s'] })
    expect(streamCommand({ kind: 'local' }, true)).toEqual({ file: 'sudo', args: ['-n', 'sh', '-s'] })
    const ssh = streamCommand({ kind: 'ssh', alias: 'lab-host', configFile: '/tmp/cfg' })
    expect(ssh.file).toBe('ssh')
    expect(ssh.args).toContain('BatchMode=yes')
    expect(ssh.args.join(' ')).not.toMatch(/StrictHostKeyChecking|UserKnownHostsFile/)
    expect(ssh.args.slice(-5)).toEqual(['-F', '/tmp/cfg', '--', 'lab-host', 'sh -s'])
  })

  it('refuses aliases that ssh would read as options or a shell would expand', () => {
    for (const alias of ['-oProxyCommand=x', 'a b', 'h;rm', '$(x)', '']) {
      expect(() => streamCommand({ kind: 'ssh', alias })).toThrow(/invalid ssh host alias/)
    }
  })

  it('substitutes only validated numbers into the script', () => {
    const script = counterLoopScript(0.1, [
      { netns: 'pid:12', pid: 12 },
      { netns: 'pid:x', pid: Number.NaN },
      { netns: 'pid:-3', pid: -3 }
    ])
    expect(script).toContain('for p in 12; do')
    expect(script).toContain('sleep 0.5 ||')
    expect(counterLoopScript(99, [])).toContain('sleep 10 ||')
    expect(counterLoopScript(2.5, [])).toContain('sleep 2.5 ||')
    expect(counterLoopScript(1, [])).not.toContain('for p in')
  })
})

describe('FrameParser against a hostile host', () => {
  it('keeps no more than one bounded line while a host streams without newlines, then reads frames again', async () => {
    const { MAX_STREAM_LINE_CHARS } = await import('../../../src/main/traffic/stream')
    const parser = new FrameParser()
    const junk = 'x'.repeat(1024 * 1024)
    for (let i = 0; i < 8; i++) expect(parser.push(junk)).toEqual([])
    expect((parser as unknown as { buffer: string }).buffer.length).toBeLessThanOrEqual(MAX_STREAM_LINE_CHARS)
    // The rest of the over-long line is skipped up to its newline; the next frame parses.
    expect(parser.push('tail of the junk line\n' + frameText('1700000000123456789', '1.0'))).toHaveLength(1)
  })

  it('bounds the lines and namespaces one frame may hold', async () => {
    const { MAX_STREAM_SECTION_LINES, MAX_STREAM_SECTIONS } = await import('../../../src/main/traffic/stream')
    const parser = new FrameParser()
    parser.push(`${BOUNDARY} begin 1700000000123456789 1\n${BOUNDARY} dev host\n`)
    const many = 'eth0: 1 2 3\n'.repeat(MAX_STREAM_SECTION_LINES + 500)
    parser.push(many)
    let sections = ''
    for (let i = 0; i < MAX_STREAM_SECTIONS + 50; i++) sections += `${BOUNDARY} dev pid:${i}\n`
    parser.push(sections)
    const [frame] = parser.push(`${BOUNDARY} end\n`)
    expect(frame.dev).toHaveLength(MAX_STREAM_SECTIONS)
    expect(frame.dev[0].text.split('\n').length - 1).toBe(MAX_STREAM_SECTION_LINES)
  })
})
