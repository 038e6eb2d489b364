// Preloaded with `node --import` into a process whose peak memory a test measures: at exit, writes
// process.resourceUsage().maxRSS (KiB, the peak resident set of the whole process) to the file
// named by NETLENS_MAX_RSS_FILE.
import { writeFileSync } from 'node:fs'

const file = process.env.NETLENS_MAX_RSS_FILE
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)))
