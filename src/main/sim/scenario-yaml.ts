/**
 * Writes a scenario document as YAML. Every name in it came from a host, so it is attacker-controlled:
 * strings are emitted by `yaml` (quoted whenever a plain scalar would mean something else), and any
 * string holding a control, a bidi control or a line separator is double-quoted with that character
 * as a `\uXXXX` escape, so a hostile name reads back exactly, cannot start a new key, and cannot
 * reorder what an author sees in an editor. Comment lines get the same escapes (a newline in a
 * comment would end it).
 */
import { Document, Scalar, visit } from 'yaml'
import { cleanLineForTerminal } from '../../shared/text-safety'
import type { ScenarioDocument } from './scenario-from'

/** Characters that must never appear raw in the file (cleanLineForTerminal's set, tab and newline included). */
const needsEscape = (text: string): boolean => cleanLineForTerminal(text) !== text

/** Inside a double-quoted scalar, YAML reads `\uXXXX` like JSON does. */
const escapeUnsafe = (text: string): string =>
  text.replace(
    /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u2028\u2029\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`
  )

export function commentLine(text: string): string {
  return ` ${cleanLineForTerminal(text)}`
}

export function scenarioToYaml(scenario: ScenarioDocument, header: string[]): string {
  const doc = new Document(scenario, { aliasDuplicateObjects: false })
  visit(doc, {
    Scalar(_key, node: Scalar) {
      if (typeof node.value === 'string' && needsEscape(node.value)) node.type = Scalar.QUOTE_DOUBLE
    }
  })
  doc.commentBefore = header.map(commentLine).join('\n')
  // yaml escapes C0 controls in double quotes itself; bidi controls, C1 and line separators are
  // left raw, and only ever inside the double-quoted scalars chosen above.
  return escapeUnsafe(doc.toString({ lineWidth: 0, flowCollectionPadding: true }))
}
