/**
 * Published ports: another process on the same host port, or two containers (Docker and Podman,
 * or two of one runtime) publishing the same host port. The process that holds a port for its own
 * runtime is not a rival: docker-proxy for Docker's ports; conmon (rootful Podman keeps the port
 * bound so nothing else takes it, DNAT carries the traffic), rootlessport and pasta (rootless
 * Podman's forwarders) for Podman's.
 */
import type { Check, DiagnoseContext } from '../context'
import { L, finding } from '../context'
import { NEEDS } from '../coverage'
import type { Listener, PublishedPort, Runtime } from '../../snapshot/schema'
import { holderRuntime } from '../../snapshot/port-holders'
import { OUTSIDE_PROBE } from '../../snapshot/query'
import { natAddress } from '../../netfilter/rule'

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
const sameAddressSpace = (a: string, b: string): boolean => {
  const fa = family(a)
  const fb = family(b)
  return (fa === 'any' || fb === 'any' || fa === fb) && overlaps(bare(a), bare(b))
}

/** The holder of `port` for its own runtime (a port of unknown runtime keeps Docker's old rule). */
function isOwnHolder(l: Listener, port: PublishedPort): boolean {
  const runtime = holderRuntime(l.process)
  if (!runtime) return false
  return port.runtime === null ? runtime === 'docker' : runtime === port.runtime
}

const runtimeName = (runtime: Runtime | null): string =>
  runtime === 'podman' ? 'Podman' : runtime === 'docker' ? 'Docker' : 'a DNAT rule'
const runtimeNameZh = (runtime: Runtime | null): string =>
  runtime === 'podman' ? 'Podman' : runtime === 'docker' ? 'Docker' : '一条 DNAT 规则'
const party = (p: PublishedPort): string => `${runtimeName(p.runtime)} (${p.container ?? p.containerIp ?? '?'})`
const partyZh = (p: PublishedPort): string => `${runtimeNameZh(p.runtime)}（${p.container ?? p.containerIp ?? '?'}）`

/** `nat <chain>`: the real chain of a rule, found by its raw line. */
function ruleLabel(ctx: DiagnoseContext, raw: string): string {
  const rule = ctx.snapshot.nat.rules.find((r) => r.raw === raw)
  return rule ? `${rule.table} ${rule.chain}` : 'nat'
}

/** Which DNAT nat PREROUTING applies first to a connection from outside to the host port. */
function dnatWinner(ctx: DiagnoseContext, ports: PublishedPort[]): PublishedPort | null {
  const hostIp = ctx
    .uplink()
    ?.addresses.find((a) => !a.includes(':'))
    ?.split('/')[0]
  if (!hostIp || !ctx.rules.hasChain('nat', 'PREROUTING')) return null
  const walk = ctx.rules.walk(
    'nat',
    'PREROUTING',
    { src: OUTSIDE_PROBE, dst: hostIp, sport: 40000, dport: ports[0].hostPort },
    {
      proto: ports[0].proto,
      inIface: ctx.uplink()?.name ?? null,
      outIface: null,
      ctstate: 'NEW',
      isLocal: ctx.isLocal,
      mark: 0,
      ctmark: 0
    }
  )
  if (!walk.nat || walk.nat.target !== 'DNAT' || walk.unevaluated.length) return null
  const to = natAddress(walk.nat.rule)
  return ports.find((p) => p.rule === walk.nat!.rule.raw || (to.ip !== null && p.containerIp === to.ip)) ?? null
}

export const portConflict: Check = {
  ids: ['port-conflict'],
  needs: [NEEDS.listeners, NEEDS.publishedPorts],
  run(ctx) {
    const out = []
    const seen = new Set<string>()
    for (const port of ctx.snapshot.publishedPorts) {
      const key = `${port.hostPort}/${port.proto}`
      if (seen.has(key)) continue
      const sameHostPort = ctx.snapshot.publishedPorts.filter(
        (p) => p.hostPort === port.hostPort && p.proto === port.proto && sameAddressSpace(p.hostIp, port.hostIp)
      )
      // Publishers: distinct containers (by name, else by address) behind this host port. An entry
      // known only from its holder process (a stale docker-proxy) publishes nothing.
      const real = sameHostPort.filter((p) => p.container !== null || p.containerIp !== null)
      if (!real.length) continue
      const publishers = real.filter(
        (p, i) => real.findIndex((q) => (q.container ?? q.containerIp) === (p.container ?? p.containerIp)) === i
      )
      const listeners = ctx.snapshot.listeners.filter((l) => {
        if (l.port !== port.hostPort || !l.proto.toLowerCase().startsWith(port.proto.toLowerCase())) return false
        if (!sameAddressSpace(l.localAddress, port.hostIp)) return false
        // Holders of the publishers' own runtimes are theirs; a holder of another runtime is a rival.
        return !real.some((p) => isOwnHolder(l, p))
      })
      if (!listeners.length && publishers.length < 2) continue
      seen.add(key)
      const rules = [...new Set(sameHostPort.map((p) => p.rule).filter((r): r is string => !!r))]
      const evidence = [
        ...listeners.map((l) => ({ label: 'ss', raw: l.raw })),
        ...rules.map((raw) => ({ label: ruleLabel(ctx, raw), raw }))
      ]
      const objects = [
        { kind: 'port' as const, id: key },
        ...publishers.filter((p) => p.container).map((p) => ({ kind: 'container' as const, id: p.container! }))
      ]
      if (publishers.length >= 2) {
        const winner = dnatWinner(ctx, publishers)
        const names = publishers.map(party).join(' and ')
        const namesZh = publishers.map(partyZh).join('和')
        out.push(
          finding(
            'port-conflict',
            'warning',
            L(`Host port ${key} is published by ${names}`, `宿主机端口 ${key} 同时被 ${namesZh} 映射`),
            L(
              `${names} both publish ${port.hostIp || '0.0.0.0'}:${key}. Only one DNAT rule can take a connection: the one nat PREROUTING reaches first${winner ? ` (here: ${party(winner)})` : ''}; the other container never sees connections from outside${listeners.length ? `, and ${listeners.map((l) => l.process ?? 'a process').join(', ')} holds the port for local ones` : ''}. This happens when Docker runs without its userland proxy (or a container was started while the other was stopped). Give one of them another host port.`,
              `${namesZh} 都映射了 ${port.hostIp || '0.0.0.0'}:${key}。一个连接只会被一条 DNAT 规则接走，也就是 nat 表 PREROUTING 先走到的那条${winner ? `（这里是 ${partyZh(winner)}）` : ''}，另一个容器收不到外部来的连接${listeners.length ? `，本机访问则由 ${listeners.map((l) => l.process ?? '某个进程').join('、')} 占着这个端口` : ''}。Docker 关掉 userland proxy 时（或者一个容器在另一个停着时启动），就会出现这种情况。给其中一个换一个宿主机端口。`
            ),
            objects,
            evidence,
            null
          )
        )
        continue
      }
      const who = listeners
        .map((l) => `${l.process ?? 'unknown process'}${l.pid ? ` (pid ${l.pid})` : ''} on ${l.localAddress}:${l.port}`)
        .join(', ')
      const zhWho = listeners
        .map((l) => `${l.process ?? '未知进程'}${l.pid ? `(pid ${l.pid})` : ''} 监听在 ${l.localAddress}:${l.port}`)
        .join('、')
      const rival = holderRuntime(listeners[0].process)
      const rivalNote = rival
        ? ` ${listeners[0].process} holds ports for ${runtimeName(rival)}, so ${runtimeName(rival)} publishes this port too (or did, for a container now stopped).`
        : ''
      const rivalNoteZh = rival
        ? ` ${listeners[0].process} 是替 ${runtimeNameZh(rival)} 占端口的进程，说明 ${runtimeNameZh(rival)} 也映射了这个端口（或者映射它的容器已经停了）。`
        : ''
      out.push(
        finding(
          'port-conflict',
          'warning',
          L(
            `Host port ${key} is also taken by ${listeners[0].process ?? 'another process'}`,
            `宿主机端口 ${key} 还被 ${listeners[0].process ?? '其他进程'} 占用`
          ),
          L(
            `${port.container ?? 'A container'} publishes ${port.hostIp || '0.0.0.0'}:${key}, and ${who} listens on it too.${rivalNote} DNAT takes remote connections before the host socket sees them, while local connections (127.0.0.1) reach the other process: the same address answers differently depending on where you ask from. With docker-proxy enabled, the container would fail to start. Move one of them to another port.`,
            `${port.container ?? '某个容器'} 映射了 ${port.hostIp || '0.0.0.0'}:${key}，同时 ${zhWho}。${rivalNoteZh}外部来的连接先被 DNAT 转给容器，本机访问（127.0.0.1）却会连到那个进程上：同一个地址从不同地方访问，得到的服务不一样。如果开着 docker-proxy，容器会直接启动失败。把其中一个换个端口。`
          ),
          objects,
          evidence,
          null
        )
      )
    }
    return out
  }
}
