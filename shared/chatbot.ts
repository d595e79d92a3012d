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
  /** `number` null: a choice said without saying which poll (同意): the poll when only one is open to the owner */
  | { kind: 'vote'; number: number | null; choice: VoteChoice }
  | { kind: 'elect'; number: number; ordinals: number[] }
  /** `soft`: a word of assent (好的, 是的) rather than 确认: with no vote waiting, the menu, not an error */
  | { kind: 'confirm'; soft?: true }
  | { kind: 'cancel' }
  | { kind: 'mine' }
  | { kind: 'result'; number: number }
  | { kind: 'accounts' }
  | { kind: 'contacts' }
  | { kind: 'complain'; text: string }

const CHOICE: Record<string, VoteChoice> = { 同意: 'agree', 赞成: 'agree', 支持: 'agree', 反对: 'oppose', 不同意: 'oppose', 不赞成: 'oppose', 不支持: 'oppose', 弃权: 'abstain' }
const CHOICES = '不同意|不赞成|不支持|同意|赞成|支持|反对|弃权'
/** a poll reference: 12, 第12号, 12号议题, 议题12, 第12项 */
const REF = '(?:议题)?第?(\\d{1,6})(?:号|项)?(?:议题|事项)?'

const whole = (re: string) => new RegExp(`^${re}$`)
const RULES: [RegExp, (m: RegExpExecArray) => ChatCommand][] = [
  [whole('(?:帮助|help|菜单|\\?|你好|您好|hi|hello)'), () => ({ kind: 'help' })],
  // any length: a code of the wrong length is told it is not valid, not shown the menu
  [whole('绑定(?:码)?(\\d{4,12})?'), (m) => ({ kind: 'bind', code: m[1] ?? null })],
  [whole('(?:回复)?(?:确认|确定)(?:投票|投出)?'), () => ({ kind: 'confirm' })],
  [whole('(?:好|好的|好吧|是|是的|对|对的|可以|行|嗯|嗯嗯|没问题|ok|okay|yes)'), () => ({ kind: 'confirm', soft: true })],
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
  const t = arabicRefs(s.replace(/[\s,，、:：]+/gu, '').toLowerCase())
  for (const [re, make] of RULES) {
    const m = re.exec(t)
    if (m) return make(m)
  }
  return spokenVote(t) ?? { kind: 'help', understood: false }
}

/**
 * A vote said the way people say it rather than as a command (投3号同意票, 第三号议题我赞成, 我同意，
 * 谢谢): exactly one choice word, at most one poll number, and nothing else but words that carry no
 * meaning here. Anything left over (不反对, a second number, a second choice) is not guessed at: the
 * owner is shown the menu. The vote is still shown back for 确认 before it is cast.
 */
function spokenVote(t: string): ChatCommand | null {
  const choices = t.match(new RegExp(CHOICES, 'gu')) ?? []
  if (choices.length !== 1) return null
  const refs = t.match(/\d{1,6}/gu) ?? []
  if (refs.length > 1) return null
  const rest = t
    .replace(choices[0]!, '')
    .replace(/第?\d{1,6}(?:号|项)?/u, '')
    .replace(/谢谢您?|谢了|帮我|议题|事项|表决|意见|我|投|票|对|给|的|了|吧|啊|呀|哦|请|就|也|还是|好/gu, '')
  if (rest !== '') return null
  return { kind: 'vote', number: refs.length ? Number(refs[0]) : null, choice: CHOICE[choices[0]!]! }
}

const CN_DIGIT: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 }

/** 三 → 3, 十二 → 12, 二十 → 20, 一百零五 → 105 (up to 九百九十九); null for anything else. */
function chineseNumber(s: string): number | null {
  const m = /^(?:([一二两三四五六七八九])百)?(零)?(?:([一二三四五六七八九])?(十))?([一二三四五六七八九])?$/u.exec(s)
  if (!m || s === '') return null
  const [, hundreds, zero, tensDigit, ten, ones] = m
  if (zero && (!hundreds || ten)) return null
  const n = (hundreds ? CN_DIGIT[hundreds]! * 100 : 0) + (ten ? (tensDigit ? CN_DIGIT[tensDigit]! : 1) * 10 : 0) + (ones ? CN_DIGIT[ones]! : 0)
  return n > 0 ? n : null
}

/** A poll's number written in Chinese numerals (第三号, 十二号议题) as digits; other Chinese numerals are left alone. */
function arabicRefs(t: string): string {
  const numeral = '[零〇一二两三四五六七八九十百]+'
  const toDigits = (whole: string, n: string) => {
    const v = chineseNumber(n)
    return v === null ? whole : whole.replace(n, String(v))
  }
  return t.replace(new RegExp(`第(${numeral})`, 'gu'), toDigits).replace(new RegExp(`(${numeral})(?=号|项)`, 'gu'), toDigits)
}
