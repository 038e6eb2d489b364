/**
 * The one rule for an SSH host alias (or `user@host`) that NetLens passes to `ssh` and `ssh -G`,
 * from any door: the CLI's HOST/SOURCE, the app's Add host, the saved state file, ~/.ssh/config
 * Host lines. NetLens always puts `--` before it, and still:
 * - letters, digits and `. _ @ + : -` only: no whitespace, quotes or shell metacharacters, since
 *   ssh hands the host to ProxyCommand and LocalCommand through a shell;
 * - no `-` at the start, nor right after `@`: `-oProxyCommand=…` or `user@-oProxyCommand=…` must
 *   never reach ssh as an option (CVE-2017-1000117 and its kin in git and ssh wrappers);
 * - no `%`: ssh_config expands `%h`, `%n`, `%r`… in ProxyCommand, ControlPath and LocalCommand, and
 *   a `%` in the name would be read as one of those tokens. No real alias or host name needs it;
 * - at most 253 characters (the longest DNS name).
 */
import { fail, ok, type Result } from './result'

const SSH_ALIAS = /^[A-Za-z0-9_][A-Za-z0-9._@+:-]{0,252}$/

export function isValidSshAlias(alias: string): boolean {
  return SSH_ALIAS.test(alias) && !alias.includes('@-') && !alias.endsWith('@')
}

/** How the rule is explained wherever an alias is refused. */
export const SSH_ALIAS_REMEDY =
  'Use a Host alias from ~/.ssh/config or user@host (letters, digits and . _ - @ : +; no - at the start or after @, no %).'

/** The alias, or the one refusal every door gives for an alias the rule rejects. */
export function checkSshAlias(alias: string): Result<string> {
  return isValidSshAlias(alias)
    ? ok(alias)
    : fail('invalid-argument', `Not a valid ssh host alias: ${JSON.stringify(alias)}`, { remedy: SSH_ALIAS_REMEDY })
}
