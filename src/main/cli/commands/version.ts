import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { CliCommand } from '../command'

export const command: CliCommand = {
  name: 'version',
  summary: 'Print the NetLens version',
  usage: 'Usage: netlens version',
  async run(_argv, io) {
    const pkgPath = join(dirname(fileURLToPath(import.meta.url)), '../../../../package.json')
    io.out((JSON.parse(readFileSync(pkgPath, 'utf8')) as { version: string }).version)
    return 0
  }
}
