/**
 * Browser mode: the same backend served on 127.0.0.1 over HTTP (calls) + WebSocket (push events),
 * with the built renderer as static files. It is how the UI is tested here, and how a user on a
 * Linux jump box uses NetLens through an SSH port-forward.
 *
 * Security: a random per-run token is required on every request and WebSocket (query once, then an
 * HttpOnly SameSite=Strict cookie for static files, an `x-netlens-token` header for calls); requests
 * from another Origin or with a foreign Host header (DNS rebinding) are rejected.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize, resolve, sep } from 'node:path'
import type { AddressInfo } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import { apiEventNames, isApiCallName } from '../../shared/api/contract'
import type { Backend } from '../service/backend'

export interface BrowserServer {
  /** The URL to open, with the token. */
  url: string
  token: string
  port: number
  close(): Promise<void>
}

export interface BrowserServerOptions {
  backend: Backend
  /** Folder holding the built renderer (out/renderer). */
  staticDir: string
  port?: number
  /** Always loopback; only 127.0.0.1 and ::1 are accepted. */
  host?: '127.0.0.1' | '::1'
  token?: string
  /** Largest request body, in bytes (opened capture files travel in a call). */
  maxBodyBytes?: number
}

const COOKIE = 'netlens_token'
const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf'
}
export const BROWSER_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'"

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

function cookieToken(req: IncomingMessage): string {
  const header = req.headers.cookie ?? ''
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=')
    if (key === COOKIE) return decodeURIComponent(rest.join('='))
  }
  return ''
}

export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const host = options.host ?? '127.0.0.1'
  const token = options.token ?? randomBytes(24).toString('hex')
  const staticRoot = resolve(options.staticDir)
  const maxBody = options.maxBodyBytes ?? 600 * 1024 * 1024
  let port = options.port ?? 0

  const allowedHosts = (): Set<string> => new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`])
  const allowedOrigins = (): Set<string> => new Set([...allowedHosts()].map((h) => `http://${h}`))

  /** Rejects foreign Host (DNS rebinding) and foreign Origin (cross-site requests). */
  function originProblem(req: IncomingMessage): string | null {
    if (!allowedHosts().has(req.headers.host ?? '')) return 'foreign Host header'
    const origin = req.headers.origin
    if (origin !== undefined && !allowedOrigins().has(origin)) return 'foreign Origin'
    return null
  }

  function send(res: ServerResponse, status: number, body: string | Buffer, type = 'text/plain; charset=utf-8'): void {
    res.writeHead(status, {
      'content-type': type,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'content-security-policy': BROWSER_CSP,
      'cache-control': 'no-store'
    })
    res.end(body)
  }

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of req) {
      size += (chunk as Buffer).length
      if (size > maxBody) throw new Error('request body too large')
      chunks.push(chunk as Buffer)
    }
    return Buffer.concat(chunks).toString('utf8')
  }

  async function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    const relative = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '')
    let file = join(staticRoot, relative)
    if (file !== staticRoot && !file.startsWith(staticRoot + sep)) return send(res, 403, 'Forbidden')
    try {
      if (relative === '' || (await stat(file)).isDirectory()) file = join(staticRoot, 'index.html')
    } catch {
      // Unknown paths fall back to the app (client-side views), assets 404.
      if (extname(relative)) return send(res, 404, 'Not found')
      file = join(staticRoot, 'index.html')
    }
    try {
      const body = await readFile(file)
      send(res, 200, body, MIME[extname(file)] ?? 'application/octet-stream')
    } catch {
      send(
        res,
        503,
        `The NetLens renderer is not built (${staticRoot} missing). Run \`npx electron-vite build\` first.`
      )
    }
    void req
  }

  const server = createServer(async (req, res) => {
    try {
      const problem = originProblem(req)
      if (problem) return send(res, 403, `Forbidden: ${problem}`)
      const url = new URL(req.url ?? '/', `http://${req.headers.host}`)

      if (url.pathname.startsWith('/api/call/')) {
        const given = String(req.headers['x-netlens-token'] ?? '')
        if (!sameSecret(given, token)) return send(res, 401, 'Unauthorized: token missing or wrong')
        if (req.method !== 'POST') return send(res, 405, 'Use POST')
        const name = url.pathname.slice('/api/call/'.length)
        if (!isApiCallName(name)) return send(res, 404, 'Unknown call')
        let args: unknown
        try {
          const body = await readBody(req)
          args = body ? JSON.parse(body) : {}
        } catch (e) {
          return send(
            res,
            400,
            JSON.stringify({ ok: false, error: { code: 'invalid-argument', message: String(e) } }),
            'application/json'
          )
        }
        const result = await options.backend.call(name, args)
        return send(res, 200, JSON.stringify(result), 'application/json; charset=utf-8')
      }

      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed')
      const queryToken = url.searchParams.get('token')
      const authorised = sameSecret(queryToken ?? cookieToken(req), token)
      if (!authorised) {
        return send(
          res,
          401,
          'Unauthorized. Open the exact URL (with its token) that `netlens serve` printed.'
        )
      }
      if (queryToken) res.setHeader('set-cookie', `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`)
      return serveStatic(req, res, url.pathname)
    } catch (e) {
      send(res, 500, `Internal error: ${e instanceof Error ? e.message : String(e)}`)
    }
  })

  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 })
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`)
    const given = url.searchParams.get('token') ?? ''
    if (originProblem(req) || url.pathname !== '/api/events' || !sameSecret(given, token)) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n')
      socket.destroy()
      return
    }
    sockets.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      const unsubscribes = apiEventNames.map((event) =>
        options.backend.subscribe(event, (payload) => {
          if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event, payload }))
        })
      )
      ws.on('close', () => unsubscribes.forEach((off) => off()))
    })
  })

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolveListen())
  })
  port = (server.address() as AddressInfo).port
  const shownHost = host === '::1' ? '[::1]' : host
  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    token,
    port,
    close: () =>
      new Promise<void>((resolveClose) => {
        sockets.clients.forEach((client) => client.terminate())
        sockets.close()
        server.closeAllConnections()
        server.close(() => resolveClose())
      })
  }
}
