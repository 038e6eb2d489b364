/** `netlens trace`'s text: the path hop by hop (packet before ⇒ after, the rule), the reply, the verdict. */
import type { TraceHop, TraceResult } from '../../../shared/trace/types'
import { cleanLines as clean } from './terminal'

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
