/**
 * Raw HTTP over a TCP socket, for requests no HTTP client would send: a Host header that is not a
 * URL authority, absolute-form targets, broken percent escapes, bogus Content-Length. Resolves with
 * the status code of the first response line (null when the server closed without answering).
 */
import { connect } from 'node:net'

export interface RawResponse {
  status: number | null
  /** Everything the server sent (headers and body), as latin1 text. */
  text: string
}

/**
 * Sends `request` as-is and reads until the server closes the connection (or after the first
 * response head when `untilHead`). With `halfClose` the client ends its side after sending, like a
 * client that gives up: a request whose body is shorter than its Content-Length ends then.
 */
export function rawRequest(
  port: number,
  request: string | Buffer,
  opts: { untilHead?: boolean; halfClose?: boolean } = {}
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port })
    const chunks: Buffer[] = []
    let settled = false
    const finish = (): void => {
      if (settled) return
      settled = true
      socket.destroy()
      const text = Buffer.concat(chunks).toString('latin1')
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(text)
      resolve({ status: match ? Number(match[1]) : null, text })
    }
    socket.on('data', (chunk) => {
      chunks.push(chunk)
      if (opts.untilHead && Buffer.concat(chunks).includes('\r\n\r\n')) finish()
    })
    socket.on('end', finish)
    socket.on('close', finish)
    socket.on('error', (e: NodeJS.ErrnoException) => {
      // A server that answers and resets before reading everything we sent is fine: keep its answer.
      if (chunks.length && (e.code === 'ECONNRESET' || e.code === 'EPIPE')) finish()
      else if (!settled) {
        settled = true
        reject(e)
      }
    })
    if (opts.halfClose) socket.end(request)
    else socket.write(request)
  })
}

/** A request head with the given target and headers (CRLF line ends; Connection: close unless given). */
export function requestHead(method: string, target: string, headers: Record<string, string>): string {
  const connection = Object.keys(headers).some((k) => k.toLowerCase() === 'connection') ? [] : ['Connection: close']
  const lines = [
    `${method} ${target} HTTP/1.1`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ...connection
  ]
  return lines.join('\r\n') + '\r\n\r\n'
}

/** Headers of a WebSocket upgrade request. */
export function upgradeHeaders(host: string): Record<string, string> {
  return {
    Host: host,
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ=='
  }
}
