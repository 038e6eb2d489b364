/**
 * Arrow-key moves between topology nodes: up/down stay in the node's column and take the nearest
 * row, left/right go to the nearest column on that side and take the nearest row there. Pure.
 */
export type Direction = 'up' | 'down' | 'left' | 'right'

export interface Placed {
  id: string
  x: number
  y: number
}

export function nodeInDirection<T extends Placed>(nodes: readonly T[], from: Placed, dir: Direction): T | null {
  let best: T | null = null
  let bestScore = Infinity
  for (const n of nodes) {
    if (n.id === from.id) continue
    const dx = n.x - from.x
    const dy = n.y - from.y
    let score: number
    if (dir === 'up' || dir === 'down') {
      if (dx !== 0 || (dir === 'up' ? dy >= 0 : dy <= 0)) continue
      score = Math.abs(dy)
    } else {
      if (dir === 'left' ? dx >= 0 : dx <= 0) continue
      // The nearest column first, then the nearest row in it.
      score = Math.abs(dx) * 1e6 + Math.abs(dy)
    }
    if (score < bestScore) {
      bestScore = score
      best = n
    }
  }
  return best
}
