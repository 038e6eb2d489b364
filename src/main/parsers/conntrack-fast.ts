/** The fast path of the conntrack parser (conntrack.ts): the regular expression of its common lines. */
/**
 * A line in the common shape of `conntrack -L [-o extended]` (and /proc/net/nf_conntrack without
 * zone): header, two tuples of src/dst and numeric fields, flags, then mark/zone/use. parseLine
 * reads every such line as an entry without a warning, so the parse only needs to find the lines
 * that are not in this shape. Values stop at blanks and line ends; a NUMBER is what number() takes
 * (1 to 20 digits, spelled as nested optional digits: the regular expression engine runs a counted
 * `\d{1,20}` far slower). FAST is the same shape as conntrack prints it (single blanks, ports or
 * icmp fields, `mark= use=`): a special case of GENERAL that is tried first because its literal
 * words match several times faster, so the two accept exactly the lines GENERAL accepts.
 */
const VALUE = '[^ \\r\\n]+'
const NUMBER = `\\d${'(?:\\d'.repeat(19)}${')?'.repeat(19)}`
const TUPLE_FIELD = `(?:sport|dport|type|code|id|packets|bytes)=${NUMBER}`
const FLAG = '\\[[A-Z_]+\\]'
const HEADER = `(?:ipv[46] +${NUMBER} +)?(?:tcp|udp|icmp|icmpv6|sctp|dccp|gre|udplite) +${NUMBER} +${NUMBER} +(?:[A-Z][A-Z_0-9]* +)?`
const GENERAL =
  `${HEADER}src=${VALUE} +dst=${VALUE}(?: +${TUPLE_FIELD})*(?: +${FLAG})*` +
  ` +src=${VALUE} +dst=${VALUE}(?: +${TUPLE_FIELD})*(?: +${FLAG})*(?: +(?:mark|zone|use)=${NUMBER})* *`
const FAST_TUPLE = `src=${VALUE} dst=${VALUE}(?: sport=${NUMBER} dport=${NUMBER}| type=${NUMBER} code=${NUMBER} id=${NUMBER})(?: ${FLAG})*`
const FAST = `${HEADER}${FAST_TUPLE} ${FAST_TUPLE} mark=${NUMBER} use=${NUMBER}`
const COMMON = `(?:${FAST}|${GENERAL})`
/** The lines a block of common-shape lines holds when it is full. */
export const BLOCK_LINES = 64
/**
 * A run of up to BLOCK_LINES lines in the common shape, each ending with a newline (bounded, so
 * the regular expression's backtracking stack stays small on any input); the capture is set when
 * the run is full, so its lines need no counting. (An exact `{64}` would backtrack through every
 * way of reading the lines before a line that fails.)
 */
export const COMMON_LINES = new RegExp(`(?:${COMMON}\\r?\\n){0,${BLOCK_LINES - 1}}(?:${COMMON}\\r?\\n())?`, 'y')
