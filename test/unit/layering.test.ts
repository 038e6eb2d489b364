/**
 * The layering rules are enforced by lint: these tests lint small virtual files placed in each
 * layer and expect the forbidden imports to be reported (and the allowed ones not).
 */
import { describe, expect, it } from 'vitest'
import { ESLint } from 'eslint'

const eslint = new ESLint({ cwd: process.cwd() })

async function layeringErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-properties').map((m) => m.message)
}

describe('process layering (lint)', () => {
  it.each([
    ['src/renderer/src/views/X.ts', "import fs from 'node:fs'\nexport const x = fs"],
    ['src/renderer/src/views/X.ts', "import { ipcRenderer } from 'electron'\nexport const x = ipcRenderer"],
    ['src/renderer/src/views/X.ts', "import { execa } from 'execa'\nexport const x = execa"],
    ['src/renderer/src/stores/X.ts', "import { buildSnapshot } from '../../../main/model/build-snapshot'\nexport const x = buildSnapshot"],
    ['src/renderer/src/stores/X.ts', 'export const x = window.netlens'],
    ['src/shared/x.ts', "import 'electron'\nexport const x = 1"],
    ['src/shared/x.ts', "import { readFileSync } from 'node:fs'\nexport const x = readFileSync"],
    ['src/shared/x.ts', "import { readFileSync } from 'fs'\nexport const x = readFileSync"],
    ['src/shared/x.ts', "import { connect } from 'net'\nexport const x = connect"],
    ['src/shared/x.ts', "import { ref } from 'vue'\nexport const x = ref"],
    ['src/shared/x.ts', "import * as echarts from 'echarts'\nexport const x = echarts"],
    ['src/main/model/x.ts', "import { app } from 'electron'\nexport const x = app"],
    ['src/main/model/x.ts', "import { ref } from 'vue'\nexport const x = ref"],
    ['src/preload/x.ts', "import fs from 'node:fs'\nexport const x = fs"]
  ])('%s rejects: %s', async (filePath, code) => {
    expect(await layeringErrors(filePath, code)).not.toEqual([])
  })

  it.each([
    ['src/renderer/src/stores/X.ts', "import { api } from '../api'\nexport const x = api"],
    ['src/shared/x.ts', "import { z } from 'zod'\nexport const x = z"],
    ['src/shared/trace/x.ts', "import { parseIpv4 } from '../net/ip'\nexport const x = parseIpv4"],
    ['src/main/model/x.ts', "import { readFileSync } from 'node:fs'\nexport const x = readFileSync"],
    ['src/main/app-shell/x.ts', "import { app } from 'electron'\nexport const x = app"],
    ['src/preload/x.ts', "import { contextBridge } from 'electron'\nexport const x = contextBridge"]
  ])('%s allows: %s', async (filePath, code) => {
    expect(await layeringErrors(filePath, code)).toEqual([])
  })
})
