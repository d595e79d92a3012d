import { COMPLAINT_CATEGORIES, COMPLAINT_CATEGORY_KEYS, COMPLAINT_STATUSES } from '../../shared/complaints'
import { beijingDeadline } from '../../shared/time'
import { Page } from './layout'
import { beijing, Flash } from './parts'

interface ComplaintItem {
  id: string
  categoryLabel: string
  body: string
  place: string
  deskLabel: string
  status: keyof typeof COMPLAINT_STATUSES
  escalation: number
  filedAt: string
  firstContactBy: string
  resolveBy: string
  resolvedAt: string | null
}

const ESCALATION = ['', '（已升级社区督办）', '（已升级街道督办）']

/**
 * An owner's complaints (接诉即办) on a phone: file one, see who handles each and by when, and
 * say whether the answer satisfied them (动态销号: closed only when the owner confirms).
 */
export function ComplaintsPage(props: { communityId: string; complaints: ComplaintItem[]; notice?: string | null; error?: string | null; form?: { category?: string; body?: string; place?: string } }) {
  const cid = props.communityId
  const f = props.form ?? {}
  return (
    <Page title="投诉与报修" nav={{ communityId: cid, signedIn: true, current: 'me' }}>
      <h1>投诉与报修</h1>
      <Flash notice={props.notice} error={props.error} />
      <h2>我的投诉</h2>
      {props.complaints.length === 0 ? <p class="meta">您还没有投诉。</p> : null}
      {props.complaints.map((c) => (
        <div class="panel">
          <p>
            <strong>{c.categoryLabel}</strong>　{COMPLAINT_STATUSES[c.status]}
            {ESCALATION[c.escalation] ?? ''}
          </p>
          <p>{c.body}</p>
          <p class="meta">
            地点：{c.place}　承办：{c.deskLabel}
            <br />
            {beijing(c.filedAt)} 受理；{beijingDeadline(c.firstContactBy)} 前先行联系，{beijingDeadline(c.resolveBy)} 前办结
            {c.resolvedAt ? `；${beijing(c.resolvedAt)} 已办结` : ''}
          </p>
          {c.status === 'resolved' ? (
            <form method="post" action={`/h5/complaints/${c.id}/review`}>
              <p>办理结果您满意吗？不满意会重新办理。</p>
              <button type="submit" name="satisfied" value="yes">
                满意，销号
              </button>
              <button type="submit" name="satisfied" value="no" class="secondary">
                不满意，重新办理
              </button>
            </form>
          ) : null}
        </div>
      ))}
      <h2>我要投诉</h2>
      <form method="post" action={`/h5/c/${cid}/complaints`} class="panel">
        <label for="category">问题类型（决定由谁办理、多久办结）</label>
        <select id="category" name="category" required>
          {COMPLAINT_CATEGORY_KEYS.map((k) => (
            <option value={k} selected={f.category === k}>
              {COMPLAINT_CATEGORIES[k].label}
            </option>
          ))}
        </select>
        <label for="place">地点</label>
        <input id="place" name="place" required maxlength={200} placeholder="如：3栋2单元楼道" value={f.place ?? ''} />
        <label for="body">具体情况</label>
        <textarea id="body" name="body" rows={4} required minlength={5} maxlength={2000}>
          {f.body ?? ''}
        </textarea>
        <label class="choice">
          <input type="checkbox" name="hideFromFirm" value="1" />
          不让物业知道是我投诉的（社区和职能部门仍可见）
        </label>
        <button type="submit">提交投诉</button>
      </form>
    </Page>
  )
}
