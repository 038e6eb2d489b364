import type { CliCommand } from '../command'
import { parseFlags } from '../command'
import { formatScenarioList } from '../format/scenarios'
import { cleanLines } from '../format/terminal'
import { listAllScenarios, userScenariosDir } from '../../sim/index'

export const command: CliCommand = {
  name: 'scenarios',
  summary: 'List the training scenarios, built-in and your own (use one as SOURCE: sim:<id>)',
  usage: [
    'Usage: netlens scenarios [--json] [--lang en|zh-CN]',
    '',
    'Lists the training scenarios: the built-in ones, then the .yaml files in your scenario folder',
    '($NETLENS_SCENARIOS_DIR, else $XDG_CONFIG_HOME/netlens/scenarios, else ~/.config/netlens/scenarios).',
    'Use the SOURCE column with any command: `netlens inspect sim:<id>`. Any scenario file works',
    'as SOURCE too, wherever it is: `netlens diagnose sim:./incident.yaml` or `netlens diagnose incident.yaml`.',
    'Files in the folder that do not load are listed on stderr with file:line:column.',
    '  --json          print JSON: [{ id, title: { en, zh-CN }, description, lesson, source, origin, file? }]',
    '  --lang LOCALE   language of the titles in the table (default en)'
  ].join('\n'),
  async run(argv, io) {
    const { flags, errors } = parseFlags(argv, { boolean: ['json'], string: ['lang'] })
    if (errors.length > 0) {
      io.err(`netlens scenarios: ${errors.join('; ')}`)
      return 2
    }
    const lang = flags.lang === 'zh-CN' ? 'zh-CN' : 'en'
    const userFolder = userScenariosDir()
    const { scenarios, invalid } = listAllScenarios(userFolder)
    const reportInvalid = (): void => {
      for (const bad of invalid)
        io.err(cleanLines(`netlens scenarios: ${bad.message}${bad.detail ? `\n${bad.detail}` : ''}`))
    }
    if (flags.json) {
      io.out(JSON.stringify(scenarios, null, 2))
      reportInvalid()
      return 0
    }
    io.out(formatScenarioList({ scenarios, invalid }, lang, userFolder))
    reportInvalid()
    return 0
  }
}
