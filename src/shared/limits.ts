/**
 * How much NetLens reads from any one source, so a hostile or broken host or file gets a clear
 * refusal instead of a crash (V8's string limit is 2^29 characters; a snapshot of millions of rules
 * outgrows memory long before that). The numbers leave room for the largest real hosts we know:
 * a kube-proxy iptables-save of 695,992 lines (kubernetes/kubernetes#96018), 262,144 conntrack
 * entries (nf_conntrack_max on a 16 GB host). Peak memory stays under 1.5 GB at these limits
 * (test/unit/model/memory-limits.test.ts measures it).
 */

/** Largest capture or snapshot file NetLens opens (CLI SOURCE, the app's Open File, browser mode). */
export const MAX_SOURCE_FILE_BYTES = 256 * 1024 * 1024

/** Largest number of lines one capture section may have (conntrack is capped instead, see below). */
export const MAX_SECTION_LINES = 1_000_000

/** Conntrack entries kept by default, from a live probe and from files alike; the true total is still reported. */
export const DEFAULT_CONNTRACK_CAP = 200_000

/** `268435456` → `256 MB` (MiB, as `ls -lh` and file managers count). */
export function formatMegabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024)
  return `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`
}

/** `5000000` → `5,000,000`, the same in every locale (messages are compared in tests). */
export function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}
