import { periodZh } from '../../shared/statements'
import { RATING_DIMENSION_KEYS, RATING_DIMENSIONS, MIN_RESPONSES_SHOWN, type RatingDimension, type RatingSummary } from '../../shared/ratings'
import { Page } from './layout'
import { Bar, beijingDate, Flash } from './parts'

/** The five points of the scale in words, best first as a form reads top to bottom. */
const SCALE: readonly [number, string][] = [
  [5, '很满意'],
  [4, '满意'],
  [3, '一般'],
  [2, '不满意'],
  [1, '很不满意'],
]

/** "2026Q4" → "2026年第4季度" */

export interface RatingsPageProps {
  communityId: string
  quarter: string
  /** the quarter's last day (YYYY-MM-DD): the rating can be changed until then */
  quarterEnd: string
  firmName: string | null
  /** what the form shows: the owner's saved rating, or what they just sent when it was refused */
  form: { scores: Partial<Record<RatingDimension, number>>; comment: string }
  /** the owner has a saved rating this quarter */
  hasRating: boolean
  summary: RatingSummary | null
  notice?: string | null
  error?: string | null
}

/**
 * An owner's quarterly rating of the firm serving the compound (seed 004: owner satisfaction
 * ≥ 90%): the form with their own rating, changeable until the quarter ends, and the compound's
 * results only in aggregate, never another owner's rating.
 */
export function RatingsPage(props: RatingsPageProps) {
  const cid = props.communityId
  const s = props.summary
  return (
    <Page title="评价物业服务" nav={{ communityId: cid, signedIn: true, current: 'me' }}>
      <h1>评价物业服务</h1>
      <p>
        {periodZh(props.quarter)}
        {props.firmName ? `　${props.firmName}` : ''}
      </p>
      <Flash notice={props.notice} error={props.error} />
      {props.firmName === null ? (
        <p class="card">本小区目前没有签约的物业服务企业，暂时不能评价。</p>
      ) : (
        <form method="post" action={`/h5/c/${cid}/ratings`} class="panel">
          <p class="meta">
            每位业主每季度一份评价，截至{beijingDate(props.quarterEnd)}（含当日）都可以修改。只有您自己能看到您的评价，别人只能看到全小区的汇总。
          </p>
          {RATING_DIMENSION_KEYS.map((d) => (
            <fieldset>
              <legend>{RATING_DIMENSIONS[d]}</legend>
              {SCALE.map(([n, word]) => (
                <label class="choice">
                  <input type="radio" name={d} value={String(n)} required checked={props.form.scores[d] === n} />
                  {n} 分　{word}
                </label>
              ))}
            </fieldset>
          ))}
          <label for="comment">意见或建议（可不填）</label>
          <textarea id="comment" name="comment" rows={3} maxlength={500}>
            {props.form.comment}
          </textarea>
          <button type="submit">{props.hasRating ? '修改我的评价' : '提交评价'}</button>
        </form>
      )}
      <h2>本小区本季度的评价</h2>
      {s === null || s.responses === 0 ? (
        <p class="meta">本季度还没有业主评价。</p>
      ) : !s.shown ? (
        <p class="card">
          已有 {s.responses} 位业主评价。满 {MIN_RESPONSES_SHOWN} 份后显示分数分布和满意率，以免看出某一位业主的评价。
        </p>
      ) : (
        <Summary summary={s} />
      )}
    </Page>
  )
}

/** The satisfaction rate (4–5 分 among all scores) against the 90% target, then each dimension's counts. */
function Summary(props: { summary: RatingSummary }) {
  const s = props.summary
  return (
    <>
      <div class="card">
        <p>
          满意率 <strong class="num">{s.percent}%</strong>（{s.satisfied} / {s.of} 项打分为 4–5 分），目标 {s.targetPercent}%：
          <strong>{s.meetsTarget ? '已达到' : '未达到'}</strong>
        </p>
        <Bar part={s.satisfied} whole={s.of} line={{ num: s.targetPercent, den: 100, label: `${s.targetPercent}%` }} lineName="目标" />
        <p class="meta">共 {s.responses} 位业主评价。</p>
      </div>
      <table class="stack">
        <thead>
          <tr>
            <th>项目</th>
            {SCALE.map(([n]) => (
              <th class="num">{n} 分</th>
            ))}
            <th class="num">满意率</th>
          </tr>
        </thead>
        <tbody>
          {s.dimensions.map((d) => (
            <tr>
              <td>{d.label}</td>
              {SCALE.map(([n, word]) => (
                <td class="num" data-label={`${n} 分（${word}）`}>
                  {d.counts[n - 1] ?? 0} 人
                </td>
              ))}
              <td class="num" data-label="满意率">
                {d.percent === null ? '—' : `${d.percent}%`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  )
}
