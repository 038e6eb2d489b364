import { test } from 'vitest'
import { buildSnapshot } from '../../../src/main/model/build-snapshot'
import { captureFromDir } from '../../../test/support/capture-from-dir'
import { diagnose } from '../../../src/shared/diagnose'
import { traceFlow } from '../../../src/shared/trace'
import { writeFileSync } from 'node:fs'
test('x', () => {
  const s = buildSnapshot(captureFromDir('/work/main/test/fixtures/lab/debian-12-docker-20.10'))
  writeFileSync('/tmp/nlscratch/lab.json', JSON.stringify(s, null, 1))
  console.log(JSON.stringify(diagnose(s).map(f => [f.id, f.title.en, f.fix]), null, 1))
  console.log(s.containers.map(c => [c.name, c.state, c.networkMode, c.netns, c.interfaces.map(i => [i.ifname, i.addresses, i.hostVeth, i.bridge, i.network]), c.defaultGateway, c.routes.length]))
  for (const [f, t] of [['nltmp-ll-multi', 'outside'], ['outside', '192.0.2.2:18080/tcp'], ['nltmp-ll-multi', 'nltmp-ll-web:80/tcp'], ['nltmp-ll-def', 'nltmp-ll-web:80/tcp']]) {
    const r = traceFlow(s, f, t)
    console.log(f, t, r.verdict, r.reason.en, r.droppedBy)
    for (const h of [...r.hops, ...r.reply]) console.log('  ', h.kind, h.where, '|', h.description.en, '|', h.rule)
  }
})
