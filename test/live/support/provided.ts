/**
 * Values the live tier's globalSetup hands to test files (vitest `provide` / `inject`).
 * `liveSkip` is null when the tier runs, otherwise the reason it was skipped.
 */
import type { LabSshInfo } from './sshd'

declare module 'vitest' {
  export interface ProvidedContext {
    liveSkip: string | null
    labSsh: LabSshInfo | null
  }
}

export {}
