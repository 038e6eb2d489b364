/**
 * Electron security settings in one place, as plain data and small predicates, so unit tests
 * (with electron mocked) can prove them: contextIsolation, sandbox, no nodeIntegration, a strict
 * CSP, navigation and new windows blocked, IPC senders validated.
 */
/**
 * The app talks to its backend over IPC only, so it needs no fetch and no WebSocket at all:
 * connect-src 'none'. In development the electron-vite dev server's page also needs its own origin
 * (module requests, the HMR socket).
 */
export function appCsp(devServerUrl?: string): string {
  let connect = "'none'"
  if (devServerUrl) {
    const dev = new URL(devServerUrl)
    connect = `'self' ${dev.origin} ws://${dev.host}`
  }
  return (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
    `font-src 'self' data:; connect-src ${connect}; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'`
  )
}
export const APP_CSP = appCsp()

/**
 * The only links NetLens opens outside the app: its own documentation (README and docs/ of the
 * project repository), in the user's browser, after asking. Everything else a page tries to open
 * is dropped.
 */
export const DOCUMENTATION_URL_PREFIXES = [
  'https://github.com/netlens/netlens/blob/main/README.md',
  'https://github.com/netlens/netlens/blob/main/docs/'
] as const

export function isDocumentationUrl(raw: string): boolean {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return false
  }
  if (url.protocol !== 'https:' || url.username || url.password || url.port) return false
  // Compare the normalised form, so `docs/../../evil` or `%2e%2e` cannot climb out of the prefix.
  const normalised = `${url.origin}${url.pathname}`
  return DOCUMENTATION_URL_PREFIXES.some(
    (prefix) => normalised === prefix || (prefix.endsWith('/') && normalised.startsWith(prefix))
  )
}

/** The question asked before a documentation link leaves the app (a native dialog, in the UI language). */
export function externalLinkQuestion(
  url: string,
  locale: 'en' | 'zh-CN'
): { message: string; detail: string; buttons: string[]; defaultId: number; cancelId: number } {
  return locale === 'zh-CN'
    ? {
        message: '在浏览器中打开这个 NetLens 文档链接吗？',
        detail: url,
        buttons: ['在浏览器中打开', '取消'],
        defaultId: 1,
        cancelId: 1
      }
    : {
        message: 'Open this NetLens documentation link in your browser?',
        detail: url,
        buttons: ['Open in browser', 'Cancel'],
        defaultId: 1,
        cancelId: 1
      }
}

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
