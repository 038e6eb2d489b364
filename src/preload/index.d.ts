import type { NetLensApi } from '../shared/api/contract'

declare global {
  interface Window {
    netlens?: NetLensApi
  }
}
export {}
