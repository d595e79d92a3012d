/**
 * What an owner may say to the official account (公众号), read tolerantly: full-width digits and
 * spaces, 第12号, 12号议题, 我同意12号 … Anything not understood is `help`, never an error.
 * Pure: the mini-program may reuse it to suggest commands.
 */
export type VoteChoice = 'agree' | 'oppose' | 'abstain'

export type ChatCommand =
  /** `understood: false`: the message matched no command (the reply says so before the menu) */
  | { kind: 'help'; understood?: false }
  | { kind: 'bind'; code: string | null }
  | { kind: 'list' }
  | { kind: 'view'; number: number }
  | { kind: 'vote'; number: number; choice: VoteChoice }
  | { kind: 'elect'; number: number; ordinals: number[] }
  | { kind: 'confirm' }
  | { kind: 'cancel' }
  | { kind: 'mine' }
  | { kind: 'result'; number: number }
  | { kind: 'accounts' }
  | { kind: 'contacts' }
  | { kind: 'complain'; text: string }

const CHOICE: Record<string, VoteChoice> = { 同意: 'agree', 赞成: 'agree', 支持: 'agree', 反对: 'oppose', 不同意: 'oppose', 弃权: 'abstain' }
const CHOICES = '不同意|同意|赞成|支持|反对|弃权'
/** a poll reference: 12, 第12号, 12号议题, 议题12, 第12项 */
const REF = '(?:议题)?第?(\\d{1,6})(?:号|项)?(?:议题|事项)?'

const whole = (re: string) => new RegExp(`^${re}$`)
const RULES: [RegExp, (m: RegExpExecArray) => ChatCommand][] = [
  [whole('(?:帮助|help|菜单|\\?|你好|您好|hi|hello)'), () => ({ kind: 'help' })],
  [whole('绑定(?:码)?(\\d{6})?'), (m) => ({ kind: 'bind', code: m[1] ?? null })],
  [whole('(?:回复)?(?:确认|确定)(?:投票)?'), () => ({ kind: 'confirm' })],
  [whole('(?:回复)?取消(?:投票)?'), () => ({ kind: 'cancel' })],
  [whole('(?:议题|议题列表|投票列表|我的议题|正在表决|表决)'), () => ({ kind: 'list' })],
  [whole('(?:我的投票|我投的票|投票记录)'), () => ({ kind: 'mine' })],
  [whole('(?:公示|账目|财务公示|收支公示)'), () => ({ kind: 'accounts' })],
  [whole('(?:联系|联系方式|执法|执法电话|找谁)'), () => ({ kind: 'contacts' })],
  [whole(`投票${REF}(${CHOICES})`), (m) => ({ kind: 'vote', number: Number(m[1]), choice: CHOICE[m[2]!]! })],
  [whole(`我?(${CHOICES})${REF}`), (m) => ({ kind: 'vote', number: Number(m[2]), choice: CHOICE[m[1]!]! })],
  [whole(`${REF}(?:投)?(${CHOICES})`), (m) => ({ kind: 'vote', number: Number(m[1]), choice: CHOICE[m[2]!]! })],
  [whole(`(?:查询)?(?:表决)?结果${REF}`), (m) => ({ kind: 'result', number: Number(m[1]) })],
  [whole(`${REF}的?(?:表决)?结果`), (m) => ({ kind: 'result', number: Number(m[1]) })],
  [whole(`(?:查看|看看|看|详情|投票)${REF}`), (m) => ({ kind: 'view', number: Number(m[1]) })],
  [whole('第(\\d{1,6})(?:号|项)?(?:议题|事项)?'), (m) => ({ kind: 'view', number: Number(m[1]) })],
  [whole('(\\d{1,6})(?:号|项)(?:议题|事项)?'), (m) => ({ kind: 'view', number: Number(m[1]) })],
  [whole('议题(\\d{1,6})'), (m) => ({ kind: 'view', number: Number(m[1]) })],
]

/**
 * Longer than any command or complaint (a complaint's limit is 2,000 characters): read as a
 * complaint if it says so, which the complaint's own check then refuses in words, else as
 * nothing known. Every pattern below then runs on at most this many characters: some backtrack
 * on a long run of spaces or punctuation, which on a 16,000-character message took 0.4 s.
 */
const MAX_COMMAND_CHARS = 2_000

export function parseCommand(input: string): ChatCommand {
  if (input.length > MAX_COMMAND_CHARS) {
    const complaint = /^\s*投诉\s*/u.exec(input.slice(0, 100))
    return complaint ? { kind: 'complain', text: input.slice(complaint[0].length).trim() } : { kind: 'help', understood: false }
  }
  // NFKC turns full-width digits, letters and spaces into ASCII
  const s = input.normalize('NFKC').trim().replace(/[。！!，,.；;：:、]+$/u, '')
  const complaint = /^投诉\s*([\s\S]*)$/u.exec(s)
  if (complaint) return { kind: 'complain', text: complaint[1]!.trim() }
  // elections: 投票 12 选 1 3 (the spaces separate the candidates, so they are read before removing them)
  const elect = /^投票\s*第?(\d{1,6})号?(?:议题)?\s*选([\d\s,、]+)$/u.exec(s)
  if (elect) {
    const ordinals = elect[2]!.split(/[\s,、]+/u).filter(Boolean).map(Number)
    return { kind: 'elect', number: Number(elect[1]), ordinals: [...new Set(ordinals)] }
  }
  const t = s.replace(/[\s,，、:：]+/gu, '').toLowerCase()
  for (const [re, make] of RULES) {
    const m = re.exec(t)
    if (m) return make(m)
  }
  return { kind: 'help', understood: false }
}
