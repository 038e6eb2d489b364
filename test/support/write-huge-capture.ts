/**
 * Writes a generated capture too large to commit: `node bin/tsx-run.mjs
 * test/support/write-huge-capture.ts PATH LINES [kube|short]` (test/support/hostile-corpus.ts).
 */
import { writeHugeIptablesCapture } from './hostile-corpus'

async function main(): Promise<void> {
  const [path, lines, shape = 'kube'] = process.argv.slice(2)
  if (!path || !Number.isInteger(Number(lines)) || (shape !== 'kube' && shape !== 'short')) {
    console.error('usage: write-huge-capture.ts PATH LINES [kube|short]')
    process.exitCode = 2
    return
  }
  await writeHugeIptablesCapture(path, Number(lines), shape)
}

void main()
