import type { CliCommand } from '../command'
import { packageVersion } from '../../package-root'

export const command: CliCommand = {
  name: 'version',
  summary: 'Print the NetLens version',
  usage: 'Usage: netlens version',
  async run(_argv, io) {
    io.out(packageVersion())
    return 0
  }
}
