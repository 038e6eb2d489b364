/**
 * The standing hostile-input corpus (test/fixtures/hostile/, described in its README): capture,
 * snapshot and scenario files an attacker or a broken host could hand to NetLens. Unit, live (the
 * real CLI) and e2e (the UI in Chromium) tests all read it through this module. Inputs too large to
 * commit (millions of lines) are generated into a temporary file at test time.
 */
import { createWriteStream, readdirSync, readFileSync } from 'node:fs'
import { extname, join, resolve } from 'node:path'
import { once } from 'node:events'

export const HOSTILE_DIR = resolve(import.meta.dirname, '../fixtures/hostile')

export type HostileKind = 'capture' | 'snapshot' | 'scenario'

export interface HostileFile {
  name: string
  path: string
  kind: HostileKind
  text(): string
}

const KIND_BY_EXTENSION: Record<string, HostileKind> = { '.cap': 'capture', '.json': 'snapshot', '.yaml': 'scenario' }

/** Every corpus file (of one kind); fails loudly when there is none, so no test passes on an empty folder. */
export function hostileFiles(kind?: HostileKind): HostileFile[] {
  const files = readdirSync(HOSTILE_DIR)
    .filter((name) => KIND_BY_EXTENSION[extname(name)] !== undefined)
    .sort()
    .map((name) => ({
      name,
      path: join(HOSTILE_DIR, name),
      kind: KIND_BY_EXTENSION[extname(name)],
      text: () => readFileSync(join(HOSTILE_DIR, name), 'utf8')
    }))
    .filter((file) => kind === undefined || file.kind === kind)
  if (files.length === 0) throw new Error(`no hostile ${kind ?? ''} files in ${HOSTILE_DIR}`)
  return files
}

export function hostileFile(name: string): HostileFile {
  const file = hostileFiles().find((f) => f.name === name)
  if (!file) throw new Error(`hostile corpus file ${name} not found in ${HOSTILE_DIR}`)
  return file
}

/**
 * Characters that must never reach a terminal raw: C0 (but tab and newline), DEL, C1, bidi
 * controls and marks, line/paragraph separators.
 */
export const TERMINAL_UNSAFE =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/

/** Bidi controls, which the UI must show as visible marks. */
export const BIDI_CONTROL = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/

/**
 * Writes a capture whose iptables.save section has `lines` rule lines (generated, never committed:
 * 5,000,000 lines are ~100 MB). `shape` 'short' writes the smallest valid rules.
 */
export async function writeHugeIptablesCapture(
  path: string,
  lines: number,
  shape: 'kube' | 'short' = 'kube'
): Promise<void> {
  const boundary = 'nl-hostile-huge-0001'
  const out = createWriteStream(path)
  const write = async (chunk: string): Promise<void> => {
    if (!out.write(chunk)) await once(out, 'drain')
  }
  await write(
    `NETLENS-CAPTURE 2\nboundary: ${boundary}\nsource: file:huge\ncapturedAt: 2026-01-01T00:00:00Z\n` +
      `--${boundary} section\nname: iptables.save\ncommand: iptables-save\n--${boundary} stdout\n*nat\n:PREROUTING ACCEPT [0:0]\n:KUBE-SEP - [0:0]\n`
  )
  let chunk = ''
  for (let i = 0; i < lines; i++) {
    chunk +=
      shape === 'short'
        ? '-A KUBE-SEP -j RETURN\n'
        : `-A KUBE-SEP -s 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32 -m comment --comment "ns/svc-${i}:http" -j KUBE-MARK-MASQ\n`
    if (chunk.length > 1 << 20) {
      await write(chunk)
      chunk = ''
    }
  }
  await write(
    `${chunk}COMMIT\n\n--${boundary} result\nexit: 0\nms: 1\nstatus: ok\n--${boundary} stderr\n\n--${boundary} end\n--${boundary} done\n`
  )
  out.end()
  await once(out, 'close')
}
