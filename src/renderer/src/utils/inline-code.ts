/**
 * Lesson texts mark commands and rules with backticks (`brctl show`). The view renders those parts
 * as <code> through text interpolation: the text is split here, never handed to v-html. Pure.
 */
export interface TextPart {
  text: string
  code: boolean
}

export function inlineCodeParts(text: string): TextPart[] {
  const pieces = text.split('`')
  // Odd pieces sit between two backticks. With an unmatched backtick the last piece has no closing
  // one: it stays plain text, its backtick shown.
  const unmatched = pieces.length % 2 === 0
  const parts: TextPart[] = []
  pieces.forEach((piece, i) => {
    const last = i === pieces.length - 1
    if (unmatched && last) parts.push({ text: `\`${piece}`, code: false })
    else if (piece) parts.push({ text: piece, code: i % 2 === 1 })
  })
  return parts
}
