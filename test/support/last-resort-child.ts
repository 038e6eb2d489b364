/** Run as a child process by browser-server-hostile.test.ts: errors escape every handler, the process lives on. */
import { installLastResortHandlers } from '../../src/main/server/browser-server'

installLastResortHandlers((line) => console.log(line))
setTimeout(() => {
  throw new Error('escaped a request handler')
})
setTimeout(() => void Promise.reject(new Error('nobody awaited this')))
setTimeout(() => console.log('still alive'), 50)
