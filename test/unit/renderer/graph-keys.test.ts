/** Arrow keys between topology nodes: same column up/down, nearest column left/right. */
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { nodeInDirection } from '../../../src/renderer/src/utils/graph-keys'
import { layoutTopology } from '../../../src/shared/topology/layout'
import { generateSnapshot } from './support/generate-snapshot'

describe('nodeInDirection', () => {
  const nodes = [
    { id: 'a', x: 0, y: 0 },
    { id: 'b', x: 0, y: 44 },
    { id: 'c', x: 230, y: 10 },
    { id: 'd', x: 230, y: 200 },
    { id: 'e', x: 460, y: 44 }
  ]
  it('moves within a column and to the nearest row of the next column', () => {
    expect(nodeInDirection(nodes, nodes[0], 'down')?.id).toBe('b')
    expect(nodeInDirection(nodes, nodes[1], 'up')?.id).toBe('a')
    expect(nodeInDirection(nodes, nodes[0], 'up')).toBeNull()
    expect(nodeInDirection(nodes, nodes[1], 'right')?.id).toBe('c')
    expect(nodeInDirection(nodes, nodes[3], 'right')?.id).toBe('e')
    expect(nodeInDirection(nodes, nodes[4], 'left')?.id).toBe('c')
    expect(nodeInDirection(nodes, nodes[0], 'left')).toBeNull()
  })

  it('reaches every node of a real layout from the first one', () => {
    const layout = layoutTopology(generateSnapshot({ containers: 12 }))
    fc.assert(
      fc.property(fc.constantFrom(...layout.nodes), (start) => {
        const seen = new Set([start.id])
        const queue = [start]
        while (queue.length) {
          const n = queue.shift()!
          for (const dir of ['up', 'down', 'left', 'right'] as const) {
            const next = nodeInDirection(layout.nodes, n, dir)
            if (next && !seen.has(next.id)) {
              seen.add(next.id)
              queue.push(next)
            }
          }
        }
        expect(seen.size).toBe(layout.nodes.length)
      }),
      { numRuns: 20 }
    )
  })
})
