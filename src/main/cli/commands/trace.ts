/**
 * `netlens trace SOURCE --from X --to Y[:port/proto] [--json]`: the packet path computed from the
 * snapshot alone (routes, veths, bridges, iptables rules in kernel order, NAT), the reply path and
 * the verdict. Nothing is sent on the host.
 */
import type { CliCommand } from '../command'
import { formatCliError, parseFlags } from '../command'
import { writeJson } from '../json-output'
import type { TraceHop, TraceResult } from '../../../shared/trace/types'
import { traceFlow } from '../../../shared/trace'
import { snapshotFromSource } from '../../sources'
import { cleanForTerminal } from '../../../shared/text-safety'

/** Host-derived text goes to a terminal: controls and bidi characters become visible `\uXXXX` (src/shared/text-safety.ts). */
const clean = cleanForTerminal

type Pkt = TraceHop['packetBefore']
const addr = (ip: string, port: number | null): string => `${ip}${port !== null ? ':' + port : ''}`
const pkt = (p: Pkt): string => `${addr(p.src, p.sport)} → ${addr(p.dst, p.dport)}`
const same = (a: Pkt, b: Pkt): boolean =>
  a.src === b.src && a.dst === b.dst && a.sport === b.sport && a.dport === b.dport

function formatHops(hops: TraceHop[], lang: 'en' | 'zh-CN'): string[] {
  const width = String(hops.length).length
  return hops.flatMap((h) => {
    const text = h.description[lang].startsWith(h.where) ? h.description[lang] : `${h.where}: ${h.description[lang]}`
    const lines = [`  ${String(h.step).padStart(width)}. [${h.kind}] ${clean(text)}`]
    lines.push(
      same(h.packetBefore, h.packetAfter)
        ? `       packet ${clean(pkt(h.packetBefore))}`
        : `       packet ${clean(pkt(h.packetBefore))}  ⇒  ${clean(pkt(h.packetAfter))}`
    )
    if (h.rule) lines.push(`       rule   ${clean(h.rule.split('\n')[0])}`)
    return lines
  })
}

export function formatTrace(r: TraceResult, lang: 'en' | 'zh-CN' = 'en'): string {
  const out = [`Trace ${clean(r.from)} → ${clean(r.to)} (${clean(r.proto)})`, '', 'Path:']
  out.push(...(r.hops.length ? formatHops(r.hops, lang) : ['  (no hop)']))
  if (r.reply.length) out.push('', 'Reply:', ...formatHops(r.reply, lang))
  out.push(
    '',
    `Verdict: ${r.verdict.toUpperCase()}${r.droppedBy ? ` — dropped by: ${clean(r.droppedBy)}` : ''}`,
    `  ${clean(r.reason[lang])}`
  )
  return out.join('\n')
}

export const command: CliCommand = {
  name: 'trace',
  summary: 'Follow a packet through routes, bridges and iptables from the snapshot (sends nothing)',
  usage: [
    'Usage: netlens trace SOURCE --from X --to Y[:port[/proto]] [--json] [--lang en|zh-CN] [--sudo]',
    '',
    '  --from X   a container name, an interface name, an IP, or "outside"',
    '  --to Y     an IP[:port[/proto]], a container[:port/proto], or "outside" (probe address 198.51.100.2)',
    '  --json     print the TraceResult as JSON',
    '',
    'Example: netlens trace sim:nat-mode --from outside --to 10.10.0.11:8080/tcp'
  ].join('\n'),
  async run(argv, io) {
    const { flags, positionals, errors } = parseFlags(argv, {
      boolean: ['json', 'sudo'],
      string: ['from', 'to', 'lang']
    })
    const lang = (flags.lang as string | undefined) ?? 'en'
    if (lang !== 'en' && lang !== 'zh-CN') errors.push(`--lang must be en or zh-CN, not "${lang}"`)
    if (typeof flags.from !== 'string' || !flags.from) errors.push('--from is required')
    if (typeof flags.to !== 'string' || !flags.to) errors.push('--to is required')
    if (positionals.length !== 1) errors.push('expected exactly one SOURCE')
    if (errors.length) {
      io.err(`netlens trace: ${errors.join('; ')}\n\n${command.usage}`)
      return 2
    }
    const snapshot = await snapshotFromSource(positionals[0], { sudo: flags.sudo === true, signal: io.signal })
    if (!snapshot.ok) {
      io.err(formatCliError('trace', snapshot.error))
      return 1
    }
    const result = traceFlow(snapshot.value, flags.from as string, flags.to as string)
    if (flags.json) writeJson(result, io.out)
    else io.out(formatTrace(result, lang as 'en' | 'zh-CN'))
    return 0
  }
}
