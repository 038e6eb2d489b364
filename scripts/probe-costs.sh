#!/bin/sh
# What each probe section costs on this host (issue #16): runs resources/probe.sh RUNS times with
# every section's wall time and CPU printed to stderr, and prints, per section name (namespaces'
# sections summed as ns/*/<name>), the mean wall and CPU per run, most CPU first, after each run's
# total. CPU is the running shell's own plus its reaped children's (utime+stime+cutime+cstime of
# /proc/self/stat, before and after the section: the probe's shell, or the job running the section
# when it runs concurrently, see nl_early), so a section's docker, nsenter or conntrack process is
# counted; dockerd's work for it is not. Concurrent sections' wall times overlap: their sum is more
# than the run's wall time. The probe's capture goes to /dev/null.
#   sh scripts/probe-costs.sh [PROBE] [RUNS]      (as root for the privileged sections)
# The probe itself is unchanged: an instrumented copy is run from a private temp dir.
set -eu
PROBE=${1:-resources/probe.sh}
RUNS=${2:-3}
TICK_MS=$((1000 / $(getconf CLK_TCK)))
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
{
  # shellcheck disable=SC2016
  printf '%s\n' 'nl_cpu() { read -r nl_cl </proc/self/stat; set -- ${nl_cl##*) }; NL_CPU=$((${12} + ${13} + ${14} + ${15})); }'
  sed -e 's/^  nl_t0=\$NL_NOW$/  nl_t0=$NL_NOW; nl_cpu; nl_c0=$NL_CPU/' \
    -e 's/^    nl_close "\$nl_rc" \$((nl_t1 - nl_t0)) "\$nl_st"$/    nl_cpu; echo "COST $nl_name $((nl_t1 - nl_t0)) $(((NL_CPU - nl_c0) * '"$TICK_MS"'))" >\&2; &/' "$PROBE"
} >"$DIR/probe.sh"
if [ "$(grep -c 'nl_cpu' "$DIR/probe.sh")" -lt 4 ]; then
  echo "probe-costs: $PROBE no longer has the lines this script instruments (nl_t0=, nl_close in nl_run)" >&2
  exit 1
fi
i=0
while [ "$i" -lt "$RUNS" ]; do
  /usr/bin/time -f "TOTAL %e s wall, %U s user, %S s system" sh "$DIR/probe.sh" 2>&1 >/dev/null
  i=$((i + 1))
done | awk -v runs="$RUNS" '
  /^TOTAL/ { print; next }
  /^COST/ { n = $2; sub(/^ns\/[^\/]*\//, "ns/*/", n); w[n] += $3; c[n] += $4; k[n]++ }
  END {
    printf "%-26s %9s %11s %11s\n", "section", "per run", "wall ms", "cpu ms"; fflush()
    for (n in w) printf "%-26s %9d %11.0f %11.0f\n", n, k[n] / runs, w[n] / runs, c[n] / runs | "sort -k4,4nr"
  }'
