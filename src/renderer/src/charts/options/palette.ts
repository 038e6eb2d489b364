/** Colours for charts, per theme (CSS variables do not reach the canvas). */
export type ThemeName = 'light' | 'dark'

export interface ChartPalette {
  text: string
  subtext: string
  line: string
  background: string
  highlight: string
  kinds: Record<string, string>
  down: string
  series: string[]
}

export function palette(theme: ThemeName): ChartPalette {
  const dark = theme === 'dark'
  return {
    text: dark ? '#e5e7eb' : '#1f2937',
    subtext: dark ? '#9ca3af' : '#6b7280',
    line: dark ? '#4b5563' : '#cbd5e1',
    background: dark ? '#111827' : '#ffffff',
    highlight: '#f59e0b',
    down: '#dc2626',
    kinds: {
      uplink: '#0d9488',
      bridge: '#2563eb',
      veth: '#64748b',
      iface: '#7c3aed',
      vxlan: '#ea580c',
      network: '#d97706',
      container: '#16a34a',
      netns: '#6b7280',
      group: '#15803d'
    },
    series: [
      '#2563eb',
      '#16a34a',
      '#ea580c',
      '#7c3aed',
      '#0d9488',
      '#db2777',
      '#ca8a04',
      '#4b5563',
      '#0891b2',
      '#9333ea'
    ]
  }
}
