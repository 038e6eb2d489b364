/**
 * `netlens scenario-from SOURCE [-o FILE.yaml] [--anonymize] [--id ID]`: a real host (a capture file, `local`,
 * an SSH host) turned into a training scenario (docs/scenario-format.md), so an incident becomes
 * an exercise. Without -o the YAML goes to stdout.
 */
import { writeFile } from 'node:fs/promises'
import { basename } from 'node:path'
import type { CliCommand } from '../command'
import { parseFlags, usageFailure } from '../command'
import { clean } from '../format/terminal'
import { snapshotForCommand } from '../source-snapshot'

export const command: CliCommand = {
  name: 'scenario-from',
  summary: 'Turn a host (capture, local, SSH) into a training scenario file',
  usage: [
    'Usage: netlens scenario-from SOURCE [-o FILE.yaml] [--anonymize] [--id ID] [--sudo]',
    '',
    'SOURCE: local | sim:<scenario> | ssh:<alias> | <alias> | <capture or snapshot file>',
    '  -o, --output FILE   write the scenario here (mode 0600); default: stdout',
    '  --anonymize         replace host, container, network and image names and addresses (private to',
    '                      private, public to documentation ranges), keeping subnets and relations',
    '  --id ID             scenario id (lower-case letters, digits, -); default from-<hostname>',
    '  --sudo              run privileged probe sections through sudo -n',
    '',
    'Writes hostname and NICs, docker networks, containers, non-Docker iptables rules, sysctls, flows',
    'inferred from conntrack and the faults diagnose finds; a comment block lists what the scenario',
    'format cannot express. Open the result with `netlens inspect FILE.yaml`.'
  ].join('\n'),
  async run(argv, io) {
    const { flags, positionals, errors } = parseFlags(argv, {
      boolean: ['sudo', 'anonymize'],
      string: ['output', 'id'],
      alias: { o: 'output' }
    })
    const id = flags.id as string | undefined
    if (id !== undefined && !/^[a-z0-9][a-z0-9-]*$/.test(id))
      errors.push('--id must be lower-case letters, digits and -')
    if (positionals.length !== 1) errors.push('expected exactly one SOURCE')
    if (errors.length) return usageFailure(io, command, errors)
    const snapshot = await snapshotForCommand('scenario-from', positionals[0], { sudo: flags.sudo === true, signal: io.signal }, io)
    if (!snapshot) return 1
    const output = flags.output as string | undefined
    const { exportScenario } = await import('../../sim/scenario-export')
    const result = exportScenario(snapshot, {
      id,
      anonymize: flags.anonymize === true,
      fileName: output ? basename(output) : undefined
    })
    if (output) {
      try {
        await writeFile(output, result.text, { mode: 0o600 })
      } catch (e) {
        io.err(`netlens scenario-from: cannot write ${clean(output)}: ${(e as Error).message}`)
        return 1
      }
      const c = result.scenario.hosts[0]
      io.out(
        `Wrote ${output}: scenario ${result.scenario.id}, host ${c.name}, ${c.networks?.length ?? 0} network(s), ` +
          `${c.containers?.length ?? 0} container(s), ${c.flows?.length ?? 0} flow(s), ${c.faults?.length ?? 0} fault(s)` +
          (result.notes.length
            ? `; ${result.notes.length} thing(s) the format cannot express are listed at its top`
            : '')
      )
    } else (io.data ?? io.out)(result.text)
    if (result.loadErrors.length) {
      io.err(
        [
          'netlens scenario-from: the scenario does not load as written (names the format does not accept; --anonymize replaces them):',
          ...result.loadErrors.slice(0, 12).map((e) => `  | ${clean(e)}`)
        ].join('\n')
      )
      return 1
    }
    return 0
  }
}
