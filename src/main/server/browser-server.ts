/**
 * Browser mode: the same backend served on 127.0.0.1 over HTTP (calls) + WebSocket (push events),
 * with the built renderer as static files. It is how the UI is tested here, and how a user on a
 * Linux jump box uses NetLens through an SSH port-forward.
 *
 * Security: a random per-run token is required on every call and WebSocket (an `x-netlens-token`
 * header for calls, the query for the socket). Static files take the token in the query once, then
 * an HttpOnly SameSite=Strict cookie holding a second random key that opens static files only:
 * cookies are not scoped by port, so another server on 127.0.0.1 may see it, and it must not be the
 * token. Requests from another Origin or with a foreign Host header (DNS rebinding) are rejected.
 * Malformed requests get a 4xx; nothing a request does may end the process (see `handle`).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { constants as fsConstants } from 'node:fs'
import { open, realpath } from 'node:fs/promises'
import { extname, join, normalize, resolve, sep } from 'node:path'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { apiEventNames, isApiCallName } from '../../shared/api/contract'
import { formatMegabytes, MAX_SOURCE_FILE_BYTES } from '../../shared/limits'
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
  /** Largest request body, in bytes (opened capture files travel in a call); default DEFAULT_MAX_BODY_BYTES. */
  maxBodyBytes?: number
}

/** The static-files cookie: a separate random key per run that authorises static files only. */
const COOKIE = 'netlens_static'
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

/**
 * Largest request body: an opened file travels as a JSON string, which escapes newlines, quotes and
 * tabs (a few % on real captures). Bodies above this are refused (413) before they are buffered.
 */
export const DEFAULT_MAX_BODY_BYTES = MAX_SOURCE_FILE_BYTES + MAX_SOURCE_FILE_BYTES / 8 + 64 * 1024

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

function cookieValue(req: IncomingMessage): string {
  const header = req.headers.cookie ?? ''
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=')
    if (key === COOKIE) return rest.join('=')
  }
  return ''
}

/**
 * The request target as a path and query, parsed against a fixed base (never the Host header).
 * Only origin-form targets (`/path?query`) are accepted; anything else (absolute-form `http://…`,
 * `*`, `//host/…`, what `new URL` cannot parse) is null, answered with 400.
 */
export function parseRequestTarget(target: string | undefined): { pathname: string; query: URLSearchParams } | null {
  const raw = target ?? '/'
  if (!raw.startsWith('/') || raw.startsWith('//')) return null
  try {
    const url = new URL(raw, 'http://127.0.0.1')
    return { pathname: url.pathname, query: url.searchParams }
  } catch {
    return null
  }
}

/** A static path decoded and checked: null for broken escapes, NUL bytes or backslashes. */
function decodeStaticPath(pathname: string): string | null {
  let decoded: string
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    return null
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null
  return decoded
}

class RequestRefused extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message)
  }
}

/**
 * The process-level last resort for `netlens serve`: an error that escaped every handler is logged
 * and the server keeps serving, instead of Node ending the process. Returns the uninstaller.
 */
export function installLastResortHandlers(log: (line: string) => void): () => void {
  const report = (kind: string) => (error: unknown) =>
    log(`netlens serve: ${kind} (still serving): ${error instanceof Error ? error.message : String(error)}`)
  const onException = report('internal error')
  const onRejection = report('unhandled rejection')
  process.on('uncaughtException', onException)
  process.on('unhandledRejection', onRejection)
  return () => {
    process.off('uncaughtException', onException)
    process.off('unhandledRejection', onRejection)
  }
}

export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const host = options.host ?? '127.0.0.1'
  const token = options.token ?? randomBytes(24).toString('hex')
  const staticKey = randomBytes(24).toString('hex')
  const staticRoot = await realpath(resolve(options.staticDir)).catch(() => resolve(options.staticDir))
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
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
    if (res.headersSent) {
      res.end()
      return
    }
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

  /** Reads a body up to maxBody: refuses a declared Content-Length up front, counts the rest as it streams. */
  async function readBody(req: IncomingMessage): Promise<string> {
    const declared = req.headers['content-length']
    if (declared !== undefined) {
      if (!/^\d+$/.test(declared)) throw new RequestRefused(400, 'Bad Content-Length')
      if (Number(declared) > maxBody) throw new RequestRefused(413, tooLarge(Number(declared)))
    }
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of req) {
      size += (chunk as Buffer).length
      if (size > maxBody) throw new RequestRefused(413, tooLarge(size))
      chunks.push(chunk as Buffer)
    }
    return Buffer.concat(chunks).toString('utf8')
  }

  const tooLarge = (bytes: number): string =>
    `Request body too large (${bytes > maxBody * 4 ? `more than ${formatMegabytes(maxBody)}` : formatMegabytes(bytes)}; limit ${formatMegabytes(maxBody)}).`

  /** Opens a file under the static root without following any symlink on the way. */
  async function readStaticFile(relative: string): Promise<Buffer | null> {
    const file = join(staticRoot, relative)
    if (file !== staticRoot && !file.startsWith(staticRoot + sep)) return null
    try {
      // realpath differs from the path whenever a component is a symlink (inside the root or not).
      if ((await realpath(file)) !== file) return null
      const handle = await open(file, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW)
      try {
        if (!(await handle.stat()).isFile()) return null
        return await handle.readFile()
      } finally {
        await handle.close()
      }
    } catch {
      return null
    }
  }

  async function serveStatic(res: ServerResponse, pathname: string): Promise<void> {
    const decoded = decodeStaticPath(pathname)
    if (decoded === null) return send(res, 400, 'Bad Request: malformed path')
    const relative = normalize(decoded).replace(/^([/\\])+/, '')
    if (relative.split(sep).includes('..')) return send(res, 403, 'Forbidden')
    const asset = relative === '' ? null : await readStaticFile(relative)
    if (asset) return send(res, 200, asset, MIME[extname(relative)] ?? 'application/octet-stream')
    // Unknown paths fall back to the app (client-side views); unknown assets are 404.
    if (relative !== '' && extname(relative)) return send(res, 404, 'Not found')
    const index = await readStaticFile('index.html')
    if (index) return send(res, 200, index, MIME['.html'])
    send(
      res,
      503,
      'The NetLens renderer is not built. Run `npx netlens serve --rebuild` (or `npx electron-vite build`) first.'
    )
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const problem = originProblem(req)
    if (problem) return send(res, 403, `Forbidden: ${problem}`)
    const target = parseRequestTarget(req.url)
    if (!target) return send(res, 400, 'Bad Request: unsupported request target')

    if (target.pathname.startsWith('/api/call/')) {
      const given = String(req.headers['x-netlens-token'] ?? '')
      if (!sameSecret(given, token)) return send(res, 401, 'Unauthorized: token missing or wrong')
      if (req.method !== 'POST') return send(res, 405, 'Use POST')
      const name = target.pathname.slice('/api/call/'.length)
      if (!isApiCallName(name)) return send(res, 404, 'Unknown call')
      let args: unknown
      try {
        const body = await readBody(req)
        args = body ? JSON.parse(body) : {}
      } catch (e) {
        if (e instanceof RequestRefused) {
          res.setHeader('connection', 'close')
          return send(
            res,
            e.status,
            JSON.stringify({
              ok: false,
              error: { code: e.status === 413 ? 'too-large' : 'invalid-argument', message: e.message }
            }),
            'application/json'
          )
        }
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
    const queryToken = target.query.get('token')
    const authorised = queryToken !== null ? sameSecret(queryToken, token) : sameSecret(cookieValue(req), staticKey)
    if (!authorised) {
      return send(res, 401, 'Unauthorized. Open the exact URL (with its token) that `netlens serve` printed.')
    }
    if (queryToken) res.setHeader('set-cookie', `${COOKIE}=${staticKey}; HttpOnly; SameSite=Strict; Path=/`)
    return serveStatic(res, target.pathname)
  }

  const server = createServer((req, res) => {
    // Last resort: nothing a request does may end the server. Every failure becomes a 500.
    handle(req, res).catch((e: unknown) => {
      send(res, 500, `Internal error: ${e instanceof Error ? e.message : String(e)}`)
      if (!req.complete) req.destroy()
    })
  })
  // A client that stalls (slowloris) is cut off; opening a 256 MB file over loopback takes seconds.
  server.headersTimeout = 20_000
  server.requestTimeout = 120_000
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')
    else socket.destroy()
  })

  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 })
  const refuseUpgrade = (socket: Duplex, status: string): void => {
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
    socket.destroy()
  }
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy())
    try {
      if (originProblem(req)) return refuseUpgrade(socket, '403 Forbidden')
      const target = parseRequestTarget(req.url)
      if (!target) return refuseUpgrade(socket, '400 Bad Request')
      if (target.pathname !== '/api/events' || !sameSecret(target.query.get('token') ?? '', token))
        return refuseUpgrade(socket, '401 Unauthorized')
      sockets.handleUpgrade(req, socket, head, (ws: WebSocket) => {
        ws.on('error', () => ws.terminate())
        const unsubscribes = apiEventNames.map((event) =>
          options.backend.subscribe(event, (payload) => {
            if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event, payload }))
          })
        )
        ws.on('close', () => unsubscribes.forEach((off) => off()))
      })
    } catch {
      refuseUpgrade(socket, '400 Bad Request')
    }
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
