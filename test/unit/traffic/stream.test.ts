import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { BOUNDARY, counterLoopScript, FrameParser, streamCommand } from '../../../src/main/traffic/stream'

const dev = 'Inter-| Receive\n face |bytes\n  eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n'
const devLines = dev.trimEnd().split('\n')
/** What the loop prints for one frame: `grep -H ''` of the uptime, the host's /proc/net/dev and each pid's. */
const frameText = (uptime: string | null, pids: number[] = [7]): string =>
  [
    `${BOUNDARY} begin`,
    ...(uptime === null ? [] : [`/proc/uptime:${uptime} 4242.42`]),
    ...devLines.map((l) => `/proc/net/dev:${l}`),
    ...pids.flatMap((p) => devLines.map((l) => `/proc/${p}/net/dev:${l}`)),
    `${BOUNDARY} end`,
    ''
  ].join('\n')

describe('FrameParser', () => {
  it('parses whole frames: the host and each container namespace, timed by the host uptime', () => {
    const parser = new FrameParser(() => 1_700_000_000_000)
    const first = parser.push(frameText('100.00', [7, 12]))
    expect(first).toEqual([
      {
        t: 1_700_000_000_000,
        dev: [
          { netns: 'host', text: dev },
          { netns: 'pid:7', text: dev },
          { netns: 'pid:12', text: dev }
        ]
      }
    ])
    // Later frames advance by the host's uptime, whatever the local clock says.
    expect(parser.push(frameText('101.25', [7]))[0].t).toBe(1_700_000_001_250)
  })

  it('assembles frames from arbitrary chunk boundaries (property)', () => {
    const text = frameText('1.0') + frameText('2.0', [7, 8]) + frameText('3.5', [])
    const whole = new FrameParser(() => 5_000).push(text)
    expect(whole).toHaveLength(3)
    expect(whole.map((f) => f.t)).toEqual([5_000, 6_000, 7_500])
    fc.assert(
      fc.property(fc.array(fc.nat(text.length), { maxLength: 20 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b)
        const parser = new FrameParser(() => 5_000)
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

  it('uses the local clock without an uptime line', () => {
    let now = 50_000
    const parser = new FrameParser(() => now)
    expect(parser.push(frameText(null, []))).toEqual([{ t: 50_000, dev: [{ netns: 'host', text: dev }] }])
    now = 51_000
    expect(parser.push(frameText(null, []))[0].t).toBe(51_000)
  })

  it('leaves a container whose process is gone out, and ignores lines it cannot place', () => {
    const text = frameText('10.0', [7]).replace(
      `${BOUNDARY} end`,
      `grep: /proc/9/net/dev: No such file or directory\n${BOUNDARY} end`
    )
    const [frame] = new FrameParser(() => 0).push(text)
    expect(frame.dev.map((d) => d.netns)).toEqual(['host', 'pid:7'])
  })

  it('ignores output before the first begin and unfinished frames', () => {
    const parser = new FrameParser()
    expect(parser.push('motd line\n/proc/net/dev:x\n' + `${BOUNDARY} begin\n/proc/uptime:1.00 2.00\n`)).toEqual([])
  })
})

/** The same frame as sed and awk print it: each file whole after a header (awk may add a blank line). */
const wholeFileFrame = (uptime: string | null, pids: number[] = [7], awkBlank = false): string =>
  [
    `${BOUNDARY} begin`,
    ...(uptime === null ? [] : [`${BOUNDARY} file /proc/uptime`, `${uptime} 4242.42`, ...(awkBlank ? [''] : [])]),
    `${BOUNDARY} file /proc/net/dev`,
    ...devLines,
    ...(awkBlank ? [''] : []),
    ...pids.flatMap((p) => [`${BOUNDARY} file /proc/${p}/net/dev`, ...devLines, ...(awkBlank ? [''] : [])]),
    `${BOUNDARY} end`,
    ''
  ].join('\n')

describe('FrameParser on whole files (sed, awk)', () => {
  it('reads the same frames as from per-line paths, whatever the chunks (property)', () => {
    const frameSpec = fc.record({
      uptime: fc.option(fc.integer({ min: 0, max: 10_000_000 }).map((n) => (n / 100).toFixed(2)), { nil: null }),
      pids: fc.uniqueArray(fc.integer({ min: 1, max: 4_194_304 }), { maxLength: 6 }),
      awkBlank: fc.boolean()
    })
    fc.assert(
      fc.property(fc.array(frameSpec, { minLength: 1, maxLength: 4 }), fc.array(fc.nat(), { maxLength: 12 }), (specs, cuts) => {
        const perLine = new FrameParser(() => 9_000).push(specs.map((f) => frameText(f.uptime, f.pids)).join(''))
        const text = specs.map((f) => wholeFileFrame(f.uptime, f.pids, f.awkBlank)).join('')
        const parser = new FrameParser(() => 9_000)
        const frames = []
        let last = 0
        for (const p of [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b)) {
          frames.push(...parser.push(text.slice(last, p)))
          last = p
        }
        frames.push(...parser.push(text.slice(last)))
        expect(frames).toEqual(perLine)
        expect(frames).toHaveLength(specs.length)
      })
    )
  })

  it('leaves out a container whose file is gone (a header with no lines) and files it does not read', () => {
    const text = wholeFileFrame('5.00', [7]).replace(
      `${BOUNDARY} end`,
      `${BOUNDARY} file /proc/9/net/dev\n${BOUNDARY} file /etc/passwd\nroot:x:0:0\n${BOUNDARY} end`
    )
    const [frame] = new FrameParser(() => 0).push(text)
    expect(frame.dev).toEqual([
      { netns: 'host', text: dev },
      { netns: 'pid:7', text: dev }
    ])
  })

  it('bounds the lines and namespaces of a hostile frame', async () => {
    const { MAX_STREAM_SECTION_LINES, MAX_STREAM_SECTIONS } = await import('../../../src/main/traffic/stream')
    const parser = new FrameParser()
    parser.push(`${BOUNDARY} begin\n${BOUNDARY} file /proc/net/dev\n`)
    parser.push('eth0: 1 2 3\n'.repeat(MAX_STREAM_SECTION_LINES + 500))
    let sections = ''
    for (let i = 0; i < MAX_STREAM_SECTIONS + 50; i++) sections += `${BOUNDARY} file /proc/${100_000 + i}/net/dev\nlo: 1\n`
    parser.push(sections)
    const [frame] = parser.push(`${BOUNDARY} end\n`)
    expect(frame.dev).toHaveLength(MAX_STREAM_SECTIONS)
    expect(frame.dev[0].text.split('\n').length - 1).toBe(MAX_STREAM_SECTION_LINES)
    // Lines after the end and before the next begin belong to no frame.
    expect(parser.push('eth9: 1\n' + wholeFileFrame('1.00', []))[0].dev).toEqual([{ netns: 'host', text: dev }])
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
    const script = counterLoopScript([
      { netns: 'pid:12', pid: 12 },
      { netns: 'pid:x', pid: Number.NaN },
      { netns: 'pid:-3', pid: -3 },
      { netns: 'pid:1.5', pid: 1.5 }
    ])
    expect(script).toContain("\nF='/proc/uptime /proc/net/dev /proc/12/net/dev'\n")
    expect(script.match(/\/proc\//g)).toHaveLength(3)
    expect(counterLoopScript([])).toContain("\nF='/proc/uptime /proc/net/dev'\n")
    // No process per container, and none per frame: sed (or awk and cat) start once, the ticks
    // come on stdin (no sleep).
    const many = counterLoopScript(Array.from({ length: 500 }, (_, i) => ({ netns: `pid:${i + 1}`, pid: i + 1 })))
    expect(many.match(/\/net\/dev/g)).toHaveLength(501)
    expect(many).not.toMatch(/sleep|system\(/)
    // One block: the shell reads all of it before running any, so no tick is read as script.
    expect(many.startsWith('{\n')).toBe(true)
    expect(many.endsWith('\n}\n')).toBe(true)
    // sed gets one argument per file: past a few thousand it could pass argv's limit, awk reads them.
    expect(many).toContain("if sed -u -n ''")
    const tooMany = Array.from({ length: 5000 }, (_, i) => ({ netns: `pid:${i + 1}`, pid: i + 1 }))
    expect(counterLoopScript(tooMany)).not.toMatch(/sed/)
  })

  it('is valid sh', async () => {
    const { spawnSync } = await import('node:child_process')
    const r = spawnSync('sh', ['-n'], { input: counterLoopScript([{ netns: 'pid:1', pid: 1 }]), encoding: 'utf8' })
    expect(r.status, r.stderr).toBe(0)
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
    expect(parser.push('tail of the junk line\n' + frameText('1.0'))).toHaveLength(1)
  })

  it('bounds the lines and namespaces one frame may hold', async () => {
    const { MAX_STREAM_SECTION_LINES, MAX_STREAM_SECTIONS } = await import('../../../src/main/traffic/stream')
    const parser = new FrameParser()
    parser.push(`${BOUNDARY} begin\n/proc/uptime:1.00 2.00\n`)
    parser.push('/proc/net/dev:eth0: 1 2 3\n'.repeat(MAX_STREAM_SECTION_LINES + 500))
    parser.push('/proc/7/net/dev:eth0: 1 2 3\n'.repeat(MAX_STREAM_SECTION_LINES + 500))
    let sections = ''
    for (let i = 0; i < MAX_STREAM_SECTIONS + 50; i++) sections += `/proc/${100_000 + i}/net/dev:lo: 1\n`
    parser.push(sections)
    const [frame] = parser.push(`${BOUNDARY} end\n`)
    expect(frame.dev).toHaveLength(MAX_STREAM_SECTIONS)
    expect(frame.dev[0].text.split('\n').length - 1).toBe(MAX_STREAM_SECTION_LINES)
    expect(frame.dev[1].text.split('\n').length - 1).toBe(MAX_STREAM_SECTION_LINES)
  })

  it('looks for the path of a line only at its start (a long line without a colon costs no search past it)', () => {
    const parser = new FrameParser(() => 0)
    const long = `/proc/${'9'.repeat(50)}/net/dev:eth0: 1\n`
    const [frame] = parser.push(frameText('1.0', []).replace(`${BOUNDARY} end`, `${long}/proc/nocolon\n${BOUNDARY} end`))
    expect(frame.dev.map((d) => d.netns)).toEqual(['host'])
  })
})
