/**
 * Soups of real fixture lines and their pieces, for comparing a fast parser with a reference one:
 * whole lines, and lines made up of the fixtures' words plus some extra words (`extra`).
 */
import fc from 'fast-check'

export function lineSoup(lines: string[], extra: string[], maxWords: number): fc.Arbitrary<string[]> {
  const words = [...new Set(lines.flatMap((line) => line.split(' ')))]
  return fc.array(
    fc.oneof(
      fc.constantFrom(...lines),
      fc.array(fc.constantFrom(...words, ...extra), { maxLength: maxWords }).map((w) => w.join(' '))
    ),
    { maxLength: 40 }
  )
}
