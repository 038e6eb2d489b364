/**
 * The training lessons, after the Chinese Docker networking tutorial NetLens grew from (virtual
 * networks, bridge, NAT, host, none, container modes, overlay), plus Docker and Podman on one host
 * and a troubleshooting exercise. Each lesson runs on a
 * scenario of the same id, walks through the real NetLens views (`topology`, `nat`, `traffic`,
 * `diagnose`) and ends with one multiple-choice check graded here, never in the renderer.
 *
 * Focus node ids follow the topology layout: `<kind>:<netns>:<name>`, where a container's netns is
 * `container:<id12>` (the simulator's container ids are sha256 of `<scenario>/<host>/container/<name>`).
 */
import type { Lesson, LessonGrade } from '../../shared/training/types'
import type { Localized } from '../../shared/localized'
import { sha } from './world'

const L = (en: string, zh: string): Localized => ({ en, 'zh-CN': zh })
const netnsOf = (scenario: string, host: string, container: string): string =>
  `container:${sha(`${scenario}/${host}/container/${container}`).slice(0, 12)}`
const cont = (scenario: string, host: string, name: string): string =>
  `container:${netnsOf(scenario, host, name)}:${name}`
const cif = (scenario: string, host: string, name: string, ifname = 'eth0'): string =>
  `iface:${netnsOf(scenario, host, name)}:${ifname}`

interface LessonDef {
  lesson: Lesson
  /** Index of the right choice; for an engine-graded check (see `engine`) it is not used. */
  answer: number
  explanation: Localized
  /**
   * Troubleshooting exercises are graded by the diagnose engine, the same one that reads real hosts:
   * the right choice is the one whose check id the engine reports on the lesson's scenario.
   */
  engine?: { checkIdsByChoice: string[] }
}

export const LESSONS: LessonDef[] = [
  {
    lesson: {
      id: 'virtual-network',
      scenario: 'virtual-network',
      title: L('What is a virtual network?', '什么是虚拟网络'),
      summary: L(
        'The Linux kernel can emulate network devices: a bridge is a virtual switch, and each container plugs into it with a virtual cable (a veth pair).',
        'Linux 内核可以模拟出各种网络设备：网桥就是一台虚拟交换机，每个容器通过一根“虚拟网线”（veth 设备对）接到这台交换机上。'
      ),
      steps: [
        {
          id: 'host',
          view: 'topology',
          text: L(
            'This host has one physical NIC (ens33) and one bridge, docker0. Nothing on the bridge is a real cable: the kernel emulates all of it.',
            '这台宿主机有一块物理网卡 ens33 和一个网桥 docker0。网桥上的东西都不是真实的网线，全部由内核模拟出来。'
          ),
          focus: 'bridge:host:docker0'
        },
        {
          id: 'containers',
          view: 'topology',
          text: L(
            'Two containers, web and client, each have an eth0. Click web’s eth0: its peer is a veth on the host, plugged into docker0.',
            '两个容器 web 和 client 各有一块 eth0。点一下 web 的 eth0：它的对端是宿主机上的一个 veth，插在 docker0 上。'
          ),
          focus: cif('virtual-network', 'host1', 'web')
        },
        {
          id: 'same-switch',
          view: 'traffic',
          text: L(
            'client talks to web. The traffic goes client eth0 → its veth → docker0 → web’s veth → web eth0: like two PCs on one switch, no routing and no NAT.',
            'client 在访问 web。流量路径是 client 的 eth0 → 它的 veth → docker0 → web 的 veth → web 的 eth0，就像同一台交换机上的两台电脑，不经过路由，也不做 NAT。'
          )
        }
      ],
      check: {
        kind: 'choice',
        question: L(
          'What connects a container’s eth0 to the docker0 bridge?',
          '容器的 eth0 是怎么接到 docker0 网桥上的？'
        ),
        choices: [
          L(
            'A veth pair: one end is eth0 in the container, the other end is a port of docker0',
            '一对 veth 设备：一端是容器里的 eth0，另一端是 docker0 的一个端口'
          ),
          L('The physical NIC ens33 is shared by all containers', '所有容器共用物理网卡 ens33'),
          L('An iptables rule copies packets between them', '由一条 iptables 规则在两者之间复制数据包'),
          L('A VXLAN tunnel', '一条 VXLAN 隧道')
        ]
      }
    },
    answer: 0,
    explanation: L(
      'Docker creates a veth pair per container: one end is moved into the container’s network namespace and renamed eth0, the other stays on the host and becomes a port of docker0.',
      'Docker 为每个容器创建一对 veth：一端放进容器的网络命名空间并改名为 eth0，另一端留在宿主机上，作为 docker0 网桥的一个端口。'
    )
  },
  {
    lesson: {
      id: 'bridge-mode',
      scenario: 'bridge-mode',
      title: L('Bridge mode: docker0 and veth pairs', 'bridge 模式：docker0 与 veth 设备对'),
      summary: L(
        'The default network “bridge” is the docker0 bridge, 172.17.0.1/16. Starting busybox container vh2 adds veth7c1728b on the host.',
        '默认网络 bridge 就是 docker0 网桥，地址 172.17.0.1/16。启动 busybox 容器 vh2 后，宿主机上多出一块网卡 veth7c1728b。'
      ),
      steps: [
        {
          id: 'docker0',
          view: 'topology',
          text: L(
            'docker0 (02:42:a4:e8:44:11, 172.17.0.1/16) is the gateway of every container on the default network. `docker network inspect bridge` shows the same subnet and the option com.docker.network.bridge.name = docker0.',
            'docker0（02:42:a4:e8:44:11，172.17.0.1/16）是默认网络上所有容器的网关。`docker network inspect bridge` 里能看到同样的网段，以及选项 com.docker.network.bridge.name = docker0。'
          ),
          focus: 'bridge:host:docker0'
        },
        {
          id: 'veth',
          view: 'topology',
          text: L(
            'veth7c1728b@if5 is host interface 6; its peer is interface 5 inside vh2 (eth0@if6). That pair of numbers is how NetLens knows which veth belongs to which container.',
            'veth7c1728b@if5 是宿主机上的 6 号网卡，它的对端是 vh2 里的 5 号网卡（eth0@if6）。NetLens 就是靠这对编号判断哪个 veth 属于哪个容器的。'
          ),
          focus: 'iface:host:veth7c1728b'
        },
        {
          id: 'brctl',
          view: 'topology',
          text: L(
            '`brctl show` lists veth7c1728b under docker0: the container’s cable is plugged into the bridge.',
            '`brctl show` 里 docker0 下面列着 veth7c1728b：容器的“网线”确实插在这个网桥上。'
          ),
          focus: cont('bridge-mode', 'host1', 'vh2')
        },
        {
          id: 'rules',
          view: 'nat',
          tab: 'rules',
          text: L(
            'Docker also added rules: POSTROUTING MASQUERADE for 172.17.0.0/16 and the DOCKER chain. The next lesson explains why.',
            '同时 Docker 还自动生成了 iptables 规则：针对 172.17.0.0/16 的 POSTROUTING MASQUERADE，以及 DOCKER 链。下一课讲它们的作用。'
          )
        }
      ],
      check: {
        kind: 'choice',
        question: L('Where is the other end of vh2’s eth0?', 'vh2 的 eth0 的另一端在哪里？'),
        choices: [
          L('In vh2 as well, as eth1', '也在 vh2 里，叫 eth1'),
          L(
            'On the host: veth7c1728b, a port of the docker0 bridge',
            '在宿主机上：veth7c1728b，它是 docker0 网桥的一个端口'
          ),
          L('On the physical NIC ens37', '在物理网卡 ens37 上'),
          L('Nowhere: eth0 is a loopback device', '没有另一端：eth0 是回环设备')
        ]
      }
    },
    answer: 1,
    explanation: L(
      'A container’s NIC is one end of a veth pair; the other end, veth7c1728b, stays on the host and is attached to docker0 (brctl show lists it). The @if5/@if6 suffixes point at each other.',
      '容器的网卡其实是一对 veth 设备的一端，另一端 veth7c1728b 挂在宿主机的 docker0 网桥上（brctl show 能看到）。两边名字后面的 @if5 / @if6 正好互相指向对方。'
    )
  },
  {
    lesson: {
      id: 'nat-mode',
      scenario: 'nat-mode',
      title: L('NAT mode: why replies come back', 'NAT 模式：回包为什么能回来'),
      summary: L(
        'Containers sit behind docker0 on 172.17.0.0/16, an address the outside network does not know. MASQUERADE rewrites the source to the host address and conntrack remembers it.',
        '容器在 docker0 后面，用的是 172.17.0.0/16，外部网络根本不认识这个地址。MASQUERADE 把源地址改成宿主机的地址，conntrack 把这次转换记下来。'
      ),
      steps: [
        {
          id: 'rule',
          view: 'nat',
          tab: 'rules',
          text: L(
            'Find `-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE`: packets from containers that leave through another interface get the host’s address as source.',
            '找到 `-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE` 这条规则：容器发出、且不从 docker0 出去的包，源地址会被改成宿主机的地址。'
          )
        },
        {
          id: 'conntrack',
          view: 'nat',
          tab: 'conntrack',
          text: L(
            'In the conntrack table, app’s connection to 203.0.113.10:443 has an original tuple from 172.17.0.2 and a reply tuple to 10.10.0.11, the host’s address on ens33: that is the SNAT.',
            '在 conntrack 表里，app 访问 203.0.113.10:443 的连接，原始方向的源是 172.17.0.2，回复方向的目的却是 10.10.0.11（宿主机 ens33 的地址）：这就是 SNAT。'
          ),
          focus: cont('nat-mode', 'host1', 'app')
        },
        {
          id: 'traffic',
          view: 'traffic',
          text: L(
            'Watch ens33: it sends app’s requests and receives the replies, which docker0 then forwards back to app’s veth.',
            '看 ens33 的流量：它把 app 的请求发出去，也收到回包，回包再经 docker0 转回 app 的 veth。'
          ),
          focus: 'iface:host:ens33'
        }
      ],
      check: {
        kind: 'choice',
        question: L(
          'Why does the reply from 203.0.113.10 reach the container?',
          '203.0.113.10 的回包为什么能回到容器？'
        ),
        choices: [
          L('Because 203.0.113.10 has a route to 172.17.0.0/16', '因为 203.0.113.10 有到 172.17.0.0/16 的路由'),
          L(
            'Because docker0 is bridged to ens33, so the container is on the outside network',
            '因为 docker0 和 ens33 桥接在一起，容器就在外部网络上'
          ),
          L(
            'Because MASQUERADE rewrote the source to the host’s address, and conntrack reverses the translation for the reply',
            '因为 MASQUERADE 把源地址改成了宿主机的地址，回包到达宿主机后，conntrack 按记录把地址反向转换回容器'
          ),
          L('Because docker-proxy relays the reply', '因为 docker-proxy 转发了回包')
        ]
      }
    },
    answer: 2,
    explanation: L(
      'The outside host only ever sees the host’s address (10.10.0.11) and answers it. conntrack recorded the translation, so the kernel rewrites the reply’s destination back to 172.17.0.2 and routes it through docker0.',
      '外部主机只看到宿主机的地址 10.10.0.11，所以回包也发给宿主机。conntrack 记下了这次转换，内核据此把回包的目的地址改回 172.17.0.2，再经 docker0 转发给容器。'
    )
  },
  {
    lesson: {
      id: 'host-mode',
      scenario: 'host-mode',
      title: L('Host mode: sharing the host’s stack', 'host 模式：直接用宿主机的协议栈'),
      summary: L(
        'A host-mode container gets no network namespace of its own: no veth, no bridge, no NAT. Its nginx listens directly on the host’s port 80.',
        'host 模式的容器没有自己的网络命名空间：没有 veth，不接网桥，也不做 NAT。里面的 nginx 直接监听宿主机的 80 端口。'
      ),
      steps: [
        {
          id: 'no-veth',
          view: 'topology',
          text: L(
            'The container `edge` has no interface of its own: it sees ens33 and docker0 just like the host. Compare it with `web`, which is on docker0 through a veth.',
            '容器 edge 没有自己的网卡：它看到的就是宿主机的 ens33 和 docker0。和通过 veth 接在 docker0 上的 web 对比一下。'
          ),
          focus: 'iface:host:ens33'
        },
        {
          id: 'ports',
          view: 'nat',
          tab: 'ports',
          text: L(
            'web publishes 8080:80 with a DNAT rule; edge needs none, because it binds the host’s port itself.',
            'web 发布了 8080:80，靠一条 DNAT 规则实现；edge 不需要任何规则，因为它自己就绑定在宿主机的端口上。'
          )
        }
      ],
      check: {
        kind: 'choice',
        question: L('What does a host-mode container share with the host?', 'host 模式的容器和宿主机共享什么？'),
        choices: [
          L('Only the filesystem', '只共享文件系统'),
          L('The network namespace: interfaces, addresses, routes and ports', '网络命名空间：网卡、地址、路由和端口'),
          L('Nothing, it gets its own veth on docker0', '什么都不共享，它在 docker0 上有自己的 veth'),
          L('A VXLAN tunnel endpoint', '一个 VXLAN 隧道端点')
        ]
      }
    },
    answer: 1,
    explanation: L(
      'With --network host Docker skips creating a network namespace, so the container uses the host’s interfaces, addresses, routing table and port space directly; two services cannot bind the same port.',
      '使用 --network host 时 Docker 不为容器创建网络命名空间，容器直接使用宿主机的网卡、地址、路由表和端口，所以两个服务不能绑定同一个端口。'
    )
  },
  {
    lesson: {
      id: 'none-mode',
      scenario: 'none-mode',
      title: L('None mode: only loopback', 'none 模式：只有回环接口'),
      summary: L(
        'A container started with --network none has its own namespace with nothing but lo. It cannot reach anything, which suits batch jobs that must stay offline.',
        '用 --network none 启动的容器有自己的网络命名空间，但里面只有 lo。它访问不了任何地方，适合必须离线运行的批处理任务。'
      ),
      steps: [
        {
          id: 'alone',
          view: 'topology',
          text: L(
            '`batch` appears on its own: no eth0, no veth, no bridge.',
            'batch 孤零零地待在一边：没有 eth0，没有 veth，也不接任何网桥。'
          ),
          focus: cont('none-mode', 'host1', 'batch')
        },
        {
          id: 'diagnose',
          view: 'diagnose',
          text: L(
            'Diagnose does not flag it: no network is what none mode means.',
            '诊断页不会把它当成故障：没有网络正是 none 模式的本意。'
          )
        }
      ],
      check: {
        kind: 'choice',
        question: L('Which interfaces does a none-mode container have?', 'none 模式的容器里有哪些网卡？'),
        choices: [
          L('lo only', '只有 lo'),
          L('lo and eth0 on docker0', 'lo 和接在 docker0 上的 eth0'),
          L('All of the host’s interfaces', '宿主机的全部网卡'),
          L('eth0 shared with another container', '和另一个容器共享的 eth0')
        ]
      }
    },
    answer: 0,
    explanation: L(
      'none mode gives the container a private network namespace and configures nothing in it but the loopback device.',
      'none 模式给容器一个独立的网络命名空间，但里面除了回环设备 lo 之外什么都不配置。'
    )
  },
  {
    lesson: {
      id: 'container-mode',
      scenario: 'container-mode',
      title: L(
        'Container mode: apache, mysql and php in one stack',
        'container 模式：apache、mysql、php 共用一个协议栈'
      ),
      summary: L(
        'Three containers isolate user, mount and pid namespaces but share one network namespace: same interfaces, same address, and they talk over 127.0.0.1.',
        '三个容器各自隔离 user、mount、pid 命名空间，却共享同一个网络命名空间：网卡相同、地址相同，彼此之间直接走 127.0.0.1 通信。'
      ),
      steps: [
        {
          id: 'one-netns',
          view: 'topology',
          text: L(
            'apache owns the namespace (one eth0, one veth on docker0); mysql and php were started with --network container:apache and appear inside the same box.',
            'apache 拥有这个网络命名空间（一块 eth0，docker0 上一个 veth）；mysql 和 php 用 --network container:apache 启动，所以出现在同一个框里。'
          ),
          focus: cont('container-mode', 'host1', 'apache')
        },
        {
          id: 'loopback',
          view: 'traffic',
          text: L(
            'php reaches mysql on 127.0.0.1:3306 and apache reaches php on 127.0.0.1:9000: that traffic only shows on the shared lo, never on docker0.',
            'php 通过 127.0.0.1:3306 访问 mysql，apache 通过 127.0.0.1:9000 访问 php：这些流量只出现在共享的 lo 上，不会经过 docker0。'
          ),
          focus: cif('container-mode', 'host1', 'apache', 'lo')
        }
      ],
      check: {
        kind: 'choice',
        question: L('How does php reach mysql here?', '这里 php 是怎么访问 mysql 的？'),
        choices: [
          L('Through docker0, using mysql’s own 172.17.0.x address', '经过 docker0，访问 mysql 自己的 172.17.0.x 地址'),
          L('Over 127.0.0.1, because they share one network namespace', '走 127.0.0.1，因为它们共享同一个网络命名空间'),
          L('Through a published port on the host', '通过宿主机上发布的端口'),
          L('Over the overlay network', '通过 overlay 网络')
        ]
      }
    },
    answer: 1,
    explanation: L(
      'container:<name> mode joins the other container’s network namespace, so all three share one protocol stack; 127.0.0.1 is the same loopback for all of them.',
      'container:<name> 模式会加入另一个容器的网络命名空间，三个容器用的是同一个协议栈，127.0.0.1 对它们来说就是同一个回环地址。'
    )
  },
  {
    lesson: {
      id: 'overlay',
      scenario: 'overlay',
      title: L('Overlay: containers on two hosts', 'overlay 叠加网络：跨主机的容器通信'),
      summary: L(
        'An overlay network tunnels container frames between hosts in VXLAN (UDP 4789). Each host has an overlay namespace with br0 and vxlan0; the FDB says which remote VTEP has which container MAC.',
        'overlay 网络把容器之间的二层帧封装在 VXLAN（UDP 4789）里，在宿主机之间传输。每台主机上都有一个 overlay 命名空间，里面有 br0 和 vxlan0；FDB 表记录了哪个容器 MAC 在哪个远端 VTEP 后面。'
      ),
      steps: [
        {
          id: 'netns',
          view: 'topology',
          text: L(
            'On node1, the overlay namespace holds br0 (10.0.1.1/24) and vxlan0 with VNI 4097; web’s eth0 is plugged into br0 through veth0.',
            '在 node1 上，overlay 命名空间里有 br0（10.0.1.1/24）和 VNI 为 4097 的 vxlan0；web 的 eth0 通过 veth0 接在 br0 上。'
          ),
          focus: `bridge:docker-netns:1-${sha('overlay/overlay/appnet').slice(0, 10)}:br0`
        },
        {
          id: 'gwbridge',
          view: 'topology',
          text: L(
            'web also has eth1 on docker_gwbridge: that is its way out to the internet, NATed like the default bridge.',
            'web 还有一块 eth1 接在 docker_gwbridge 上：这是它访问外网的出口，和默认网桥一样做 NAT。'
          ),
          focus: 'bridge:host:docker_gwbridge'
        },
        {
          id: 'vtep',
          view: 'traffic',
          text: L(
            'web talks to db on node2: the frames leave node1’s ens33 as UDP to 10.10.0.12:4789, the remote VTEP listed in the FDB.',
            'web 访问 node2 上的 db：数据帧封装成 UDP 包，从 node1 的 ens33 发往 10.10.0.12:4789，也就是 FDB 里记录的远端 VTEP。'
          ),
          focus: 'iface:host:ens33'
        }
      ],
      check: {
        kind: 'choice',
        question: L(
          'How does node1 know where to send a frame for db’s MAC?',
          'node1 怎么知道发给 db 的 MAC 的帧该送到哪里？'
        ),
        choices: [
          L('It floods it to every host on the LAN', '在局域网里向所有主机广播'),
          L(
            'The FDB of vxlan0 maps db’s MAC to the remote VTEP 10.10.0.12',
            'vxlan0 的 FDB 表把 db 的 MAC 映射到远端 VTEP 10.10.0.12'
          ),
          L('MASQUERADE rewrites the destination', 'MASQUERADE 改写了目的地址'),
          L('docker0 on node1 is bridged to docker0 on node2', 'node1 的 docker0 和 node2 的 docker0 桥接在一起')
        ]
      }
    },
    answer: 1,
    explanation: L(
      'Docker programs the vxlan0 FDB (and ARP) from its control plane: db’s MAC → dst 10.10.0.12. vxlan0 wraps the frame in UDP 4789 to that VTEP, whose vxlan0 unwraps it onto its br0.',
      'Docker 的控制面会直接写好 vxlan0 的 FDB（以及 ARP）：db 的 MAC → dst 10.10.0.12。vxlan0 把帧封装成发往该 VTEP 的 UDP 4789 报文，对端的 vxlan0 解封装后再送进它自己的 br0。'
    )
  },
  {
    lesson: {
      id: 'docker-and-podman',
      scenario: 'docker-and-podman',
      title: L('Docker and Podman on one host', '同一台主机上的 Docker 与 Podman'),
      summary: L(
        'Podman, with its netavark network stack, wires containers the way Docker does: a bridge, a veth per container, NAT rules in iptables. On one host the two sets of rules meet, and one can get in the other’s way.',
        'Podman 用它自己的 netavark 网络栈接容器，方式和 Docker 一样：一个网桥、每个容器一对 veth、iptables 里的 NAT 规则。两者装在同一台主机上时，两套规则会碰到一起，有时一方会挡住另一方。'
      ),
      steps: [
        {
          id: 'bridges',
          view: 'topology',
          text: L(
            'Two runtimes, two bridges. Docker made br-… for its network front; netavark made podman1 for the Podman network pods and named its host veths veth0 and veth1. Each container carries a badge with its runtime.',
            '两个运行时，两个网桥。Docker 给自己的网络 front 建了 br-…；netavark 给 Podman 网络 pods 建了 podman1，宿主机这一端的 veth 叫 veth0、veth1。每个容器都带着一个标记，写着它属于哪个运行时。'
          ),
          focus: 'bridge:host:podman1'
        },
        {
          id: 'rules',
          view: 'nat',
          text: L(
            'The NAT rules have two owners: Docker’s live in the DOCKER chains, netavark’s in NETAVARK-* chains. 8090 is DNATed in NETAVARK-DN-…, and NETAVARK-HOSTPORT-MASQ masquerades only the packets netavark marked 0x2000 (a container or the host calling a published port), not everything.',
            '地址转换规则有两个所有者：Docker 的在 DOCKER 链里，netavark 的在 NETAVARK-* 链里。8090 在 NETAVARK-DN-… 里做 DNAT；NETAVARK-HOSTPORT-MASQ 只对 netavark 打了 0x2000 标记的包做 MASQUERADE（容器或宿主机自己访问映射端口的连接），并不是所有包都做。'
          )
        },
        {
          id: 'holders',
          view: 'nat',
          text: L(
            'Published ports: docker-proxy holds 8080, conmon holds 8090. conmon only keeps the port bound so nothing else takes it; it never answers. The DNAT rule carries the traffic.',
            '端口映射：8080 由 docker-proxy 占着，8090 由 conmon 占着。conmon 只是把端口绑住，不让别的程序占用，它自己从不应答，流量靠 DNAT 规则转发。'
          )
        },
        {
          id: 'conntrack',
          view: 'nat',
          text: L(
            'In the conntrack table, the connections from 198.51.100.21 to 8090 were DNATed to api (10.89.0.2) but stay [UNREPLIED]: the packets never reached it.',
            '在连接跟踪表里，198.51.100.21 访问 8090 的连接已经 DNAT 到 api（10.89.0.2），却一直是 [UNREPLIED]：包根本没有送到它那里。'
          )
        },
        {
          id: 'diagnose',
          view: 'diagnose',
          text: L(
            'Diagnose names the cause with its evidence: the DNAT rule, and the filter FORWARD policy that drops what comes after it.',
            '诊断给出了原因和证据：那条 DNAT 规则，以及把 DNAT 之后的包丢掉的 filter 表 FORWARD 默认策略。'
          )
        }
      ],
      check: {
        kind: 'choice',
        question: L(
          'Other hosts reach web on 8080, but their connections to api on 8090 never get an answer. Why?',
          '其他主机能访问 8080 上的 web，访问 8090 上的 api 却始终没有回应。原因是什么？'
        ),
        choices: [
          L(
            'filter FORWARD drops the DNATed connections: Docker’s DROP policy, and no netavark rule accepts new ones',
            'filter 表 FORWARD 链丢掉了 DNAT 之后的连接：Docker 设的 DROP 策略，而 netavark 没有放行新连接的规则'
          ),
          L('Docker and Podman publish the same host port', 'Docker 和 Podman 映射了同一个宿主机端口'),
          L('The Podman network has no MASQUERADE rule', 'Podman 网络缺少 MASQUERADE 规则'),
          L('IP forwarding is off (net.ipv4.ip_forward = 0)', 'IP 转发被关闭了（net.ipv4.ip_forward = 0）')
        ]
      }
    },
    answer: -1,
    engine: { checkIdsByChoice: ['port-forward-blocked', 'port-conflict', 'missing-masquerade', 'ip-forward-off'] },
    explanation: L(
      'The DNAT happens (conntrack shows it), then filter FORWARD drops the packet: Docker set its policy to DROP, and netavark’s NETAVARK_FORWARD accepts only replies and its containers’ own traffic. Accept the port where Docker expects your own rules: iptables -I DOCKER-USER -o podman1 -d 10.89.0.2/32 -p tcp -m tcp --dport 80 -j ACCEPT',
      'DNAT 已经做了（连接跟踪表里能看到），随后包在 filter 表 FORWARD 链被丢掉：Docker 把默认策略设成了 DROP，而 netavark 的 NETAVARK_FORWARD 只放行回包和它自己容器主动发出的流量。在 Docker 留给用户规则的 DOCKER-USER 链里放行这个端口即可：iptables -I DOCKER-USER -o podman1 -d 10.89.0.2/32 -p tcp -m tcp --dport 80 -j ACCEPT'
    )
  },
  {
    lesson: {
      id: 'troubleshoot-nat',
      scenario: 'nat-mode-no-masquerade',
      title: L('Troubleshooting: the reply never comes back', '排障练习：回包回不来'),
      summary: L(
        'Same host as the NAT lesson, but something is broken: the container’s requests leave the host and no reply ever arrives. Find the fault the way you would on a real host.',
        '和 NAT 那一课是同一台主机，但出了故障：容器发出去的请求能离开宿主机，却始终收不到回包。像排查真实主机一样，把故障找出来。'
      ),
      steps: [
        {
          id: 'conntrack',
          view: 'nat',
          tab: 'conntrack',
          text: L(
            'Open NAT → Connections (conntrack). The entry from 172.17.0.2 is [UNREPLIED], and its reply tuple still expects 172.17.0.2: nothing was translated.',
            '打开“地址转换”→“连接跟踪表”。来自 172.17.0.2 的连接是 [UNREPLIED]，回包方向期待的目的地址仍是 172.17.0.2，说明没有做任何地址转换。'
          )
        },
        {
          id: 'rules',
          view: 'nat',
          tab: 'rules',
          text: L(
            'Look at the nat table’s POSTROUTING chain: which rule would rewrite the source of 172.17.0.0/16?',
            '看 nat 表的 POSTROUTING 链：哪条规则本该改写 172.17.0.0/16 的源地址？'
          )
        },
        {
          id: 'diagnose',
          view: 'diagnose',
          text: L(
            'Open Diagnose: NetLens reads the same snapshot and names the fault, with the exact evidence and a fix command for you to run.',
            '打开“诊断”：NetLens 根据同一份快照指出故障，给出原始证据和修复命令（命令由你自己执行）。'
          )
        }
      ],
      check: {
        kind: 'choice',
        question: L('What is wrong on this host?', '这台主机的问题出在哪里？'),
        choices: [
          L('IP forwarding is off (net.ipv4.ip_forward = 0)', 'IP 转发被关闭了（net.ipv4.ip_forward = 0）'),
          L('The MASQUERADE rule for docker0’s subnet is missing', 'docker0 网段的 MASQUERADE 规则丢了'),
          L('docker0 is down', 'docker0 网桥是 down 状态'),
          L('The published port has no DNAT rule', '端口映射缺少 DNAT 规则')
        ]
      }
    },
    answer: -1,
    engine: { checkIdsByChoice: ['ip-forward-off', 'missing-masquerade', 'bridge-down', 'port-no-dnat'] },
    explanation: L(
      'Without MASQUERADE the request leaves with the private source 172.17.0.2, which the outside network cannot route back to. Restore the rule: iptables -t nat -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE',
      '没有 MASQUERADE，请求带着私有源地址 172.17.0.2 出去，外部网络无法把回包路由回来。恢复这条规则即可：iptables -t nat -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE'
    )
  }
]

/**
 * Grades an answer. `engineFindings` returns the diagnose engine's check ids on a scenario; it is
 * passed in (by sim/index.ts) so this file stays free of the snapshot pipeline.
 */
export function gradeLessonAnswer(
  lessonId: string,
  answer: number,
  engineFindings?: (scenarioId: string) => string[]
): LessonGrade {
  const def = LESSONS.find((l) => l.lesson.id === lessonId)
  if (!def)
    return {
      lessonId,
      passed: false,
      explanation: L(`There is no lesson "${lessonId}".`, `没有名为“${lessonId}”的课程。`)
    }
  if (!Number.isInteger(answer) || answer < 0 || answer >= def.lesson.check.choices.length)
    return { lessonId, passed: false, explanation: L('Pick one of the choices.', '请选择一个选项。') }
  let passed = answer === def.answer
  if (def.engine) {
    if (!engineFindings)
      return {
        lessonId,
        passed: false,
        explanation: L('This exercise needs the diagnose engine.', '这道练习需要诊断引擎。')
      }
    const found = new Set(engineFindings(def.lesson.scenario))
    const chosen = def.engine.checkIdsByChoice[answer]
    // Right when the engine reports the chosen fault, and only that one of the offered faults.
    passed = found.has(chosen) && def.engine.checkIdsByChoice.filter((id) => found.has(id)).length === 1
  }
  // The verdict ("Correct", "Not quite") is the UI's heading: the explanation does not repeat it.
  return { lessonId, passed, explanation: def.explanation }
}
