import { beijingDeadline } from '../../shared/time'
import type * as z from 'zod'
import type { FeeLine, FeeScheduleReply, FirmProfileReply } from '../../shared/api/disclosure'
import { FEE_BASIS_UNIT } from '../../shared/fees'
import { formatFen } from '../../shared/decimal'
import { Page } from './layout'
import { beijing, beijingDate, ContactsTable, OverdueList, Tel } from './parts'

type Notice = { code: string; kind: string; title: string; pinned: boolean; startsAt: string; issuerLabel: string }
type PollItem = { id: string; title: string; status: string; closesAt: string; opensAt?: string }

/** A poll's state as a list line says it, with the time that matters next. */
export function pollLine(p: PollItem): string {
  switch (p.status) {
    case 'announced':
      return p.opensAt ? `待投票：${beijing(p.opensAt)} 开始` : '待投票'
    case 'open':
      return `投票中：${beijingDeadline(p.closesAt)} 截止`
    case 'voting_ended':
    case 'counting':
      return '投票已截止，正在计票'
    case 'closed':
      return '已公布结果'
    case 'cancelled':
      return '已取消'
    default:
      return ''
  }
}

/** A community's front page: what hangs on its board now, its polls for those who may see them, and the links. */
export function CommunityPage(props: {
  communityId: string
  name: string
  notices: Notice[]
  polls: PollItem[] | null
  overdue: { kind: string; period: string; deadline: string }[] | null
  signedIn: boolean
  /** signed in with no verified flat here: the next step is binding one */
  canBind?: boolean
}) {
  const cid = props.communityId
  return (
    <Page title={props.name} nav={{ communityId: cid, signedIn: props.signedIn, current: 'home' }}>
      <h1>{props.name}</h1>
      {props.canBind ? (
        <div class="actions">
          <a class="btn" href={`/h5/c/${cid}/bind`}>
            绑定我的房屋
          </a>
          <p class="meta">绑定后可以参与本小区的表决。</p>
        </div>
      ) : null}
      {props.signedIn && props.polls !== null && !props.canBind ? (
        <p>
          <a href={`/h5/c/${cid}/complaints`}>投诉与报修</a>
          <span class="meta">　物业或职能部门按时限办理，办结后由您评价</span>
          <br />
          <a href={`/h5/c/${cid}/ratings`}>评价物业服务</a>
          <span class="meta">　每季度一次，看看全小区的满意率</span>
        </p>
      ) : null}
      <h2>表决</h2>
      {props.polls === null ? (
        <p class="card">
          {props.signedIn ? (
            <>
              表决只对本小区已绑定房屋的业主和工作人员显示。您是本小区业主的，请先<a href={`/h5/c/${cid}/bind`}>绑定房屋</a>。
            </>
          ) : (
            <>
              表决只对本小区业主和工作人员显示。请先<a href={`/h5/login?next=${encodeURIComponent(`/h5/c/${cid}`)}`}>登录</a>后查看，业主登录后再绑定房屋。
            </>
          )}
        </p>
      ) : props.polls.length === 0 ? (
        <p class="meta">暂无表决。</p>
      ) : (
        <div class="cells">
          {props.polls.map((p) => (
            <a class="cell" href={p.status === 'closed' ? `/h5/polls/${p.id}/result` : `/h5/polls/${p.id}`}>
              <span class="title">{p.title}</span>
              <span class="meta">{pollLine(p)}</span>
            </a>
          ))}
        </div>
      )}
      <h2>公告栏</h2>
      {props.notices.length === 0 ? <p class="meta">目前没有展示中的公告。</p> : null}
      <div class="cells">
        {props.notices.map((n) => (
          <a class="cell" href={`/n/${n.code}`}>
            <span class="title">
              {n.pinned ? '【置顶】' : ''}
              {n.title}
            </span>
            <span class="meta">
              {n.issuerLabel}　{beijingDate(n.startsAt)}
            </span>
          </a>
        ))}
      </div>
      <OverdueList overdue={props.overdue ?? []} />
    </Page>
  )
}

/** The enforcement-contacts board (seed 001 四(三), seed 003 七): who handles what in the compound, and how to reach them. */
export function ContactsPage(props: { communityId: string; notice: { title: string; code: string; contacts: { department: string; handles: string; phone: string }[]; issuerLabel: string; startsAt: string } | null; signedIn: boolean }) {
  const n = props.notice
  return (
    <Page title="执法部门联系公示" nav={{ communityId: props.communityId, signedIn: props.signedIn, current: 'contacts' }}>
      <h1>执法部门联系公示</h1>
      {!n ? (
        <p class="meta">社区尚未公示执法部门联系方式。</p>
      ) : (
        <div>
          <p class="meta">
            {n.issuerLabel}　{beijingDate(n.startsAt)} 公示（<a href={`/n/${n.code}`}>原公告</a>）
          </p>
          <ContactsTable contacts={n.contacts} />
        </div>
      )}
    </Page>
  )
}

function FeeCell(props: { f: z.infer<typeof FeeLine> }) {
  const f = props.f
  return (
    <li>
      <strong>{f.item}</strong>
      {f.aboveRange ? <strong style="color:#a00000">（高于指导价上限）</strong> : null}
      <dl class="kv">
        <div>
          <dt>收费标准</dt>
          <dd class="num">
            {formatFen(f.rateFen)} {FEE_BASIS_UNIT[f.basis]}
          </dd>
        </div>
        <div>
          <dt>缴费人</dt>
          <dd>{f.payer}</dd>
        </div>
        <div>
          <dt>定价方式</dt>
          <dd>
            {f.regime === 'guided' ? '政府指导价' : '市场调节价'}
            {f.reference ? `：基准 ${formatFen(f.reference.baseFen)}，范围 ${formatFen(f.reference.minFen)}–${formatFen(f.reference.maxFen)}` : ''}
          </dd>
        </div>
        <div>
          <dt>执行日期</dt>
          <dd>{beijingDate(f.startsOn)}</dd>
        </div>
      </dl>
    </li>
  )
}

/** Fee lines as cards: a five-column table wraps one character per line on a phone. */
const FeeList = (props: { lines: z.infer<typeof FeeLine>[] }) => (
  <ul class="cells">
    {props.lines.map((f) => (
      <FeeCell f={f} />
    ))}
  </ul>
)

/** The firm's standing profile and fee schedule (明码标价 第六条; seed 002 (四)2): posted at all times, public. */
export function FeesPage(props: { communityId: string; profile: z.infer<typeof FirmProfileReply> | null; schedule: z.infer<typeof FeeScheduleReply>; signedIn: boolean }) {
  const p = props.profile
  const s = props.schedule
  return (
    <Page title="物业服务与收费公示" nav={{ communityId: props.communityId, signedIn: props.signedIn, current: 'fees' }}>
      <h1>物业服务与收费公示</h1>
      {!s.firm ? <p class="meta">本小区目前没有在合同期内的物业服务企业。</p> : null}
      {s.firm ? (
        <div class="panel">
          <p>
            <strong>{s.firm.name}</strong>
          </p>
          <p class="meta">统一社会信用代码：{s.firm.uscc}</p>
          {p ? (
            <dl class="kv">
              <div>
                <dt>营业执照有效期</dt>
                <dd>{p.content.licenceValidUntil ? beijingDate(p.content.licenceValidUntil) : '长期'}</dd>
              </div>
              <div>
                <dt>服务等级</dt>
                <dd>{p.content.serviceGrade}</dd>
              </div>
              <div>
                <dt>项目经理 {p.content.projectManager.name}</dt>
                <dd>
                  <Tel phone={p.content.projectManager.phone} />
                </dd>
              </div>
              <div>
                <dt>投诉电话</dt>
                <dd>
                  <Tel phone={p.content.complaintPhone} />
                </dd>
              </div>
              <div>
                <dt>价格举报</dt>
                <dd>
                  <Tel phone={p.content.priceHotline} />
                </dd>
              </div>
              {p.content.contractors.map((c) => (
                <div>
                  <dt>
                    {c.kind === 'elevator' ? '电梯维保' : '消防维保'}：{c.name}
                  </dt>
                  <dd>
                    <Tel phone={c.phone} />
                  </dd>
                </div>
              ))}
            </dl>
          ) : (
            <p class="meta">物业尚未公示项目经理、投诉电话等信息。</p>
          )}
          {p ? (
            <p class="meta">
              公示于 {beijing(p.postedAt)}（第 {p.versions} 版）
            </p>
          ) : null}
        </div>
      ) : null}
      {s.flagged.length ? <p class="card bad">有 {s.flagged.length} 项收费高于政府指导价上限，已提示业委会。</p> : null}
      <h2>现行收费标准</h2>
      {s.inForce.length ? <FeeList lines={s.inForce} /> : <p class="meta">暂无。</p>}
      {s.upcoming.length ? (
        <div>
          <h2>已公示的收费调整（尚未执行）</h2>
          <FeeList lines={s.upcoming} />
        </div>
      ) : null}
    </Page>
  )
}
