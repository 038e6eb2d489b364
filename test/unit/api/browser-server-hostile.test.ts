/**
 * Browser mode against requests an attacker (any page on another 127.0.0.1 port, or a local
 * process) can send without the token: none of them may end the server, leak the token or a path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startBrowserServer, type BrowserServer } from '../../../src/main/server/browser-server'
import { createBackend, type Backend } from '../../../src/main/service/backend'
import { fakeDeps } from '../../support/fake-deps'
import { rawRequest, requestHead, upgradeHeaders } from '../../support/raw-http'

let server: BrowserServer
let dir: string
let outside: string
const backend = createBackend(fakeDeps(), 'browser')
let host: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'netlens-static-'))
  outside = mkdtempSync(join(tmpdir(), 'netlens-outside-'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>NetLens</title>')
  mkdirSync(join(dir, 'assets'))
  writeFileSync(join(dir, 'assets', 'app.js'), 'export {}')
  writeFileSync(join(outside, 'secret.txt'), 'TOP-SECRET')
  symlinkSync(join(outside, 'secret.txt'), join(dir, 'assets', 'link.js'))
  symlinkSync(outside, join(dir, 'linked-dir'))
  symlinkSync(join(dir, 'assets', 'app.js'), join(dir, 'assets', 'inner-link.js'))
  server = await startBrowserServer({ backend, staticDir: dir, maxBodyBytes: 1024 })
  host = `127.0.0.1:${server.port}`
})
afterAll(async () => {
  await server.close()
  rmSync(dir, { recursive: true, force: true })
  rmSync(outside, { recursive: true, force: true })
})

/** The server still answers an ordinary authorised call. */
async function stillServing(): Promise<void> {
  const answer = await fetch(`http://${host}/api/call/listHosts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-netlens-token': server.token },
    body: '{}'
  })
  expect(answer.status).toBe(200)
}

describe('browser server: malformed requests get 4xx and never end the process', () => {
  it.each([
    ['Host "["', '/api/events?token=x', '['],
    ['Host "[::1"', '/api/events', '[::1'],
    ['absolute-form target http://[/', 'http://[/', host],
    ['absolute-form target to another host', 'http://evil.example/api/events', host],
    ['target without a leading slash', '*', host]
  ])('WebSocket upgrade with %s', async (_label, target, hostHeader) => {
    const hostValue = hostHeader === host ? host : hostHeader
    const response = await rawRequest(server.port, requestHead('GET', target, upgradeHeaders(hostValue)))
    expect(response.status).toBeGreaterThanOrEqual(400)
    expect(response.status).toBeLessThan(500)
    await stillServing()
  })

  it('answers 400 to a malformed percent escape in a static path, with or without the token', async () => {
    for (const path of ['/%E0%A4%A', `/%E0%A4%A?token=${server.token}`, `/assets/%ZZ.js?token=${server.token}`]) {
      const response = await rawRequest(server.port, requestHead('GET', path, { Host: host }))
      expect([400, 401]).toContain(response.status)
    }
    const authorised = await rawRequest(
      server.port,
      requestHead('GET', `/%E0%A4%A?token=${server.token}`, { Host: host })
    )
    expect(authorised.status).toBe(400)
    await stillServing()
  })

  it('answers 400 to a NUL byte in a static path', async () => {
    const response = await rawRequest(
      server.port,
      requestHead('GET', `/assets/app.js%00.html?token=${server.token}`, { Host: host })
    )
    expect(response.status).toBe(400)
    await stillServing()
  })

  it('a backend that throws (sync or async) answers 500 and the server keeps serving', async () => {
    const throwing: Backend = {
      ...backend,
      call: () => {
        throw new Error('boom')
      }
    }
    const rejecting: Backend = { ...backend, call: () => Promise.reject(new Error('boom')) }
    for (const bad of [throwing, rejecting]) {
      const other = await startBrowserServer({ backend: bad, staticDir: dir })
      try {
        const answer = await fetch(`http://127.0.0.1:${other.port}/api/call/listHosts`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-netlens-token': other.token },
          body: '{}'
        })
        expect(answer.status).toBe(500)
        const again = await fetch(other.url)
        expect(again.status).toBe(200)
      } finally {
        await other.close()
      }
    }
  })
})

describe('browser server: the static cookie is not the API token', () => {
  it('sets a cookie that authorises static files only and differs from the token', async () => {
    const first = await fetch(server.url)
    const cookie = first.headers.get('set-cookie')!.split(';')[0]
    const value = cookie.split('=')[1]
    expect(value).not.toBe(server.token)
    expect(value).not.toContain(server.token)
    expect((await fetch(`http://${host}/`, { headers: { cookie } })).status).toBe(200)
    const withCookieAsToken = await fetch(`http://${host}/api/call/listHosts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-netlens-token': value, cookie },
      body: '{}'
    })
    expect(withCookieAsToken.status).toBe(401)
    const ws = await rawRequest(
      server.port,
      requestHead('GET', `/api/events?token=${value}`, { ...upgradeHeaders(host), cookie }),
      {
        untilHead: true
      }
    )
    expect(ws.status).toBe(401)
  })
})

describe('browser server: request bodies', () => {
  it('refuses a declared Content-Length above the limit with 413 before reading the body', async () => {
    const head = requestHead('POST', '/api/call/listHosts', {
      Host: host,
      'x-netlens-token': server.token,
      'content-type': 'application/json',
      'content-length': String(600 * 1024 * 1024)
    })
    // Only the head is sent: a server that waited for 600 MB would never answer.
    const response = await rawRequest(server.port, head)
    expect(response.status).toBe(413)
    await stillServing()
  })

  it('refuses a chunked body that grows past the limit with 413', async () => {
    const chunk = 'x'.repeat(600)
    const body = [chunk, chunk, chunk].map((c) => `${c.length.toString(16)}\r\n${c}\r\n`).join('') + '0\r\n\r\n'
    const head = requestHead('POST', '/api/call/listHosts', {
      Host: host,
      'x-netlens-token': server.token,
      'content-type': 'application/json',
      'transfer-encoding': 'chunked'
    })
    const response = await rawRequest(server.port, head + body)
    expect(response.status).toBe(413)
    await stillServing()
  })

  it('refuses a non-numeric Content-Length', async () => {
    const head = requestHead('POST', '/api/call/listHosts', {
      Host: host,
      'x-netlens-token': server.token,
      'content-length': '12abc'
    })
    const response = await rawRequest(server.port, head + '{}')
    expect(response.status).toBe(400)
    await stillServing()
  })
})

describe('browser server: static files', () => {
  const get = (path: string): Promise<Response> =>
    fetch(`http://${host}${path}${path.includes('?') ? '&' : '?'}token=${server.token}`)

  it('serves real files', async () => {
    const response = await get('/assets/app.js')
    expect(response.status).toBe(200)
  })

  it('never follows a symlink, even one that stays inside the root', async () => {
    for (const path of ['/assets/link.js', '/linked-dir/secret.txt', '/assets/inner-link.js']) {
      const response = await get(path)
      expect(await response.text()).not.toContain('TOP-SECRET')
      expect(response.status).toBe(404)
    }
  })

  it('does not reveal an absolute path when the renderer is missing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'netlens-empty-'))
    const other = await startBrowserServer({ backend, staticDir: join(empty, 'not-built') })
    try {
      const response = await fetch(other.url)
      expect(response.status).toBe(503)
      const text = await response.text()
      expect(text).not.toContain(empty)
      expect(text).not.toMatch(/\/(tmp|home|root|work)\//)
    } finally {
      await other.close()
      rmSync(empty, { recursive: true, force: true })
    }
  })
})

describe('netlens serve: last resort', () => {
  it('logs an error that escaped every handler and keeps the process alive', async () => {
    const { spawnSync } = await import('node:child_process')
    const root = join(__dirname, '../../..')
    const child = spawnSync(
      process.execPath,
      [join(root, 'bin/tsx-run.mjs'), join(root, 'test/support/last-resort-child.ts')],
      {
        encoding: 'utf8'
      }
    )
    expect(child.status).toBe(0)
    expect(child.stdout).toContain('internal error (still serving): escaped a request handler')
    expect(child.stdout).toContain('unhandled rejection (still serving): nobody awaited this')
    expect(child.stdout).toContain('still alive')
  })
})
