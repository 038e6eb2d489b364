/**
 * Settings for `lab.sh up` on a shared machine: the documented defaults (nllab-web on 18080, wan
 * 198.51.100.1/24) unless something else already holds them, in which case a free port and a more
 * specific block inside 198.51.100.0/24 are used, with a warning.
 */
import { createServer } from 'node:net'
import { execa } from 'execa'

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)))
  })
}

async function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '0.0.0.0', () => {
      const a = server.address()
      server.close(() => resolve(typeof a === 'object' && a ? a.port : 0))
    })
  })
}

/** Port and wan block for this run: the documented defaults unless something else holds them. */
export async function labEnv(): Promise<Record<string, string>> {
  const env: Record<string, string> = {}
  if (!(await portFree(18080))) {
    env.NLLAB_WEB_PORT = String(await anyFreePort())
    console.warn(`live: port 18080 is taken on this host; the lab publishes nllab-web on ${env.NLLAB_WEB_PORT} instead`)
  }
  const routes = await execa('ip', ['-j', '-4', 'route', 'show', 'table', 'main'], { reject: false })
  const taken = (JSON.parse(routes.stdout || '[]') as { dst: string; dev?: string }[]).some(
    (r) => r.dst.startsWith('198.51.100.') && r.dev !== 'nllabwan0'
  )
  if (taken) {
    env.NLLAB_WAN_CIDR = '198.51.100.65/28'
    console.warn('live: another 198.51.100.0/24 route exists; the lab wan uses the more specific 198.51.100.65/28')
  }
  return env
}
