/** Published ports: another process on the same host port. */
import type { Check } from '../context'
import { L, finding } from '../context'
import { NEEDS } from '../coverage'

const WILDCARDS = new Set(['0.0.0.0', '*', '::', '[::]', ''])
const bare = (address: string): string => address.replace(/%.*$/, '').replace(/^\[(.*)\]$/, '$1')
const overlaps = (a: string, b: string): boolean => WILDCARDS.has(a) || WILDCARDS.has(b) || bare(a) === bare(b)
const family = (address: string): 'v4' | 'v6' | 'any' =>
  WILDCARDS.has(address) && address !== '::' && address !== '[::]'
    ? address === '0.0.0.0'
      ? 'v4'
      : 'any'
    : bare(address).includes(':')
      ? 'v6'
      : 'v4'

export const portConflict: Check = {
  ids: ['port-conflict'],
  needs: [NEEDS.listeners, NEEDS.publishedPorts],
  run(ctx) {
    const out = []
    const seen = new Set<string>()
    for (const port of ctx.snapshot.publishedPorts) {
      const key = `${port.hostPort}/${port.proto}`
      if (seen.has(key)) continue
      const others = ctx.snapshot.listeners.filter((l) => {
        if (l.port !== port.hostPort || !l.proto.toLowerCase().startsWith(port.proto.toLowerCase())) return false
        if (/docker-proxy/.test(l.process ?? '')) return false
        const fl = family(l.localAddress)
        const fp = family(port.hostIp)
        if (fl !== 'any' && fp !== 'any' && fl !== fp) return false
        return overlaps(bare(l.localAddress), bare(port.hostIp))
      })
      if (!others.length) continue
      seen.add(key)
      const who = others
        .map((l) => `${l.process ?? 'unknown process'}${l.pid ? ` (pid ${l.pid})` : ''} on ${l.localAddress}:${l.port}`)
        .join(', ')
      const zhWho = others
        .map((l) => `${l.process ?? '未知进程'}${l.pid ? `(pid ${l.pid})` : ''} 监听在 ${l.localAddress}:${l.port}`)
        .join('、')
      out.push(
        finding(
          'port-conflict',
          'warning',
          L(
            `Host port ${key} is also taken by ${others[0].process ?? 'another process'}`,
            `宿主机端口 ${key} 还被 ${others[0].process ?? '其他进程'} 占用`
          ),
          L(
            `${port.container ?? 'A container'} publishes ${port.hostIp || '0.0.0.0'}:${key}, and ${who} listens on it too. DNAT takes remote connections before the host socket sees them, while local connections (127.0.0.1) reach the other process: the same address answers differently depending on where you ask from. With docker-proxy enabled, the container would fail to start. Move one of them to another port.`,
            `${port.container ?? '某个容器'} 映射了 ${port.hostIp || '0.0.0.0'}:${key}，同时 ${zhWho}。外部来的连接先被 DNAT 转给容器，本机访问（127.0.0.1）却会连到那个进程上：同一个地址从不同地方访问，得到的服务不一样。如果开着 docker-proxy，容器会直接启动失败。把其中一个换个端口。`
          ),
          [{ kind: 'port', id: key }, ...(port.container ? [{ kind: 'container' as const, id: port.container }] : [])],
          [
            ...others.map((l) => ({ label: 'ss', raw: l.raw })),
            ...(port.rule ? [{ label: 'nat DOCKER', raw: port.rule }] : [])
          ],
          null
        )
      )
    }
    return out
  }
}
