import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { startBrowserServer, type BrowserServer } from '../../../src/main/server/browser-server'
import { createBackend } from '../../../src/main/service/backend'
import { fakeDeps } from '../../support/fake-deps'

let server: BrowserServer
const backend = createBackend(fakeDeps(), 'browser')
let base: string

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'netlens-static-'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>NetLens</title>')
  server = await startBrowserServer({ backend, staticDir: dir })
  base = `http://127.0.0.1:${server.port}`
})
afterAll(async () => {
  await server.close()
})

const post = (path: string, init: RequestInit = {}) =>
  fetch(base + path, { method: 'POST', body: '{}', ...init, headers: { 'content-type': 'application/json', ...(init.headers ?? {}) } })

describe('browser mode server', () => {
  it('prints a tokenised loopback URL', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48}$/)
  })

  it('refuses the app without the token and serves it with the token', async () => {
    expect((await fetch(base + '/')).status).toBe(401)
    expect((await fetch(base + '/?token=wrong')).status).toBe(401)
    const ok = await fetch(server.url)
    expect(ok.status).toBe(200)
    expect(await ok.text()).toContain('NetLens')
    expect(ok.headers.get('content-security-policy')).toContain("script-src 'self'")
    const cookie = ok.headers.get('set-cookie')!
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Strict/)
    expect((await fetch(base + '/', { headers: { cookie: cookie.split(';')[0] } })).status).toBe(200)
  })

  it('refuses API calls without the token header, even with the cookie', async () => {
    expect((await post('/api/call/listHosts')).status).toBe(401)
    expect((await post('/api/call/listHosts', { headers: { 'x-netlens-token': 'nope' } })).status).toBe(401)
    const answer = await post('/api/call/listHosts', { headers: { 'x-netlens-token': server.token } })
    expect(answer.status).toBe(200)
    const result = (await answer.json()) as { ok: boolean }
    expect(result.ok).toBe(true)
  })

  it('refuses other origins and foreign Host headers (CSRF, DNS rebinding)', async () => {
    const foreignOrigin = await post('/api/call/listHosts', { headers: { 'x-netlens-token': server.token, origin: 'https://evil.example' } })
    expect(foreignOrigin.status).toBe(403)
    const { request } = await import('node:http')
    const status = await new Promise<number>((resolve) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: server.url.slice(base.length), headers: { host: 'evil.example' } }, (res) => resolve(res.statusCode!))
      req.end()
    })
    expect(status).toBe(403)
  })

  it('never serves files outside the static folder', async () => {
    const res = await fetch(`${base}/..%2f..%2f..%2fetc%2fpasswd?token=${server.token}`)
    expect(await res.text()).not.toContain('root:')
  })

  it('pushes events over a token-protected WebSocket', async () => {
    await expect(
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events?token=bad`)
        ws.on('open', () => reject(new Error('opened without a token')))
        ws.on('error', resolve)
      })
    ).resolves.toBeDefined()
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events?token=${server.token}`)
    await new Promise((resolve) => ws.on('open', resolve))
    const received = new Promise<{ event: string; payload: { alias?: string }[] }>((resolve) => ws.on('message', (data) => resolve(JSON.parse(String(data)))))
    await backend.call('addSshHost', { alias: 'pushed', sudo: false })
    const message = await received
    expect(message.event).toBe('hostsChanged')
    ws.close()
  })
})
