/**
 * The probe must stay read-only. This test tokenizes resources/probe.sh (a small POSIX sh lexer:
 * quotes, ${…}, $(…), $((…)), case patterns, for-lists, redirections) and checks every command it
 * can run, including the payloads of its wrappers (nl_run / nl_x / nl_p / sudo -n / timeout /
 * nsenter), against an allow-list of read-only commands and arguments. Output redirections may
 * only go to /dev/null, the probe's own temp files or other file descriptors.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { execa } from 'execa'
import { describe, expect, it } from 'vitest'
import { NS_SECTION, SECTION } from '../../../src/main/capture/sections'

const PROBE = join(__dirname, '../../../resources/probe.sh')

type Word = string
interface SimpleCommand {
  words: Word[]
  redirects: string[]
  line: number
}

const KEYWORDS_NEXT_IS_COMMAND = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', '(', 'time'])
const KEYWORDS_END = new Set(['fi', 'done', 'esac', '}', ')'])

/** Reads a balanced `$(`…`)` / `${`…`}` / `$((`…`))` starting at s[i] (the `$`). Returns end index (exclusive). */
function balanced(s: string, i: number, open: string, close: string): number {
  let depth = 0
  let j = i
  while (j < s.length) {
    const c = s[j]
    if (c === '\\') {
      j += 2
      continue
    }
    if (c === "'" && open !== '{') {
      const e = s.indexOf("'", j + 1)
      j = e < 0 ? s.length : e + 1
      continue
    }
    if (c === open) depth++
    else if (c === close) {
      depth--
      if (depth === 0) return j + 1
    }
    j++
  }
  throw new Error(`unbalanced ${open} at ${i}`)
}

/** Splits a script into simple commands; command substitutions are lexed recursively. */
export function lex(script: string, lineBase = 1): SimpleCommand[] {
  const out: SimpleCommand[] = []
  let words: string[] = []
  let word = ''
  let inWord = false
  let line = lineBase
  let startLine = line
  let caseState: 'none' | 'word' | 'patterns' = 'none'
  const stack: ('none' | 'word' | 'patterns')[] = []

  const endWord = (): void => {
    if (!inWord) return
    words.push(word)
    word = ''
    inWord = false
  }
  const endCommand = (): void => {
    endWord()
    if (words.length) {
      // separate redirections (with their targets) from words
      const w: string[] = []
      const r: string[] = []
      for (let k = 0; k < words.length; k++) {
        const m = /^(\d*)(>>|>&|<&|>\||<>|>|<)(.*)$/.exec(words[k])
        if (m) {
          let target = m[3]
          if (target === '' && k + 1 < words.length) target = words[++k]
          r.push(`${m[2]}${target}`)
        } else w.push(words[k])
      }
      out.push({ words: w, redirects: r, line: startLine })
    }
    words = []
    startLine = line
  }

  let i = 0
  const s = script
  while (i < s.length) {
    const c = s[i]
    // case patterns: skip `pat | pat )`
    if (caseState === 'patterns' && !inWord && words.length === 0) {
      if (c === ' ' || c === '\t' || c === '\n') {
        if (c === '\n') line++
        i++
        continue
      }
      if (s.startsWith('esac', i) && /[\s;]/.test(s[i + 4] ?? '\n')) {
        caseState = stack.pop() ?? 'none'
        i += 4
        continue
      }
      if (c === '#') {
        i = s.indexOf('\n', i)
        continue
      }
      // pattern list up to an unquoted ')'
      let j = i
      while (j < s.length && s[j] !== ')') {
        if (s[j] === "'") j = s.indexOf("'", j + 1)
        else if (s[j] === '\\') {
          j++
          if (s[j] === '\n') line++
        } else if (s[j] === '\n') line++
        j++
      }
      i = j + 1
      caseState = 'none'
      stack.push('patterns')
      startLine = line
      continue
    }
    if (c === '\\' && s[i + 1] === '\n') {
      i += 2
      line++
      continue
    }
    if (c === '#' && !inWord) {
      const e = s.indexOf('\n', i)
      i = e < 0 ? s.length : e
      continue
    }
    if (c === "'") {
      const e = s.indexOf("'", i + 1)
      word += s.slice(i + 1, e)
      line += (s.slice(i, e).match(/\n/g) ?? []).length
      inWord = true
      i = e + 1
      continue
    }
    if (c === '"') {
      inWord = true
      let j = i + 1
      while (s[j] !== '"') {
        if (s[j] === '\\') {
          word += s[j + 1]
          j += 2
          continue
        }
        if (s[j] === '$' && s[j + 1] === '(' && s[j + 2] !== '(') {
          const e = balanced(s, j + 1, '(', ')')
          out.push(...lex(s.slice(j + 2, e - 1), line))
          word += '$(…)'
          j = e
          continue
        }
        if (s[j] === '$' && s[j + 1] === '{') {
          const e = balanced(s, j + 1, '{', '}')
          word += s.slice(j, e)
          j = e
          continue
        }
        if (s[j] === '\n') line++
        word += s[j]
        j++
      }
      i = j + 1
      continue
    }
    if (c === '$' && s[i + 1] === '(' && s[i + 2] === '(') {
      const e = balanced(s, i + 1, '(', ')')
      // command substitutions inside arithmetic run too
      const inner = s.slice(i + 3, e - 2)
      for (let k = inner.indexOf('$('); k >= 0; k = inner.indexOf('$(', k + 2)) {
        if (inner[k + 2] === '(') continue
        const ke = balanced(inner, k + 1, '(', ')')
        out.push(...lex(inner.slice(k + 2, ke - 1), line))
      }
      word += s.slice(i, e)
      inWord = true
      i = e
      continue
    }
    if (c === '$' && s[i + 1] === '(') {
      const e = balanced(s, i + 1, '(', ')')
      out.push(...lex(s.slice(i + 2, e - 1), line))
      word += '$(…)'
      inWord = true
      i = e
      continue
    }
    if (c === '$' && s[i + 1] === '{') {
      const e = balanced(s, i + 1, '{', '}')
      word += s.slice(i, e)
      inWord = true
      i = e
      continue
    }
    if (c === '`') throw new Error(`backticks are not allowed in the probe (line ${line}); use $(…)`)
    if (c === '\\') {
      word += s[i + 1]
      inWord = true
      i += 2
      continue
    }
    if (c === ' ' || c === '\t') {
      endWord()
      i++
      continue
    }
    if (c === '\n' || c === ';' || c === '&' || c === '|' || c === '(' || c === ')') {
      // `>&2`, `2>&1`, `>|` stay inside the current word
      if ((c === '&' || c === '|') && inWord && /[<>]$/.test(word)) {
        word += c
        i++
        continue
      }
      if (c === ')' && s[i - 1] === '(') {
        // function definition `name()`
        i++
        continue
      }
      if (c === '(' && s[i + 1] === ')') {
        endWord()
        words = [] // `name() {` starts a definition, not a command
        i += 2
        continue
      }
      endCommand()
      if (c === ';' && s[i + 1] === ';') {
        if (stack.length && stack[stack.length - 1] === 'patterns') {
          stack.pop()
          caseState = 'patterns'
          stack.push('patterns')
          stack.pop()
        }
        i += 2
        continue
      }
      if (c === '\n') line++
      i++
      startLine = line
      continue
    }
    if ((c === '{' || c === '}') && !inWord && /[\s;]/.test(s[i + 1] ?? '\n')) {
      endCommand()
      i++
      continue
    }
    word += c
    inWord = true
    i++
    // keyword handling at word end
    const next = s[i] ?? '\n'
    if (/[\s;|&()]/.test(next)) {
      if (words.length === 0) {
        if (word === 'case') {
          caseState = 'word'
        } else if (KEYWORDS_NEXT_IS_COMMAND.has(word) || KEYWORDS_END.has(word)) {
          if (word === 'esac') {
            stack.pop() // the arm
            caseState = stack.pop() ?? 'none'
          }
          word = ''
          inWord = false
          continue
        }
      }
      if (caseState === 'word' && word === 'in') {
        endWord()
        words = []
        stack.push('none')
        caseState = 'patterns'
        continue
      }
    }
  }
  endCommand()
  return out.filter((cmd) => !(cmd.words[0] === 'for' || cmd.words[0] === 'case'))
}

// ------------------------------------------------------------------ allow-list
type Check = (args: string[]) => string | null
const noArgs: Check = (a) => (a.length ? `unexpected arguments ${a.join(' ')}` : null)
const exactly =
  (...allowed: string[][]): Check =>
  (a) =>
    allowed.some((x) => x.join(' ') === a.join(' ')) ? null : `arguments not allowed: ${a.join(' ')}`
const readablePath = (p: string): boolean =>
  /^(\/proc\/|\/sys\/|\$NL_T\/(out|err)(\$NL_J)?$|\$NL_T\/j\.\$1$|\$\{?nl_|"?\$nl_)/.test(p) ||
  /^\$\{?nl_[a-z_]+\}?(\/[a-z_]+)*$/.test(p)

/**
 * The probe's own files in its private temp dir: one command's output and stderr, the watchdog's
 * files (per shell: the probe's and each job's, suffix $NL_J), a job's held output and status.
 */
const ownTempFile = (p: string): boolean =>
  /^\$NL_T\/(out|err|cur|killed)(\$NL_J)?$/.test(p) ||
  p === '$NL_T/killed${nl_w_cur#"$NL_T/cur"}' ||
  /^\$NL_T\/j\.\$2(\.st)?$/.test(p) ||
  p === '$NL_T/jobs'

const IP_OBJECTS = new Set(['link', 'addr', 'route', 'neigh'])

const ALLOW: Record<string, Check> = {
  hostname: noArgs,
  uname: exactly(['-r']),
  id: exactly(['-u'], ['-un']),
  date: (a) => (a.every((x) => x === '-u' || x.startsWith('+')) ? null : `date ${a.join(' ')}`),
  cat: (a) => (a.length && a.every(readablePath) ? null : `cat of ${a.join(' ')}`),
  head: (a) => (a[0] === '-n' && a.slice(2).every(readablePath) ? null : `head ${a.join(' ')}`),
  tr: (a) => (a.length === 2 ? null : `tr ${a.join(' ')}`),
  sed: (a) =>
    a[0] === '-n' && a.length <= 3 && !/(^|;)\s*w|\/w\b/.test(a[1] ?? '') && !a.some((x) => x.startsWith('-i'))
      ? null
      : `sed ${a.join(' ')}`,
  // One path, or a batch of them with the name after each inode / filesystem type.
  stat: (a) => (/^-L (-f -c %T|-c %i)( %n)? \S+$/.test(a.join(' ')) ? null : `stat ${a.join(' ')}`),
  // The watchdog's tick.
  sleep: exactly(['1']),
  // Only the probe's own processes: the watchdog, the processes of a section that ran too long
  // (nl_kill_tree: below the probe's shell), and `kill -0` to see whether the probe is still there.
  kill: (a) =>
    ['$NL_WD', '$nl_kt_list'].includes(a.join(' ')) || ['-0 $NL_MAIN', '-0 $nl_jp'].includes(a.join(' '))
      ? null
      : `kill ${a.join(' ')}`,
  // Only a job the probe started itself (nl_early), by the pid it noted.
  wait: exactly(['${nl_jpid%% *}']),
  mktemp: exactly(['-d']),
  rm: (a) =>
    a[0] === '-f' && a.length > 1 && a.slice(1).every((x) => /^\$NL_T\/((out|err|cur|killed)\*?|j\.\*|jobs)$/.test(x))
      ? null
      : `rm ${a.join(' ')}`,
  rmdir: exactly(['$NL_T']),
  docker: (a) => {
    const s = a.filter((x) => !x.startsWith('$')).join(' ')
    const ok = [
      /^version --format \{\{\.Server\.Version\}\}$/,
      /^network ls -q$/,
      /^network inspect$/,
      /^ps -aq$/,
      /^ps -q$/,
      /^container inspect$/,
      /^inspect -f \{\{\.State\.Pid\}\} \{\{\.Id\}\}$/
    ]
    return ok.some((r) => r.test(s)) ? null : `docker ${a.join(' ')}`
  },
  // Only what `podman ps` itself reads; never `info`, `system …`, `run`, `rm`, `network create`.
  podman: (a) => {
    const s = a.filter((x) => !x.startsWith('$')).join(' ')
    const ok = [
      /^version --format \{\{\.Client\.Version\}\}$/,
      /^network ls -q$/,
      /^network ls --format json$/,
      /^network inspect$/,
      /^ps -aq$/,
      /^container inspect$/,
      /^pod ps --format json$/
    ]
    return ok.some((r) => r.test(s)) ? null : `podman ${a.join(' ')}`
  },
  ip: (a) => {
    const rest = a.filter((x) => x !== '-j' && x !== '-d')
    if (!IP_OBJECTS.has(rest[0] ?? '')) return `ip ${a.join(' ')}`
    const tail = rest.slice(1).join(' ')
    return tail === 'show' || tail === 'show table all' ? null : `ip ${a.join(' ')}`
  },
  bridge: (a) => {
    const rest = a.filter((x) => x !== '-j').join(' ')
    return rest === 'link show' || rest === 'fdb show' ? null : `bridge ${a.join(' ')}`
  },
  brctl: exactly(['show']),
  iptables: exactly(['-V'], ['-t', 'nat', '-L', '-n', '-v', '--line-numbers']),
  'iptables-save': noArgs,
  'ip6tables-save': noArgs,
  'iptables-legacy-save': noArgs,
  'iptables-nft-save': noArgs,
  // The JSON ruleset, and the text chain listing for the devices of ingress/egress chains.
  nft: exactly(['-j', 'list', 'ruleset'], ['list', 'chains']),
  conntrack: exactly(['-L', '-o', 'extended']),
  ss: exactly(['-Htulpn'])
}

const BUILTINS = new Set([
  'echo',
  'printf',
  'read',
  'set',
  'shift',
  'return',
  'exit',
  'export',
  'break',
  'continue',
  '[',
  'test',
  'true',
  'false',
  ':'
])

/** Wrappers whose arguments are a command line to check (after their own fixed arguments). */
function unwrap(words: string[]): { words: string[]; error?: string } {
  let w = words
  for (;;) {
    if (!w.length) return { words: w }
    const [head, ...rest] = w
    if (head === '$NL_TO') w = rest
    else if (head === '$NL_DOCKER' || head === 'nl_x' || head === 'nl_p') w = rest
    else if (head === 'nl_run' || head === 'nl_run_kept') w = rest.slice(2)
    else if (head === 'timeout') {
      if (!/^\d+$/.test(rest[0] ?? '')) return { words: w, error: 'timeout without a duration' }
      w = rest.slice(1)
    } else if (head === 'sudo') {
      if (rest[0] !== '-n') return { words: w, error: 'sudo without -n' }
      w = rest.slice(1)
    } else if (head === 'env') {
      // Only to make ss read /proc instead of loading inet_diag (see the probe's header).
      if (rest[0] !== 'PROC_ROOT=/proc') return { words: w, error: 'env other than PROC_ROOT=/proc' }
      w = rest.slice(1)
    } else if (head === 'nsenter') {
      if (!/^--net=/.test(rest[0] ?? '')) return { words: w, error: 'nsenter other than --net=' }
      w = rest.slice(1)
    } else return { words: w }
  }
}

const WRAPPERS = new Set(['nl_run', 'nl_x', 'nl_p'])
const JOB_RUNNERS = new Set(['nl_early', 'nl_join', 'nl_drop'])

/** The function whose body holds `line` (definitions start with `name() {` and end with `}` in column 0). */
function functionAt(script: string, line: number): string | null {
  const lines = script.split('\n')
  let current: string | null = null
  for (let k = 0; k < lines.length && k < line; k++) {
    const def = /^([a-z_][a-z0-9_]*)\(\)\s*\{/.exec(lines[k])
    if (def) current = def[1]
    else if (/^\}/.test(lines[k])) current = null
  }
  return current
}

export function checkScript(script: string): { violations: string[]; seen: Set<string> } {
  const functions = new Set([...script.matchAll(/^([a-z_][a-z0-9_]*)\(\)\s*\{/gm)].map((m) => m[1]))
  const violations: string[] = []
  const seen = new Set<string>()
  for (const cmd of lex(script)) {
    for (const r of cmd.redirects) {
      const ok =
        /^<|^<&/.test(r) ||
        /^>&(\d|-)$/.test(r) ||
        /^<&-$/.test(r) ||
        r === '>/dev/null' ||
        (/^>[^>]/.test(r) && ownTempFile(r.slice(1))) ||
        r === '>>$NL_T/jobs'
      if (!ok) violations.push(`line ${cmd.line}: redirection ${r}`)
    }
    let words = cmd.words
    while (words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0])) words = words.slice(1)
    if (words[0] === '!') words = words.slice(1)
    if (!words.length) continue
    const u = unwrap(words)
    if (u.error) {
      violations.push(`line ${cmd.line}: ${u.error}: ${words.join(' ')}`)
      continue
    }
    words = u.words
    if (!words.length) continue
    const [name, ...args] = words
    seen.add(name)
    if (name === '$@') {
      // only the wrappers may run their arguments: their call sites are checked instead
      const fn = functionAt(script, cmd.line)
      if (!fn || !WRAPPERS.has(fn))
        violations.push(`line ${cmd.line}: "$@" run outside nl_run/nl_x/nl_p (${fn ?? 'top level'})`)
      continue
    }
    // Jobs (nl_early, nl_join, nl_drop) run a function of the probe's by its name: the call sites
    // must name one (its body is checked where it is defined), and only those three run the name.
    if (JOB_RUNNERS.has(name)) {
      const fnArg = name === 'nl_early' ? args[1] : args[0]
      const modeOk = name !== 'nl_early' || args[0] === 'bg' || args[0] === 'fg'
      if (!modeOk || !fnArg || !functions.has(fnArg) || args.length !== (name === 'nl_early' ? 2 : 1))
        violations.push(
          `line ${cmd.line}: ${name} of something other than one of the probe's functions: ${args.join(' ')}`
        )
      continue
    }
    if (name === '$1' || name === '$2') {
      const fn = functionAt(script, cmd.line)
      const runs = fn === 'nl_early' ? '$2' : fn === 'nl_join' ? '$1' : null
      if (runs !== name) violations.push(`line ${cmd.line}: ${name} run as a command outside nl_early/nl_join`)
      continue
    }
    if (functions.has(name)) continue
    if (name === 'command') {
      if (args[0] !== '-v') violations.push(`line ${cmd.line}: command ${args.join(' ')}`)
      continue
    }
    if (name === 'trap') {
      const action = args[0] ?? ''
      if (!(functions.has(action) || /^exit \d+$/.test(action))) violations.push(`line ${cmd.line}: trap ${action}`)
      continue
    }
    if (BUILTINS.has(name)) continue
    const check = ALLOW[name]
    if (!check) {
      violations.push(`line ${cmd.line}: command not allowed: ${words.join(' ')}`)
      continue
    }
    const err = check(args)
    if (err) violations.push(`line ${cmd.line}: ${err}`)
  }
  return { violations, seen }
}

describe('probe.sh allow-list', () => {
  const script = readFileSync(PROBE, 'utf8')

  it('emits only section names declared in sections.ts', () => {
    const names = [...script.matchAll(/^\s*nl_(?:run|run_kept|skip) ("?)([^\s"]+)\1 /gm)].map((m) => m[2])
    expect(names.length).toBeGreaterThan(30)
    const host = new Set<string>(Object.values(SECTION))
    const ns = new Set<string>(Object.values(NS_SECTION))
    for (const n of names) {
      const m = /^ns\/\$nl_id\/(.+)$/.exec(n)
      if (m) expect(ns, n).toContain(m[1])
      else expect(host, n).toContain(n)
    }
  })

  it('is valid sh (sh -n)', async () => {
    const r = await execa('sh', ['-n', PROBE], { reject: false })
    expect(r.stderr).toBe('')
    expect(r.exitCode).toBe(0)
  })

  it('runs only allow-listed read-only commands', () => {
    const { violations } = checkScript(script)
    expect(violations).toEqual([])
  })

  it('actually reaches the commands it is meant to check', () => {
    const { seen } = checkScript(script)
    for (const c of [
      'docker',
      'podman',
      'tr',
      'ip',
      'bridge',
      'brctl',
      'iptables',
      'iptables-save',
      'ip6tables-save',
      'nft',
      'conntrack',
      'ss',
      'stat',
      'cat',
      'rm',
      'wait'
    ]) {
      expect(seen, c).toContain(c)
    }
  })

  const bad: [string, string][] = [
    ['flush', 'iptables -F'],
    ['flush via run', "nl_run x 'x' nl_p iptables -t nat -F"],
    ['list without -n (DNS)', 'nl_run x x nl_p iptables -t nat -L -v'],
    ['link set', 'ip link set eth0 down'],
    ['netns exec', 'nl_x ip netns exec foo ip link show'],
    ['netns add', 'ip netns add nltmp'],
    ['route add', 'nl_p nsenter --net=/proc/1/ns/net ip route add default via 10.0.0.1'],
    ['rm -rf', 'rm -rf /'],
    ['rm outside temp', 'rm -f /etc/passwd'],
    ['redirect to file', 'echo x > /etc/motd'],
    ['append to file', 'echo x >>/tmp/log'],
    ['docker run', 'docker run lab/busybox:1 true'],
    ['docker network rm', "nl_run x 'x' $NL_DOCKER docker network rm foo"],
    ['podman info (creates storage)', 'nl_x podman info'],
    ['podman system migrate', "nl_run x 'x' nl_x podman system migrate"],
    ['podman network create', 'nl_x podman network create nltmp'],
    ['podman run', 'podman run localhost/busybox true'],
    ['podman rm', 'nl_x podman rm -f web'],
    ['podman pod rm', "nl_run x 'x' nl_x podman pod rm -f pod1"],
    ['modprobe', 'modprobe br_netfilter'],
    ['nft flush', 'nl_p nft flush ruleset'],
    ['conntrack -F', 'nl_p conntrack -F'],
    ['conntrack -D', 'nl_p conntrack -D -p tcp'],
    ['sed -i', "sed -i 's/a/b/' /etc/hosts"],
    ['eval', 'eval "$x"'],
    ['sysctl -w', 'sysctl -w net.ipv4.ip_forward=0'],
    ['sudo without -n', 'sudo iptables-save'],
    ['in a substitution', 'x=$(iptables -F)'],
    ['in a quoted substitution', 'echo "$(ip link del docker0)"'],
    ['in an if', 'if true; then bridge fdb del 00:11:22:33:44:55 dev eth0; fi'],
    ['in a case arm', 'case $x in a) ip addr flush dev eth0 ;; esac'],
    ['after &&', 'true && brctl delbr docker0'],
    ['in a pipe', 'echo | tee /etc/x'],
    ['trap command', "trap 'rm -rf /' EXIT"],
    ['backticks', 'x=`iptables -F`'],
    ['inside arithmetic', 'x=$(( $(ip link del eth0) + 1 ))'],
    ['a new wrapper that runs its arguments', 'nl_evil() {\n  "$@"\n}\nnl_evil iptables -F'],
    ['for list substitution', 'for x in $(iptables -X); do :; done'],
    ['for body', 'for x in a b; do ip link del $x; done'],
    ['kill of another process', 'kill 1'],
    ['kill of a pid from a variable', 'kill -9 "$x"'],
    ['sleep as a stall', 'sleep 3600'],
    ['wait on anything', 'wait'],
    ['wait on a pid from a variable', 'wait "$x"'],
    ['a job of a command instead of a function', 'nl_early bg iptables -F'],
    ['a join of a command instead of a function', 'nl_join iptables-restore'],
    ['a job of a function with arguments', 'nl_early bg nl_f_brif iptables -F'],
    ['a new function running its argument by name', 'nl_evil() {\n  "$1"\n}\nnl_evil x'],
    ['writes to another job file', 'echo x >"$NL_T/j.other"'],
    ['writes to another temp file', 'echo x >"$NL_T/other"'],
    ['a kept run of a bad command', "nl_run_kept x 'x' nl_p iptables -F"],
    ['env with another variable', 'nl_p env LD_PRELOAD=/tmp/x.so ss -Htulpn'],
    ['env running a bad command', 'nl_p env PROC_ROOT=/proc iptables -F']
  ]
  it.each(bad)('rejects a probe that adds: %s', (_label, line) => {
    let result: string[]
    try {
      result = checkScript(`${script}\n${line}\n`).violations
    } catch (e) {
      result = [String(e)]
    }
    expect(result.length).toBeGreaterThan(0)
  })
})

/**
 * The `if`/`elif`/`else` conditions around line `line` (1-based), innermost last. An `else` (or an
 * `elif`) branch holds the earlier conditions negated, written `not (…)`. The probe writes each
 * `if …; then`, `elif …; then`, `else` and `fi` on a line of its own.
 */
export function conditionsAt(script: string, line: number): string[] {
  const stack: string[][] = []
  const lines = script.split('\n')
  for (let k = 0; k < line - 1 && k < lines.length; k++) {
    const text = lines[k].trim()
    const ifMatch = /^if (.*); then$/.exec(text)
    const elifMatch = /^elif (.*); then$/.exec(text)
    if (ifMatch) stack.push([ifMatch[1]])
    else if (elifMatch && stack.length) {
      const top = stack[stack.length - 1]
      top.push(`not (${top.pop()})`, elifMatch[1])
    } else if (text === 'else' && stack.length) {
      const top = stack[stack.length - 1]
      top.push(`not (${top.pop()})`)
    } else if (text === 'fi') stack.pop()
  }
  return stack.flat()
}

describe('probe.sh loads no kernel module', () => {
  const script = readFileSync(PROBE, 'utf8')
  const commands = lex(script)

  /** The lines running `name` (after the wrappers), with the words of each, before and after unwrapping. */
  function runs(name: string): { line: number; words: string[]; written: string[] }[] {
    return commands
      .map((c) => ({
        line: c.line,
        words: unwrap(c.words.filter((w, i) => i > 0 || !/^[A-Za-z_]+=/.test(w))).words,
        written: c.words
      }))
      .filter((c) => c.words[0] === name)
  }

  /**
   * A condition (not negated) around the line contains `guard`; for a line inside a function (not
   * a wrapper), around every place that calls it.
   */
  function guarded(line: number, guard: string, depth = 0): boolean {
    if (conditionsAt(script, line).some((c) => !c.startsWith('not (') && c.includes(guard))) return true
    const fn = functionAt(script, line)
    if (!fn || WRAPPERS.has(fn) || depth > 5) return false
    const calls = commands.filter((c) => c.words.includes(fn) && functionAt(script, c.line) !== fn)
    return calls.length > 0 && calls.every((c) => guarded(c.line, guard, depth + 1))
  }

  // Each command that could make the kernel load a module, and the check that must come first.
  const GUARDS: [string, (words: string[]) => boolean, string][] = [
    ['iptables-save', () => true, 'nl_rules_ok ip'],
    ['ip6tables-save', () => true, 'nl_rules_ok ip6'],
    ['iptables-legacy-save', () => true, '-e /proc/net/ip_tables_names'],
    ['iptables-nft-save', () => true, 'nl_mod_ok nf_tables'],
    ['nft', () => true, 'nl_mod_ok nf_tables'],
    ['conntrack', () => true, 'nl_mod_ok nf_conntrack_netlink'],
    ['brctl', () => true, 'nl_mod_ok bridge'],
    // The nat-table listing fallback: only after iptables-save ran (NL_SAVE_ST set) and failed.
    ['iptables', (w) => w.includes('-L'), '-n "$NL_SAVE_ST"'],
    // ss through netlink only when the sock_diag modules are there; otherwise PROC_ROOT (below).
    ['ss', (w) => !w.includes('PROC_ROOT=/proc'), 'nl_mod_ok inet_diag && nl_mod_ok tcp_diag && nl_mod_ok udp_diag']
  ]

  it.each(GUARDS)('%s runs only behind its guard', (name, applies, guard) => {
    const lines = runs(name).filter((r) => applies(r.written))
    expect(lines.length, `${name} not found in the probe`).toBeGreaterThan(0)
    for (const r of lines)
      expect(guarded(r.line, guard), `line ${r.line}: ${r.words.join(' ')} outside "${guard}"`).toBe(true)
  })

  it('reads listening sockets from /proc when the sock_diag modules are not all loaded', () => {
    const viaEnv = runs('ss').filter((r) => r.written.includes('PROC_ROOT=/proc'))
    expect(viaEnv.map((r) => r.written.slice(-4).join(' '))).toEqual(['env PROC_ROOT=/proc ss -Htulpn'])
    expect(conditionsAt(script, viaEnv[0].line).at(-1)).toMatch(
      /^not \(nl_mod_ok inet_diag && nl_mod_ok tcp_diag && nl_mod_ok udp_diag/
    )
  })

  it('tells apart the conditions of if, elif and else branches', () => {
    const sample = ['if a; then', 'x', 'elif b; then', 'y', 'else', 'z', 'fi', 'w'].join('\n')
    expect(conditionsAt(sample, 2)).toEqual(['a'])
    expect(conditionsAt(sample, 4)).toEqual(['not (a)', 'b'])
    expect(conditionsAt(sample, 6)).toEqual(['not (a)', 'not (b)'])
    expect(conditionsAt(sample, 8)).toEqual([])
  })
})
