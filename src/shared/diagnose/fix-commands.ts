/**
 * Building blocks of diagnose fix commands. Every host-derived word goes through shellCommand
 * (src/shared/shell.ts), so a name like `eth0;reboot` is shown as one quoted word, and a fix whose
 * words cannot be quoted at all is omitted (null).
 *
 * Commands inside a container's network namespace never use a pid read at capture time: a restart
 * gives the container a new pid, and the old number may by then belong to another process. They ask
 * docker for the current pid when they run: nsenter --net=/proc/$(docker inspect …)/ns/net.
 */
import type { Container, NatRule } from '../snapshot/schema'
import { ruleWords } from '../netfilter/rule'
import { ShellSyntax, shellCommand, type ShellWord } from '../shell'

/**
 * `nsenter --net=/proc/$(docker inspect -f '{{.State.Pid}}' -- NAME)/ns/net ` as the start of a
 * command run in the container's network namespace (NAME quoted; the short id when docker gave no
 * name). Null when the name cannot be quoted.
 */
export function inContainerNetns(container: Pick<Container, 'name' | 'id'>): ShellSyntax | null {
  const ref = container.name || container.id.slice(0, 12)
  const prefix = shellCommand`nsenter --net=/proc/$(docker inspect -f '{{.State.Pid}}' -- ${ref})/ns/net `
  return prefix === null ? null : new ShellSyntax(prefix)
}

/**
 * A command run in the container's network namespace: netnsCommand(c)`ip link set dev ${ifname} up`.
 * Null when a word cannot be quoted.
 */
export function netnsCommand(container: Pick<Container, 'name' | 'id'>) {
  return (strings: TemplateStringsArray, ...values: ShellWord[]): string | null => {
    const prefix = inContainerNetns(container)
    const command = shellCommand(strings, ...values)
    return prefix === null || command === null ? null : prefix.text + command
  }
}

/**
 * A rule → `iptables [-t table] -D CHAIN match -j T args`, every word of the rule (its typed
 * options, as the parser read them) quoted. Deleting by the rule's text (not its number) cannot hit
 * another rule when the chain changed since the capture. Null for rules not read from iptables-save
 * syntax (nft rules, `iptables -L` columns) or when a word cannot be quoted.
 */
export function deleteRuleCommand(table: string, rule: NatRule): string | null {
  if (rule.family === 'nft' || rule.options.some((o) => !o.option.startsWith('-'))) return null
  const quotedWords: (string | null)[] = ruleWords(rule).map((w) => shellCommand`${w}`)
  if (quotedWords.some((w) => w === null)) return null
  const tableOption = table === 'filter' ? '' : shellCommand` -t ${table}`
  if (tableOption === null) return null
  return `iptables${tableOption} -D ${quotedWords.join(' ')}`
}
