#!/usr/bin/env node
// The CLI runs straight from the TypeScript sources through tsx, so `npx netlens` works right after
// `npm ci` with no build step.
import { register } from 'tsx/esm/api'

register()
const { runCli } = await import('../src/main/cli/main.ts')
await runCli()
