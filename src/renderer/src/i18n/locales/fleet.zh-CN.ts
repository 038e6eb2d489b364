/** 主机组视图的简体中文文案（zh-CN.ts 以 `fleet` 引入）。 */
import type { FleetMessages } from './fleet.en'

export const fleetZhCN: FleetMessages = {
  title: '主机组',
  intro: '一次看多台主机：每台主机一行，再看跨主机的问题。',
  sshLabel: 'SSH 主机',
  sshPlaceholder: "例如 prod-1 prod-2 admin{'@'}db-3",
  sshHint: "~/.ssh/config 里的别名或 user{'@'}host，用空格或换行分隔",
  capture: '采集',
  allSsh: '全部 SSH 主机',
  parallel: '台并发',
  scenarioLabel: '实训主机组',
  openScenario: '打开',
  filesLabel: '采集文件',
  openFiles: '打开采集文件…',
  folderLabel: '本机上的文件夹',
  folderPlaceholder: '/path/to/captures（比如 Ansible 的 dest）',
  openFolder: '打开文件夹',
  working: '正在采集 {n} 台主机…',
  empty: '添加 SSH 主机、打开采集文件或一个装满采集文件的文件夹，或者打开一个实训主机组。',
  summary: '共 {n} 台 · 正常 {ok} · 部分 {partial} · 未采集 {failed}',
  openHost: '打开这台主机',
  columns: {
    host: '主机',
    state: '状态',
    time: '耗时',
    docker: 'Docker',
    iptables: 'iptables',
    containers: '容器',
    conntrack: '连接跟踪',
    findings: '问题'
  },
  state: {
    ok: '正常',
    partial: '部分',
    unreachable: '连不上',
    auth: '认证失败',
    error: '出错'
  },
  incomplete: '未采集到：{sections}',
  across: '跨主机检查',
  acrossNone: '这些主机之间没有发现问题。',
  hosts: '主机：',
  overlayTitle: '跨主机的 overlay 网络',
  overlayNone: '这些主机上没有挂着容器的 overlay 网络。',
  legend: {
    ok: 'VXLAN 隧道：两边的转发表（FDB）都认识对方的 VTEP',
    broken: '断开：缺少转发表项，或者 VNI 不一致',
    stray: '指向本组之外 VTEP 的转发表项'
  },
  drawing: {
    tunnel: 'VXLAN 隧道 {vni}',
    vniMismatch: 'VNI 不一致：{a} ≠ {b}',
    missing: '{from} 的转发表里没有 {to}',
    stray: '不在本组内',
    more: '还有 {n} 个',
    hostsShown: '仅显示 {total} 台中的前 {shown} 台',
    noNamespace: '没有 overlay 命名空间'
  }
}
