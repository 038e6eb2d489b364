/**
 * Electron security settings in one place, as plain data and small predicates, so unit tests
 * (with electron mocked) can prove them: contextIsolation, sandbox, no nodeIntegration, a strict
 * CSP, navigation and new windows blocked, IPC senders validated.
 */
export const APP_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'"

export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    spellcheck: false
  } as const
}

/**
 * The only pages allowed to talk to the backend: the app's own index.html (file://) or, in
 * development, the electron-vite dev server on loopback.
 */
export function isTrustedAppUrl(rawUrl: string | undefined, appIndexUrl: string, devServerUrl?: string): boolean {
  if (!rawUrl) return false
  let url: URL
  try {
    url = new URL(rawUrl)
  } catch {
    return false
  }
  const appUrl = new URL(appIndexUrl)
  if (url.protocol === 'file:' && appUrl.protocol === 'file:') return url.pathname === appUrl.pathname
  if (devServerUrl) {
    const dev = new URL(devServerUrl)
    return url.origin === dev.origin && ['localhost', '127.0.0.1'].includes(dev.hostname)
  }
  return false
}
