import { describe, expect, it } from 'vitest'
import { describeTarget, parseContainerSpec, resolvePacketTarget } from '../../../src/shared/packets/target'
import { labFacts, labSnapshot } from './lab-pcaps'

describe('resolvePacketTarget on the lab snapshot', () => {
  const snapshot = labSnapshot()
  const lab = labFacts()

  it('--container NAME: the host veth of its first interface (the veths tcpdump was run on for the fixtures)', () => {
    for (const [name, veth] of [
      ['nllab-default', lab.defaultVeth],
      ['nllab-web', lab.webVeth],
      ['nllab-app', lab.appVeth]
    ]) {
      const r = resolvePacketTarget(snapshot, { container: name })
      expect(r, name).toEqual({
        ok: true,
        value: { iface: veth, netns: 'host', pid: null, container: name, containerIface: 'eth0' }
      })
    }
    const r = resolvePacketTarget(snapshot, { container: 'nllab-default' })
    if (r.ok) expect(describeTarget(r.value)).toBe(`${lab.defaultVeth} (host end of nllab-default eth0)`)
  })

  it('--container NAME:IFNAME picks that interface (nllab-app is on two networks)', () => {
    const app = snapshot.containers.find((c) => c.name === 'nllab-app')!
    const eth1 = app.interfaces.find((i) => i.ifname === 'eth1')!
    expect(resolvePacketTarget(snapshot, { container: 'nllab-app', ifname: 'eth1' })).toMatchObject({
      ok: true,
      value: { iface: eth1.hostVeth, containerIface: 'eth1' }
    })
  })

  it('a container: mode member captures on the veth of the namespace owner', () => {
    expect(resolvePacketTarget(snapshot, { container: 'nllab-sidecar' })).toMatchObject({
      ok: true,
      value: { iface: lab.webVeth, container: 'nllab-sidecar' }
    })
  })

  it('--inside: the interface inside the container, entered through the owner’s pid', () => {
    const web = snapshot.containers.find((c) => c.name === 'nllab-web')!
    const r = resolvePacketTarget(snapshot, { container: 'nllab-sidecar', inside: true })
    expect(r).toMatchObject({ ok: true, value: { iface: 'eth0', pid: web.pid, container: 'nllab-sidecar' } })
    if (r.ok) expect(describeTarget(r.value, 'zh-CN')).toBe('nllab-sidecar 内的 eth0')
    expect(resolvePacketTarget(snapshot, { container: 'nllab-none', inside: true })).toMatchObject({
      ok: true,
      value: { iface: 'lo' }
    })
  })

  it('refusals say what to do instead', () => {
    const cases: [Parameters<typeof resolvePacketTarget>[1], string, RegExp, RegExp][] = [
      [{ container: 'nllab-hostmode' }, 'invalid-argument', /host's network namespace/, /--iface/],
      [{ container: 'nllab-none' }, 'not-found', /no network interface but lo/, /--inside/],
      [{ container: 'no-such' }, 'not-found', /no container "no-such"/, /nllab-web/],
      [{ container: 'nllab-web', ifname: 'eth7' }, 'not-found', /no interface "eth7"/, /eth0/],
      [{ iface: 'nope0' }, 'not-found', /no interface "nope0"/, /docker0/],
      [{ iface: 'docker0', inside: true }, 'invalid-argument', /--inside goes with --container/, /^$/],
      [{}, 'invalid-argument', /an interface or a container/, /^$/]
    ]
    for (const [spec, code, message, remedy] of cases) {
      const r = resolvePacketTarget(snapshot, spec)
      expect(r.ok, JSON.stringify(spec)).toBe(false)
      if (r.ok) continue
      expect(r.error.code).toBe(code)
      expect(r.error.message).toMatch(message)
      expect(r.error.remedy ?? '').toMatch(remedy)
    }
  })

  it('--iface accepts host interfaces and `any`', () => {
    expect(resolvePacketTarget(snapshot, { iface: 'nllabwan0' })).toMatchObject({
      ok: true,
      value: { iface: 'nllabwan0', container: null }
    })
    expect(resolvePacketTarget(snapshot, { iface: 'any' })).toMatchObject({ ok: true, value: { iface: 'any' } })
  })
})

describe('parseContainerSpec', () => {
  it('splits NAME:IFNAME at the last colon; a name alone has no interface', () => {
    expect(parseContainerSpec('web')).toEqual({ container: 'web', ifname: null })
    expect(parseContainerSpec('web:eth1')).toEqual({ container: 'web', ifname: 'eth1' })
    expect(parseContainerSpec('web:')).toEqual({ container: 'web', ifname: null })
    expect(parseContainerSpec(':eth0')).toEqual({ container: ':eth0', ifname: null })
  })
})
