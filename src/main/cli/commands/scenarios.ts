import type { CliCommand } from '../command'
import { parseFlags } from '../command'
import { listScenarios } from '../../sim/index'

export const command: CliCommand = {
  name: 'scenarios',
  summary: 'List the training scenarios (use one as SOURCE: sim:<id>)',
  usage: [
    'Usage: netlens scenarios [--json] [--lang en|zh-CN]',
    '',
    'Lists the training scenarios: id, lesson and title. Inspect one with `netlens inspect sim:<id>`.',
    '  --json          print JSON: [{ id, title: { en, zh-CN }, description, lesson }]',
    '  --lang LOCALE   language of the titles in the table (default en)'
  ].join('\n'),
  async run(argv, io) {
    const { flags, errors } = parseFlags(argv, { boolean: ['json'], string: ['lang'] })
    if (errors.length > 0) {
      io.err(`netlens scenarios: ${errors.join('; ')}`)
      return 2
    }
    const lang = flags.lang === 'zh-CN' ? 'zh-CN' : 'en'
    const scenarios = listScenarios()
    if (flags.json) {
      io.out(JSON.stringify(scenarios, null, 2))
      return 0
    }
    const idW = Math.max(2, ...scenarios.map((s) => s.id.length))
    const lessonW = Math.max(6, ...scenarios.map((s) => (s.lesson ?? '-').length))
    const lines = [`${'ID'.padEnd(idW)}  ${'LESSON'.padEnd(lessonW)}  TITLE`]
    for (const s of scenarios) lines.push(`${s.id.padEnd(idW)}  ${(s.lesson ?? '-').padEnd(lessonW)}  ${s.title[lang]}`)
    io.out(lines.join('\n'))
    return 0
  }
}
