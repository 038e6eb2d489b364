/**
 * Soak: the real `netlens serve` process takes 2,000 malformed HTTP requests and WebSocket upgrades
 * of 50 shapes (no token, bad Host, broken escapes, bogus lengths, garbage frames after a valid
 * upgrade, …), then still answers a normal call. Needs no browser: only Node and the built renderer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureRendererBuilt } from './support/browser'
import { repoRoot } from './support/build-renderer'
import { rawRequest, requestHead, upgradeHeaders } from '../support/raw-http'

const ROUNDS = 40
let child: ChildProcess
let url: URL
let token: string
let stateDir: string
const stderr: string[] = []

beforeAll(async () => {
  await ensureRendererBuilt()
  stateDir = mkdtempSync(join(tmpdir(), 'netlens-soak-'))
  writeFileSync(join(stateDir, 'ssh_config'), '')
  child = spawn(process.execPath, [join(repoRoot, 'bin/netlens.mjs'), 'serve', '--port', '0'], {
    cwd: repoRoot,
    env: { ...process.env, XDG_CONFIG_HOME: stateDir, NETLENS_SSH_CONFIG: join(stateDir, 'ssh_config') },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  child.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()))
  const printed = await new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const match = /http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+/.exec(out)
      if (match) resolve(match[0])
    })
    child.once('exit', (code) =>
      reject(new Error(`netlens serve exited (${code}) before printing its URL: ${stderr.join('')}`))
    )
  })
  url = new URL(printed)
  token = url.searchParams.get('token')!
})

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  }
  rmSync(stateDir, { recursive: true, force: true })
})

/** A WebSocket frame from the client (masked), with any opcode and payload length field. */
function frame(
  opcode: number,
  payload: Buffer,
  opts: { fin?: boolean; masked?: boolean; lengthOverride?: number } = {}
): Buffer {
  const length = opts.lengthOverride ?? payload.length
  const head: number[] = [(opts.fin === false ? 0 : 0x80) | opcode]
  const maskBit = opts.masked === false ? 0 : 0x80
  if (length < 126) head.push(maskBit | length)
  else if (length < 65536) head.push(maskBit | 126, length >> 8, length & 255)
  else {
    head.push(maskBit | 127)
    const big = Buffer.alloc(8)
    big.writeBigUInt64BE(BigInt(length))
    head.push(...big)
  }
  const mask = opts.masked === false ? Buffer.alloc(0) : Buffer.from([1, 2, 3, 4])
  const body = Buffer.from(payload.map((b, i) => (opts.masked === false ? b : b ^ mask[i % 4])))
  return Buffer.concat([Buffer.from(head), mask, body])
}

function shapes(): { name: string; request: string | Buffer }[] {
  const host = url.host
  const ws = upgradeHeaders(host)
  const valid = (extra: Buffer): Buffer =>
    Buffer.concat([Buffer.from(requestHead('GET', `/api/events?token=${token}`, ws)), extra])
  const call = (headers: Record<string, string>, body = ''): string =>
    requestHead('POST', '/api/call/listHosts', { Host: host, 'x-netlens-token': token, ...headers }) + body
  const list: { name: string; request: string | Buffer }[] = [
    // HTTP: request line and target
    { name: 'garbage bytes', request: Buffer.from([0, 1, 2, 255, 13, 10, 13, 10]) },
    { name: 'no method', request: ' / HTTP/1.1\r\n\r\n' },
    { name: 'HTTP/0.9', request: 'GET /\r\n\r\n' },
    { name: 'HTTP/9.9', request: `GET / HTTP/9.9\r\nHost: ${host}\r\n\r\n` },
    { name: 'absolute-form target', request: requestHead('GET', 'http://[/', { Host: host }) },
    { name: 'asterisk target', request: requestHead('OPTIONS', '*', { Host: host }) },
    { name: 'scheme-relative target', request: requestHead('GET', '//evil.example/x', { Host: host }) },
    { name: 'broken escape', request: requestHead('GET', '/%E0%A4%A', { Host: host }) },
    { name: 'broken escape with token', request: requestHead('GET', `/%E0%A4%A?token=${token}`, { Host: host }) },
    { name: 'percent NUL', request: requestHead('GET', `/index.html%00?token=${token}`, { Host: host }) },
    { name: 'traversal', request: requestHead('GET', `/..%2f..%2f..%2fetc%2fpasswd?token=${token}`, { Host: host }) },
    {
      name: 'backslash traversal',
      request: requestHead('GET', `/..%5c..%5cetc%5cpasswd?token=${token}`, { Host: host })
    },
    { name: 'very long target', request: requestHead('GET', '/' + 'a'.repeat(20_000), { Host: host }) },
    { name: 'oversized header', request: requestHead('GET', '/', { Host: host, 'x-big': 'b'.repeat(70_000) }) },
    // HTTP: Host and Origin
    { name: 'Host [', request: requestHead('GET', '/', { Host: '[' }) },
    { name: 'no Host', request: 'GET / HTTP/1.1\r\nConnection: close\r\n\r\n' },
    { name: 'two Hosts', request: requestHead('GET', '/', { Host: host, host: 'evil.example' }) },
    { name: 'foreign Origin', request: call({ Origin: 'http://evil.example' }, '{}') },
    { name: 'null Origin', request: call({ Origin: 'null' }, '{}') },
    // HTTP: calls and bodies
    { name: 'call without token', request: requestHead('POST', '/api/call/listHosts', { Host: host }) },
    {
      name: 'call with GET',
      request: requestHead('GET', '/api/call/listHosts', { Host: host, 'x-netlens-token': token })
    },
    { name: 'unknown call', request: call({}, '{}').replace('listHosts', '__proto__') },
    {
      name: 'escape in call name',
      request: requestHead('POST', '/api/call/%E0%A4%A', { Host: host, 'x-netlens-token': token })
    },
    { name: 'bad JSON', request: call({ 'content-length': '5' }, '{"a":') },
    { name: 'JSON proto pollution', request: call({ 'content-length': '31' }, '{"__proto__":{"polluted":true}}') },
    { name: 'wrong argument types', request: call({ 'content-length': '13' }, '{"hostId":5} ') },
    { name: 'huge Content-Length', request: call({ 'content-length': String(2 ** 40) }) },
    { name: 'negative Content-Length', request: call({ 'content-length': '-1' }) },
    { name: 'letters in Content-Length', request: call({ 'content-length': '1e3' }, '{}') },
    { name: 'two Content-Lengths', request: call({ 'content-length': '2', 'Content-Length': '3' }, '{}') },
    { name: 'body shorter than its length', request: call({ 'content-length': '100' }, '{}') },
    { name: 'chunked garbage', request: call({ 'transfer-encoding': 'chunked' }, 'zz\r\nhello\r\n0\r\n\r\n') },
    {
      name: 'chunked and length',
      request: call({ 'transfer-encoding': 'chunked', 'content-length': '4' }, '2\r\n{}\r\n0\r\n\r\n')
    },
    {
      name: 'body on GET',
      request: requestHead('GET', `/?token=${token}`, { Host: host, 'content-length': '3' }) + 'abc'
    },
    { name: 'CR injection in header', request: `GET / HTTP/1.1\r\nHost: ${host}\rX-Injected: 1\r\n\r\n` },
    // WebSocket upgrades refused before the handshake
    { name: 'upgrade Host [', request: requestHead('GET', '/api/events', upgradeHeaders('[')) },
    { name: 'upgrade absolute target', request: requestHead('GET', 'http://[/', ws) },
    { name: 'upgrade no token', request: requestHead('GET', '/api/events', ws) },
    { name: 'upgrade wrong token', request: requestHead('GET', '/api/events?token=00', ws) },
    { name: 'upgrade broken escape', request: requestHead('GET', '/api/events?token=%E0%A4%A', ws) },
    { name: 'upgrade other path', request: requestHead('GET', `/api/other?token=${token}`, ws) },
    {
      name: 'upgrade foreign Origin',
      request: requestHead('GET', `/api/events?token=${token}`, { ...ws, Origin: 'http://evil.example' })
    },
    {
      name: 'upgrade bad version',
      request: requestHead('GET', `/api/events?token=${token}`, { ...ws, 'Sec-WebSocket-Version': '99' })
    },
    {
      name: 'upgrade no key',
      request: requestHead('GET', `/api/events?token=${token}`, { ...ws, 'Sec-WebSocket-Key': '' })
    },
    {
      name: 'h2c upgrade',
      request: requestHead('GET', '/', {
        Host: host,
        Connection: 'Upgrade, HTTP2-Settings',
        Upgrade: 'h2c',
        'HTTP2-Settings': 'AAMAAABkAARAAAAAAAIAAAAA'
      })
    },
    // A valid upgrade, then frames that break the protocol
    { name: 'unmasked frame', request: valid(frame(1, Buffer.from('hi'), { masked: false })) },
    { name: 'reserved opcode', request: valid(frame(3, Buffer.from('x'))) },
    { name: 'invalid UTF-8 text', request: valid(frame(1, Buffer.from([0xff, 0xfe]))) },
    { name: 'payload above maxPayload', request: valid(frame(2, Buffer.alloc(16), { lengthOverride: 2 ** 40 })) },
    { name: 'fragmented control frame', request: valid(frame(9, Buffer.from('ping'), { fin: false })) }
  ]
  return list
}

describe('netlens serve soak', () => {
  it(`survives ${ROUNDS * 50} malformed requests and upgrades of 50 shapes, then still answers`, async () => {
    const list = shapes()
    expect(list).toHaveLength(50)
    const statuses = new Map<string, Set<number | null>>()
    for (let round = 0; round < ROUNDS; round++) {
      const responses = await Promise.all(
        list.map((shape) => rawRequest(Number(url.port), shape.request, { halfClose: true }))
      )
      responses.forEach((response, i) => {
        const seen = statuses.get(list[i].name) ?? new Set()
        seen.add(response.status)
        statuses.set(list[i].name, seen)
        // Nothing a request does may echo the token back (the static cookie is a different key).
        expect(response.text.includes(token), list[i].name).toBe(false)
      })
      expect(child.exitCode, `netlens serve died in round ${round}: ${stderr.join('')}`).toBeNull()
    }
    // No malformed request gets a 5xx: each is refused for what it is.
    for (const [name, seen] of statuses) {
      for (const status of seen) expect(status === null || status < 500, `${name} → ${status}`).toBe(true)
    }
    const answer = await fetch(new URL('/api/call/listHosts', url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-netlens-token': token },
      body: '{}'
    })
    expect(answer.status).toBe(200)
    expect(((await answer.json()) as { ok: boolean }).ok).toBe(true)
    expect((await fetch(url)).status).toBe(200)
    expect(stderr.join('')).not.toMatch(/still serving/)
  })
})
