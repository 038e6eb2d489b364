/**
 * The fast path of the iptables-save parser (iptables-save.ts): one regular expression that finds
 * the runs of lines in the common shape, which the parse reads in place without tokenizing.
 *
 * The common shape of a rule line: what iptables-save prints for nearly every rule. parseRule
 * reads every such line without a warning, so the parse only has to find the rule lines that are
 * not in this shape (one regular expression over the text, native code, nothing allocated) and
 * read the chain and counters of the others. The shape is deliberately narrow; anything else
 * (tabs, escapes, `-s ! x`, negative numbers, -c, long -j/-g, options after the target's options,
 * quoted chains or targets, …) goes through parseRule.
 *   [p:b] -A CHAIN { [!] MATCH } [ -j|-g TARGET { TARGET-OPTION } ]
 * where a MATCH is -s/-d/-p/-i/-o (and long names) with exactly one value, a ONE_VALUE option with
 * one value (a word or a plain `"…"`), or any other option (not -j/-g/-c/-m…) with any number of
 * values; values never start with `-` or `!`.
 */

const END = '(?= |\\r?\\n|\\r?$)'
const WORD = '[^ \\t\\r\\n"!\\-][^ \\t\\r\\n"]*'
const VALUE = `(?:${WORD}|"[^"\\\\\\r\\n]*")`
const OPTION = '--?[A-Za-z][A-Za-z0-9_-]*'
const ONE_VALUE_RE = `--(?:comment|log-prefix|nflog-prefix|string|hex-string)${END}`
const SINGLE = `(?:-[sdpio]|--(?:source|src|destination|dst|protocol|in-interface|out-interface))${END}`
const SPECIAL = `(?:-[sdpiojgcm]|--(?:source|src|destination|dst|protocol|in-interface|out-interface|jump|goto|set-counters|match|append|comment|log-prefix|nflog-prefix|string|hex-string))${END}`
const OTHER = `(?!${SPECIAL})${OPTION}(?: +${VALUE})*`
const MATCH = `(?:! +)?(?:${SINGLE} +${WORD}|${ONE_VALUE_RE} +${VALUE}|(?:-m|--match)${END}(?: +${VALUE})*|${OTHER})`
const TARGET_OPTION = `(?:${ONE_VALUE_RE} +${VALUE}|${OTHER})`
const COMMON_RULE = `(?:\\[\\d{1,20}:\\d{1,20}\\] +)?-A +${WORD}(?: +${MATCH})*(?: +-[jg] +${WORD}(?: +${TARGET_OPTION})*)? *`
/**
 * The same shape as iptables-save prints it for kube-proxy, Docker and most other rules: single
 * blanks, no counters, and only options from a list (none of them special above) with one value
 * (`--random-fully` none, as a target option). A special case of COMMON_RULE, tried first because
 * its literal words match far faster than COMMON_RULE's general option loop; together they
 * accept exactly the lines COMMON_RULE accepts.
 */
const FAST_OPTION =
  '--(?:dport|dports|sport|sports|ctstate|state|mark|set-xmark|set-mark|dst-type|src-type|mode|probability|to-destination|to-source|to-ports|random-fully|reject-with|icmp-type)'
const FAST_RULE =
  `-A ${WORD}(?: (?:! )?-[sdpio] ${WORD}| -m ${WORD}| --comment ${VALUE}| (?:! )?${FAST_OPTION} ${WORD})*` +
  `(?: -[jg] ${WORD}(?: ${FAST_OPTION}(?: ${WORD})?)*)?`
/**
 * A run of up to 4,096 lines, each ending with a newline, that are rule lines in the common shape
 * or other lines without a tab (chain declarations among them: commonChain reads those in place
 * when they are in iptables-save's own form). Bounded, so the backtracking stack of the regular
 * expression stays small.
 */
const COMMON_LINES = new RegExp(
  `(?:(?:${FAST_RULE}|${COMMON_RULE}|[^-\\[ \\t\\r\\n][^\\t\\r\\n]*)?\\r?\\n){0,4096}`,
  'y'
)

/** The end of the run of such lines that starts at `start` (a line start); `start` when that line is an uncommon rule. */
export function commonRunEnd(text: string, start: number): number {
  COMMON_LINES.lastIndex = start
  return COMMON_LINES.test(text) ? COMMON_LINES.lastIndex : start
}
