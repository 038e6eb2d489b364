/** "另存为实训场景…"和"用这台主机出一道练习"的简体中文文案。 */
import type { authoringEn } from './authoring.en'

export const authoringZhCN: typeof authoringEn = {
  menu: '实训…',
  saveScenario: '另存为实训场景…',
  newExercise: '用这台主机出一道练习',
  saveTitle: '把这台主机保存为实训场景',
  exerciseTitle: '用这台主机出一道练习',
  intro: '在你的场景目录里写一个场景文件：它会出现在实训列表里，谁都能打开，不需要连这台机器。',
  anonymize: '匿名化：替换主机、容器、网络、镜像的名称和地址（网段和相互关系保持不变）',
  findings: '学员要找出的问题',
  noFindings: '诊断在这台主机上没有发现问题，没什么可问的。可以只保存为场景。',
  loadingFindings: '诊断中…',
  question: '题目',
  questionEn: '英文（English）',
  questionZh: '中文',
  questionPlaceholderEn: '例如：Why do the outbound calls hang?',
  questionPlaceholderZh: '例如：为什么对外调用一直卡住？',
  needFinding: '至少选一个问题。',
  needQuestion: '请用两种语言写好题目。',
  save: '保存',
  saving: '保存中…',
  saved: '已保存为 {source}',
  savedIn: '文件：{path}',
  leftOut: '没有放进练习（场景格式无法重现）：{list}',
  openTraining: '在实训里打开',
  openHost: '打开这台主机',
  close: '关闭'
}
