import { beijingDeadline } from '../../shared/time'
import type { CountingFlag } from '../services/counting/counting'
import { Page } from './layout'
import { beijing } from './parts'

export type CountBy = 'room' | 'number'

export interface CountingFormView {
  pollId: string
  communityId: string
  pollNumber: number
  title: string
  kind: 'single' | 'election'
  seats: number | null
  candidates: { ordinal: number; name: string }[]
  by: CountBy
  paperEntered: number
  paperIssued: number
  /** the caller's last entry, shown large, with its undo while it stands */
  last: { ballotId: string; units: string; ballotNumber: string | null; choiceText: string; n: number; standing: boolean } | null
  undone: string | null
  errors: string[]
  form: { where?: string; choice?: string; reason?: string }
}

/**
 * A room as the committee's desks take it, typed as written on a ballot or a 授权委托书 ("3-2-501"),
 * and read by roomParts (routes/h5/counting.routes.tsx): the counting form and the written-proxy form.
 */
export const RoomField = (props: { name: string; label: string; value: string; autofocus?: boolean }) => (
  <>
    <label for={props.name}>{props.label}（楼栋-单元-房号，如 3-2-501；没有单元写 3-501）</label>
    <input id={props.name} name={props.name} required autofocus={props.autofocus} autocomplete="off" maxlength={60} value={props.value} />
  </>
)

/** What each key of the opinion field means on a single-matter ballot. */
export const CHOICE_KEYS: Record<string, 'agree' | 'oppose' | 'abstain'> = { '1': 'agree', 同意: 'agree', '2': 'oppose', 反对: 'oppose', '3': 'abstain', 弃权: 'abstain' }
export const CHOICE_WORDS = { agree: '同意', oppose: '反对', abstain: '弃权' } as const

/**
 * The one-by-one counting form (唱票录入) for a committee member at the public count, on a phone
 * or a laptop: the room or ballot number, the opinion as one key (1 同意, 2 反对, 3 弃权), Enter.
 * The page comes back with the cursor in the first field and the last entry in large type, so
 * the counter can check it against the ballot in hand and undo it at once if it is wrong.
 */
export function CountingFormPage(v: CountingFormView) {
  const base = `/h5/polls/${v.pollId}/counting`
  const byNumber = v.by === 'number'
  return (
    // no tab bar: on a phone the form stays in the first screen under the last entry
    <Page title={`计票录入 · 第${v.pollNumber}号`}>
      <h1>
        计票录入 · 第{v.pollNumber}号 {v.title}
      </h1>
      {v.last ? (
        <div class="card ok" role="status">
          <p class="big-outcome">
            {v.last.units}
            {v.last.ballotNumber ? `（${v.last.ballotNumber}）` : ''} {v.last.choiceText} {v.last.standing ? '已录入' : '已撤销'}，第 {v.last.n} 张
          </p>
          {v.last.standing ? (
            <form method="post" action={`${base}/undo`}>
              <input type="hidden" name="ballotId" value={v.last.ballotId} />
              <input type="hidden" name="by" value={v.by} />
              <button type="submit" class="warn">
                录错了，撤销这一张
              </button>
            </form>
          ) : null}
        </div>
      ) : null}
      {v.undone ? (
        <p class="card ok" role="status">
          已撤销 {v.undone} 的录入，请按票面重新录入。
        </p>
      ) : null}
      {v.errors.length ? (
        <div class="card bad" role="alert">
          <p>未录入，请核对：</p>
          <ul>
            {v.errors.map((e) => (
              <li>{e}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <p class="num" style="font-size:1.2rem;font-weight:700">
        已录入纸质票 {v.paperEntered} 张{v.paperIssued ? ` / 已发放 ${v.paperIssued} 张` : ''}
      </p>
      <form method="post" action={base} class="panel">
        <input type="hidden" name="by" value={v.by} />
        {byNumber ? (
          <>
            <label for="where">选票编号（票面印的，如 {v.pollNumber}-0037-6，可不写横线）</label>
            <input id="where" name="where" required autofocus autocomplete="off" inputmode="numeric" maxlength={40} value={v.form.where ?? ''} />
          </>
        ) : (
          <RoomField name="where" label="房号" value={v.form.where ?? ''} autofocus />
        )}
        {v.kind === 'single' ? (
          <>
            <label for="choice">意见：1 同意　2 反对　3 弃权</label>
            <input id="choice" name="choice" autocomplete="off" inputmode="numeric" maxlength={4} value={v.form.choice ?? ''} />
          </>
        ) : (
          <>
            <label for="choice">所选候选人序号（如 1 3；一个也没选填 0；应选 {v.seats} 人）</label>
            <input id="choice" name="choice" autocomplete="off" inputmode="numeric" maxlength={200} value={v.form.choice ?? ''} />
            <ol class="meta">
              {v.candidates.map((c) => (
                <li value={c.ordinal}>{c.name}</li>
              ))}
            </ol>
          </>
        )}
        <label for="reason">废票原因（是废票才填，填了即登记为废票）</label>
        <input id="reason" name="reason" autocomplete="off" maxlength={200} placeholder="如：字迹无法辨认" value={v.form.reason ?? ''} />
        <button type="submit" accesskey="s">
          录入（回车）
        </button>
      </form>
      <p class="meta">他人代签的票（委托代理人、监护人、法定代表人）须留存授权委托书等证明的照片：请用计票登记表的“签署人”几栏或业委会端录入，不在此页录入。</p>
      <p>
        {byNumber ? <a href={`${base}?by=room`}>改为按房号录入</a> : <a href={`${base}?by=number`}>改为按选票编号录入</a>}
      </p>
      <p>
        <a href={`${base}/sheet`}>计票表：已录入张数和公布前须处理的问题</a>
      </p>
    </Page>
  )
}

export interface CountingSheetView {
  pollId: string
  communityId: string
  pollNumber: number
  title: string
  session: { counters: { name: string; unitOrOffice: string }[]; scrutineers: { name: string; unitOrOffice: string }[]; boxState: string; openedAt: string; confirmedAt: string | null } | null
  paperEntered: number
  paperIssued: number
  flags: CountingFlag[]
}

const people = (xs: { name: string; unitOrOffice: string }[]) => xs.map((x) => `${x.name}（${x.unitOrOffice}）`).join('、')

/** The counting sheet as the committee sees it during the count: who counts, the tallies of paper, and the flags. */
export function CountingSheetPage(v: CountingSheetView) {
  return (
    <Page title={`计票表 · 第${v.pollNumber}号`} nav={{ communityId: v.communityId, signedIn: true }}>
      <h1>
        计票表 · 第{v.pollNumber}号 {v.title}
      </h1>
      {v.session ? (
        <div class="panel">
          <dl class="kv">
            <div>
              <dt>开始计票</dt>
              <dd>{beijing(v.session.openedAt)}</dd>
            </div>
            <div>
              <dt>计票人</dt>
              <dd>{people(v.session.counters)}</dd>
            </div>
            <div>
              <dt>监票人</dt>
              <dd>{people(v.session.scrutineers)}</dd>
            </div>
            <div>
              <dt>开箱时票箱</dt>
              <dd>{v.session.boxState}</dd>
            </div>
            <div>
              <dt>已录入纸质票</dt>
              <dd class="num">{v.paperEntered} 张</dd>
            </div>
            <div>
              <dt>已发放纸质票</dt>
              <dd class="num">{v.paperIssued} 张</dd>
            </div>
          </dl>
        </div>
      ) : null}
      <h2>公布前须处理的问题（{v.flags.length}）</h2>
      {v.flags.length === 0 ? <p class="meta">目前没有。</p> : null}
      <ul class="cells">
        {v.flags.map((f) => (
          <li>{f.text}</li>
        ))}
      </ul>
      <p class="meta">监票人核对无误并确认后，系统即计票、签名并公布结果（在业委会端操作）。</p>
      <p>
        <a href={`/h5/polls/${v.pollId}/counting`}>回到计票录入</a>
      </p>
      <p>
        <a href={`/h5/polls/${v.pollId}/proxies/written`}>本次表决的委托名单（含授权委托书）</a>
      </p>
    </Page>
  )
}

/** The count is not open for entries: why, in words, and where to go. */
export function CountingClosedPage(props: { pollId: string; communityId: string; pollNumber: number; title: string; why: string; result: boolean }) {
  return (
    <Page title={`计票录入 · 第${props.pollNumber}号`} nav={{ communityId: props.communityId, signedIn: true }}>
      <h1>
        计票录入 · 第{props.pollNumber}号 {props.title}
      </h1>
      <p class="card bad" role="status">
        {props.why}
      </p>
      <p>{props.result ? <a href={`/h5/polls/${props.pollId}/result`}>查看表决结果</a> : <a href={`/h5/polls/${props.pollId}`}>查看表决</a>}</p>
    </Page>
  )
}

export interface PrintableBallot {
  ballotNumber: string
  units: string
  maskedName: string
}

/**
 * The paper ballots to print (纸质表决票), one to a page: what is decided, the flat and its printed
 * ballot number (what the count types back), boxes to tick, the owner's signature, and the deadline.
 */
export function PaperBallotsPage(props: {
  pollNumber: number
  title: string
  body: string
  kind: 'single' | 'election'
  seats: number | null
  candidates: { ordinal: number; name: string }[]
  closesAt: string
  /** the follow-majority rule's sentence (NON_VOTER_RULE_TEXT) when the poll has it: a ballot handed over is the notice of it */
  nonVoterRule: string | null
  ballots: PrintableBallot[]
}) {
  return (
    <Page title={`纸质表决票 · 第${props.pollNumber}号`} bare>
      <style>{'.ballot { background: #fff; padding: 1rem; margin: 0 0 1rem; break-after: page; } .ballot .no { font-size: 1.6rem; font-weight: 800; } .box { display: inline-block; width: 1.4rem; height: 1.4rem; border: 2px solid #111; vertical-align: middle; margin-right: 0.5rem; } .ballot li { margin: 0.5rem 0; list-style: none; }'}</style>
      {props.ballots.length === 0 ? <p class="card">还没有登记发放纸质票。</p> : null}
      {props.ballots.map((b) => (
        <section class="ballot">
          <h1>
            第{props.pollNumber}号表决 纸质表决票：{props.title}
          </h1>
          <p class="no mono">选票编号 {b.ballotNumber}</p>
          <p>
            房屋：{b.units}　业主：{b.maskedName}
          </p>
          <p class="body">{props.body}</p>
          {props.kind === 'single' ? (
            <ul>
              <li>
                <span class="box" />
                同意
              </li>
              <li>
                <span class="box" />
                反对
              </li>
              <li>
                <span class="box" />
                弃权
              </li>
            </ul>
          ) : (
            <>
              <p>请在所选候选人前打“√”，最多选 {props.seats} 人；超过即为废票。</p>
              <ul>
                {props.candidates.map((c) => (
                  <li>
                    <span class="box" />
                    {c.ordinal}. {c.name}
                  </li>
                ))}
              </ul>
            </>
          )}
          <p>
            {props.kind === 'single' ? '只选一项；多选、涂改或无法辨认的为废票。' : '涂改或无法辨认的为废票。'}请于 {beijingDeadline(props.closesAt)} 前投入票箱或交回。{props.nonVoterRule ?? ''}
          </p>
          <p>业主签名：＿＿＿＿＿＿＿＿　日期：＿＿＿＿＿＿</p>
          {/* 指导规则 第26条: anyone else signs only with a written proxy, handed in with the ballot */}
          <p>他人代签：代签人签名＿＿＿＿＿＿＿＿　身份（委托代理人／监护人／法定代表人）＿＿＿＿＿＿（须同时交回授权委托书或相应证明）</p>
        </section>
      ))}
    </Page>
  )
}
