/**
 * Console errors and uncaught exceptions of every page opened through `openApp` (browser.ts), since
 * the last check. console-guard.ts (setupFiles of the e2e and live projects) fails the running test
 * when any is left: no E2E run passes with an error in the console. A module of its own, so the
 * guard loads without playwright or vite.
 */
export const consoleErrors: string[] = []
