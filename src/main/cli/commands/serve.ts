import { installLastResortHandlers, startBrowserServer } from '../../server/browser-server'
import { buildRenderer, rendererBuilt, rendererDir } from '../../server/renderer-build'
import { createBackend } from '../../service/backend'
import { createDefaultDeps } from '../../service/default-deps'
import { parseFlags, type CliCommand } from '../command'

export const command: CliCommand = {
  name: 'serve',
  summary: 'Serve the NetLens UI in a browser on 127.0.0.1 (token-protected)',
  usage: [
    'Usage: netlens serve [--port N] [--rebuild]',
    '',
    'Starts the NetLens backend on 127.0.0.1 only and prints a URL with a random per-run token.',
    'Open it in a browser; from another machine use an SSH port-forward:',
    '  ssh -L 8417:127.0.0.1:8417 jumpbox   then open the printed URL locally.',
    '',
    '  --port N     listen on port N (default: a free port)',
    '  --rebuild    rebuild the renderer before serving'
  ].join('\n'),
  async run(argv, io) {
    const { flags, errors } = parseFlags(argv, { boolean: ['rebuild'], string: ['port'] })
    if (errors.length) {
      io.err(errors.join('\n'))
      return 2
    }
    const port = flags.port === undefined ? 0 : Number(flags.port)
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      io.err('--port needs a number from 0 to 65535')
      return 2
    }
    if (flags.rebuild || !rendererBuilt()) await buildRenderer(io.err)
    const backend = createBackend(createDefaultDeps(), 'browser')
    const server = await startBrowserServer({ backend, staticDir: rendererDir, port })
    const uninstall = installLastResortHandlers(io.err)
    try {
      io.out(`NetLens is serving on 127.0.0.1 only. Open:\n\n  ${server.url}\n\nPress Ctrl-C to stop.`)
      await new Promise<void>((resolve) => io.signal.addEventListener('abort', () => resolve(), { once: true }))
    } finally {
      uninstall()
      backend.dispose()
      await server.close()
    }
    return 0
  }
}
