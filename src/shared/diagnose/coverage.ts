/**
 * What the diagnose checks need from a capture, and whether a snapshot has it.
 *
 * Missing data is never a fault: a check whose sections were not captured, were denied or printed
 * nothing is not run, and the report says so (`NotChecked`), naming the sections and what would let
 * it run next time. Each check declares its needs as alternatives of section names (any one usable
 * is enough); checks that read per-namespace data (a container's routes) skip that one object the
 * same way.
 */
import type { FindingObject, NotChecked, SectionState } from './types'
import type { Localized } from '../localized'
import type { Container, Section, Snapshot } from '../snapshot/schema'

export interface Need {
  /** Alternatives, best first: any one usable section satisfies the need. */
  sections: readonly string[]
  /** Empty output is an answer here (no rules, no connections, no listeners), not a gap. */
  emptyIsData?: boolean
  /** A deliberately skipped section is an answer here (iptables-legacy-save skipped: ip_tables is not loaded, so no legacy rules). */
  skippedIsData?: boolean
}

/** The vocabulary of needs the checks use (section names: src/main/capture/sections.ts). */
export const NEEDS = {
  links: { sections: ['ip.link', 'ip.link.text'] },
  addresses: { sections: ['ip.addr', 'ip.addr.text'] },
  routes: { sections: ['ip.route', 'ip.route.text'] },
  /** Docker's own container list: names, modes, networks, published ports. */
  dockerContainers: { sections: ['docker.containers'] },
  /** Containers from docker, or identified from /proc without docker access (netns.map). */
  anyContainers: { sections: ['docker.containers', 'netns.map'] },
  /** Docker's or Podman's networks. */
  dockerNetworks: { sections: ['docker.networks', 'podman.networks'] },
  /** Published ports: from docker's or podman's container list or from the DNAT rules. */
  publishedPorts: { sections: ['docker.containers', 'podman.containers', 'iptables.save', 'iptables.list.nat'] },
  /** iptables nat rules (iptables-save, else the `iptables -t nat -L` fallback). */
  natRules: { sections: ['iptables.save', 'iptables.list.nat'], emptyIsData: true },
  /** iptables filter rules and chain policies: only iptables-save has them. */
  filterRules: { sections: ['iptables.save'], emptyIsData: true },
  otherBackend: { sections: ['iptables-legacy.save', 'iptables-nft.save'], emptyIsData: true, skippedIsData: true },
  conntrackList: { sections: ['conntrack.list'], emptyIsData: true },
  conntrackCount: { sections: ['conntrack.count'] },
  conntrackMax: { sections: ['conntrack.max'] },
  listeners: { sections: ['ss.listen'], emptyIsData: true },
  sysctl: { sections: ['sysctl'] }
} as const satisfies Record<string, Need>

const L = (en: string, zh: string): Localized => ({ en, 'zh-CN': zh })

/** A need nothing satisfied: the sections it could have used, and how each stood. */
export type Gap = { name: string; state: SectionState }[]

export class Coverage {
  private readonly byName = new Map<string, Section>()

  constructor(private readonly snapshot: Snapshot) {
    for (const s of snapshot.sections) if (!this.byName.has(s.name)) this.byName.set(s.name, s)
  }

  /** How one section stood, or `ok` when it can be read. */
  state(name: string, need: Pick<Need, 'emptyIsData' | 'skippedIsData'> = {}): SectionState | 'ok' {
    const s = this.byName.get(name)
    if (!s) return 'absent'
    if (s.status === 'ok') return s.empty && !need.emptyIsData ? 'empty' : 'ok'
    // A command that failed or timed out after printing something: its output is still read.
    if ((s.status === 'error' || s.status === 'timeout') && !s.empty) return 'ok'
    if (s.status === 'skipped' && need.skippedIsData) return 'ok'
    return s.status
  }

  /** Null when one of the need's sections is usable; else the gap (present alternatives, or the first as absent). */
  gap(need: Need): Gap | null {
    const states = need.sections.map((name) => ({ name, state: this.state(name, need) }))
    if (states.some((s) => s.state === 'ok')) return null
    const present = states.filter((s) => s.state !== 'absent') as Gap
    return present.length ? present : [{ name: need.sections[0], state: 'absent' }]
  }

  /** Every unmet need of a check, flattened. */
  gaps(needs: readonly Need[]): Gap {
    const out: Gap = []
    for (const g of needs.flatMap((n) => this.gap(n) ?? [])) if (!out.some((o) => o.name === g.name)) out.push(g)
    return out
  }

  /**
   * The capture's per-namespace sections for a container's namespace (`ns/pid:<pid>/ip.route`, …):
   * the probe reads each namespace once, under the first pid (or file) that reached it.
   */
  namespaceGap(container: Container, names: readonly string[]): Gap | null {
    const sharing = this.snapshot.namespaces.find((n) => container.netns !== null && n.id === container.netns)
    const pids = new Set<number>()
    for (const c of this.snapshot.containers)
      if (c.pid !== null && (c.id === container.id || sharing?.containers.includes(c.name))) pids.add(c.pid)
    const nsids = [...pids].map((pid) => `pid:${pid}`)
    const file = /^\/(?:var\/)?run\/docker\/netns\/([^/]+)$/.exec(sharing?.path ?? '')?.[1]
    if (file) nsids.push(`docker:${file}`)
    const candidates = nsids.flatMap((nsid) => names.map((name) => `ns/${nsid}/${name}`))
    if (!candidates.length) return [{ name: `ns/?/${names[0]}`, state: 'absent' }]
    return this.gap({ sections: candidates })
  }

  /** The report line for a check (or one object) that did not run. */
  notChecked(check: string, gap: Gap, object: FindingObject | null = null, what: Localized | null = null): NotChecked {
    const sections = gap.map((g) => `${g.name}: ${this.describe(g.name, g.state).en}`).join('; ')
    const zh = gap.map((g) => `${g.name}：${this.describe(g.name, g.state)['zh-CN']}`).join('；')
    return {
      check,
      reason: what ? L(`${what.en} (${sections})`, `${what['zh-CN']}（${zh}）`) : L(sections, zh),
      sections: gap.map((g) => ({ name: g.name, state: g.state })),
      remedy: this.remedy(gap),
      object
    }
  }

  private describe(name: string, state: SectionState): Localized {
    const cut = this.snapshot.truncated
    switch (state) {
      case 'absent':
        return cut
          ? L(
              `not captured (the capture was truncated after ${cut.after})`,
              `未采集（采集结果在 ${cut.after} 之后被截断）`
            )
          : L('not captured', '未采集')
      case 'empty':
        return L('ran but printed nothing', '执行了，但没有输出')
      case 'permission-denied':
        return L('permission denied', '权限不足')
      case 'missing-tool':
        return L('the tool is not installed on the host', '主机上没有安装这个工具')
      case 'timeout':
        return L('timed out', '超时')
      case 'error':
        return cut?.cut === name
          ? L('cut off: the capture ends inside it', '被截断：采集结果在这一段中间结束')
          : L('failed', '执行失败')
      case 'skipped': {
        const why = this.byName.get(name)?.stderr.split('\n')[0]?.trim()
        // The probe's reason often has parentheses of its own: a dash keeps them from nesting.
        return why ? L(`not run — ${why}`, `未执行——${why}`) : L('not run', '未执行')
      }
    }
  }

  private remedy(gap: Gap): Localized | null {
    const denied = (g: Gap[number]): boolean =>
      g.state === 'permission-denied' ||
      (g.state === 'skipped' && /permission/i.test(this.byName.get(g.name)?.stderr ?? ''))
    if (gap.some((g) => denied(g) && g.name.startsWith('docker.')))
      return L(
        'capture as root, with --sudo (sudo -n), or as a user in the docker group',
        '以 root 身份采集，或加 --sudo（sudo -n），或用 docker 组里的用户采集'
      )
    if (gap.some(denied))
      return L('capture as root, or with --sudo (sudo -n)', '以 root 身份采集，或加 --sudo（sudo -n）')
    if (gap.some((g) => g.state === 'missing-tool'))
      return L('install the missing tool on the host, then capture again', '在主机上装好缺少的工具，再采集一次')
    if (this.snapshot.truncated && gap.some((g) => g.state === 'absent' || g.state === 'error'))
      return L('capture again: the last capture was cut short', '重新采集一次：上一次采集被中途截断了')
    if (gap.some((g) => g.state === 'timeout'))
      return L('capture again (the command timed out)', '重新采集一次（命令超时了）')
    if (gap.some((g) => g.state === 'absent'))
      return L(
        'capture again with this NetLens (the capture did not include it)',
        '用当前版本的 NetLens 重新采集（这份采集结果里没有它）'
      )
    return null
  }
}
