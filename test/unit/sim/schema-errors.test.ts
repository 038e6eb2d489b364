import { describe, expect, it } from 'vitest'
import { parseScenarioText } from '../../../src/main/sim/load'

const valid = `id: t1
title: { en: T, zh-CN: 测 }
description: { en: D, zh-CN: 述 }
hosts:
  - name: h1
    nics:
      - { name: eth0, addresses: [10.1.0.2/24] }
    containers:
      - { name: a, image: busybox }
`

function errorsOf(text: string): { line: number; column: number; path: string; message: string }[] {
  const r = parseScenarioText(text, 'x.yaml')
  if (r.ok) throw new Error('expected errors')
  return r.errors
}

describe('scenario schema errors carry file, line and column', () => {
  it('accepts a valid scenario', () => {
    const r = parseScenarioText(valid, 'x.yaml')
    expect(r.ok).toBe(true)
  })

  it('points at a wrongly typed nested value', () => {
    const text = valid.replace(
      '{ name: eth0, addresses: [10.1.0.2/24] }',
      '{ name: eth0, addresses: [10.1.0.2/24], mtu: big }'
    )
    const [e] = errorsOf(text)
    expect(e.path).toBe('hosts[0].nics[0].mtu')
    expect(e.line).toBe(7)
    expect(e.column).toBe(text.split('\n')[6].indexOf('big') + 1)
  })

  it('points at an unknown key itself', () => {
    const text = valid.replace('    containers:', '    contianers:\n      - { name: b }\n    containers:')
    const errs = errorsOf(text)
    const e = errs.find((x) => x.path === 'hosts[0].contianers')!
    expect(e).toBeDefined()
    expect(e.line).toBe(8)
    expect(e.column).toBe(5)
  })

  it('points at a bad address inside a list', () => {
    const text = valid.replace('[10.1.0.2/24]', '[10.1.0.2/24, 10.1.0.300]')
    const [e] = errorsOf(text)
    expect(e.path).toBe('hosts[0].nics[0].addresses[1]')
    expect(e.line).toBe(7)
    expect(e.column).toBe(text.split('\n')[6].indexOf('10.1.0.300') + 1)
  })

  it('refuses an address octet past 255 and a prefix past 32 (the simulator never computes with them)', () => {
    for (const [bad, path] of [
      ['10.1.0.2/33', 'hosts[0].nics[0].addresses[0]'],
      ['10.1.300.2/24', 'hosts[0].nics[0].addresses[0]']
    ]) {
      const [e] = errorsOf(valid.replace('10.1.0.2/24', bad))
      expect(e.path, bad).toBe(path)
      expect(e.message, bad).toMatch(/IPv4 CIDR/)
    }
    const [gateway] = errorsOf(
      valid.replace(
        '{ name: a, image: busybox }',
        '{ name: a, image: busybox }\n    networks:\n      - { name: n1, subnet: 10.5.0.0/16, gateway: 10.5.0.256 }'
      )
    )
    expect(gateway.message).toMatch(/IPv4 address/)
  })

  it('reports a reference to a missing container at the flow field', () => {
    const text = valid + '    flows:\n      - { from: ghost, to: 203.0.113.1, proto: icmp, rate: 1pkt/s }\n'
    const [e] = errorsOf(text)
    expect(e.path).toBe('hosts[0].flows[0].from')
    expect(e.message).toMatch(/ghost/)
    expect(e.line).toBe(11)
    expect(e.column).toBe(text.split('\n')[10].indexOf('ghost') + 1)
  })

  it('reports container: mode pointing nowhere', () => {
    const text = valid.replace('{ name: a, image: busybox }', '{ name: a, image: busybox, mode: "container:nobody" }')
    const [e] = errorsOf(text)
    expect(e.path).toBe('hosts[0].containers[0].mode')
    expect(e.line).toBe(9)
  })

  it('reports YAML syntax errors with their position', () => {
    const text = 'id: t1\ntitle: { en: T\nhosts: []\n'
    const [e] = errorsOf(text)
    expect(e.line).toBeGreaterThanOrEqual(2)
    expect(e.column).toBeGreaterThan(0)
  })

  it('reports a missing required key at its parent', () => {
    const text = valid.replace(
      '      - { name: eth0, addresses: [10.1.0.2/24] }\n',
      '      - { addresses: [10.1.0.2/24] }\n'
    )
    const [e] = errorsOf(text)
    expect(e.path).toBe('hosts[0].nics[0].name')
    expect(e.line).toBe(7)
    expect(e.column).toBe(9)
  })
})

describe('hostile scenario files', () => {
  it('an alias bomb is an error result, not a throw', async () => {
    const { hostileFile } = await import('../../support/hostile-corpus')
    const bomb = hostileFile('alias-bomb.yaml')
    let result: ReturnType<typeof parseScenarioText> | undefined
    expect(() => (result = parseScenarioText(bomb.text(), bomb.name))).not.toThrow()
    expect(result?.ok).toBe(false)
    if (result && !result.ok) expect(result.errors[0].message).toMatch(/alias/i)
  })
})

describe('scenario files that would exhaust the parser', () => {
  it.each([
    ['a flow sequence', 'x: ' + '['.repeat(100_000)],
    ['flow mappings after text', 'id: x\nhosts: ' + '{a: '.repeat(5_000)],
    ['brackets over several lines', 'x:\n' + '[\n'.repeat(2_000)]
  ])('refuses %s nested thousands deep before yaml compiles it (yaml aborts the process on it)', (_label, text) => {
    expect(parseScenarioText(text, 'deep.yaml')).toMatchObject({ ok: false, errors: [{ message: expect.stringMatching(/nested more than/) }] })
  })

  it('still reads brackets that close, however many', () => {
    const result = parseScenarioText('x: ' + '[1], '.repeat(3_000) + '\n', 'flat.yaml')
    expect(result.ok).toBe(false)
    if (!result.ok) for (const error of result.errors) expect(error.message).not.toMatch(/nested more than/)
  })

  it('refuses a line nested 50,000 levels deep before yaml sees it (yaml aborts the process on it)', () => {
    const result = parseScenarioText('id: x\nhosts:\n' + '- '.repeat(50_000) + 'x\n', 'deep.yaml')
    expect(result).toMatchObject({
      ok: false,
      errors: [{ line: 3, message: expect.stringMatching(/nested more than/) }]
    })
  })

  it('refuses a file over 1 MB', () => {
    const result = parseScenarioText('# ' + 'x'.repeat(1024 * 1024) + '\n', 'big.yaml')
    expect(result).toMatchObject({ ok: false, errors: [{ message: expect.stringMatching(/too large/) }] })
  })
})
