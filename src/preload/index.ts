/**
 * The preload: exposes `window.netlens`, one method per API call, through contextBridge.
 * It never exposes ipcRenderer, send or sendSync, and never forwards the IPC event object
 * (Electron security checklist; context-isolation tutorial). Runs sandboxed: this file is bundled
 * into one self-contained script and may import only electron and src/shared.
 */
import { contextBridge, ipcRenderer } from 'electron'
import { apiEventNames, ipcChannel, ipcEventChannel } from '../shared/api/channels'
import type { ApiCallName, ApiEventName, ApiEvents, NetLensApi } from '../shared/api/contract'

const invoke = (name: ApiCallName) => (args: unknown) => ipcRenderer.invoke(ipcChannel(name), args ?? {})

const EVENTS: readonly ApiEventName[] = apiEventNames

export const preloadApi = {
  getAppInfo: invoke('getAppInfo'),
  listHosts: invoke('listHosts'),
  addSshHost: invoke('addSshHost'),
  removeHost: invoke('removeHost'),
  setHostSudo: invoke('setHostSudo'),
  captureHost: invoke('captureHost'),
  cancelCapture: invoke('cancelCapture'),
  getSnapshot: invoke('getSnapshot'),
  openFile: invoke('openFile'),
  exportSnapshot: invoke('exportSnapshot'),
  diffSnapshots: invoke('diffSnapshots'),
  diagnose: invoke('diagnose'),
  trace: invoke('trace'),
  listScenarios: invoke('listScenarios'),
  listLessons: invoke('listLessons'),
  gradeLesson: invoke('gradeLesson'),
  saveScenario: invoke('saveScenario'),
  startSampling: invoke('startSampling'),
  stopSampling: invoke('stopSampling'),
  getTrafficHistory: invoke('getTrafficHistory'),
  startPacketCapture: invoke('startPacketCapture'),
  stopPacketCapture: invoke('stopPacketCapture'),
  getPacketCapturePcap: invoke('getPacketCapturePcap'),
  getPacketTools: invoke('getPacketTools'),
  dissectPacket: invoke('dissectPacket'),
  openPcapInWireshark: invoke('openPcapInWireshark'),
  fleetCapture: invoke('fleetCapture'),
  fleetOpenFiles: invoke('fleetOpenFiles'),
  fleetOpenFolder: invoke('fleetOpenFolder'),
  getPreferences: invoke('getPreferences'),
  setPreferences: invoke('setPreferences'),
  subscribe<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
    if (!EVENTS.includes(event)) throw new Error(`unknown event ${String(event)}`)
    const channel = ipcEventChannel(event)
    // Only the payload crosses to the page: never the IpcRendererEvent (it exposes `sender`).
    const handler = (_event: unknown, payload: ApiEvents[E]): void => listener(payload)
    ipcRenderer.on(channel, handler)
    return () => {
      ipcRenderer.removeListener(channel, handler)
    }
  }
} as unknown as NetLensApi

contextBridge.exposeInMainWorld('netlens', preloadApi)
