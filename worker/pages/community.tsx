import type * as z from 'zod'
import { FEE_BASIS_UNIT, type FeeLine, type FeeScheduleReply, type FirmProfileReply } from '../../shared/api/disclosure'
import { formatFen } from '../../shared/decimal'
import { Page } from './layout'
import { beijing, ContactsTable, OverdueList } from './parts'

type Notice = { code: string; kind: string; title: string; pinned: boolean; startsAt: string; issuerLabel: string }
type PollItem = { id: string; title: string; status: string; closesAt: string }

const POLL_STATUS: Record<string, string> = { announced: '待投票', open: '投票中', voting_ended: '待公布结果', closed: '已公布结果', cancelled: '已取消', draft: '草稿' }

/** A community's front page: what hangs on its board now, its polls for those who may see them, and the links. */
export function CommunityPage(props: { communityId: string; name: string; notices: Notice[]; polls: PollItem[] | null; overdue: { kind: string; period: string; deadline: string }[] | null; signedIn: boolean }) {
  return (
    <Page title={props.name} nav={{ communityId: props.communityId, signedIn: props.signedIn }}>
      <h1>{props.name}</h1>
      <h2>公告栏</h2>
      {props.notices.length === 0 ? <p class="meta">目前没有展示中的公告。</p> : null}
      <ul>
        {props.notices.map((n) => (
          <li>
            <a href={`/n/${n.code}`}>{n.title}</a>
            {n.pinned ? '（置顶）' : ''}
            <span class="meta">　{n.issuerLabel}　{beijing(n.startsAt).slice(0, 10)}</span>
          </li>
        ))}
      </ul>
      <h2>表决</h2>
      {props.polls === null ? (
        <p class="meta">
          表决只对本小区业主和工作人员显示。<a href={`/h5/login?next=${encodeURIComponent(`/h5/c/${props.communityId}`)}`}>登录</a>后查看。
        </p>
      ) : props.polls.length === 0 ? (
        <p class="meta">暂无表决。</p>
      ) : (
        <ul>
          {props.polls.map((p) => (
            <li>
              <a href={p.status === 'closed' ? `/h5/polls/${p.id}/result` : `/h5/polls/${p.id}`}>{p.title}</a>
              <span class="meta">　{POLL_STATUS[p.status] ?? p.status}　截止 {beijing(p.closesAt)}</span>
            </li>
          ))}
        </ul>
      )}
      <OverdueList overdue={props.overdue ?? []} />
    </Page>
  )
}

/** The enforcement-contacts board (seed 001 四(三), seed 003 七): who handles what in the compound, and how to reach them. */
export function ContactsPage(props: { communityId: string; notice: { title: string; code: string; contacts: { department: string; handles: string; phone: string }[]; issuerLabel: string; startsAt: string } | null; signedIn: boolean }) {
  const n = props.notice
  return (
    <Page title="执法部门联系公示" nav={{ communityId: props.communityId, signedIn: props.signedIn }}>
      <h1>执法部门联系公示</h1>
      {!n ? (
        <p class="meta">社区尚未公示执法部门联系方式。</p>
      ) : (
        <div>
          <p class="meta">
            {n.issuerLabel}　{beijing(n.startsAt).slice(0, 10)} 公示（<a href={`/n/${n.code}`}>原公告</a>）
          </p>
          <ContactsTable contacts={n.contacts} />
        </div>
      )}
    </Page>
  )
}


function FeeRow(props: { f: z.infer<typeof FeeLine> }) {
  const f = props.f
  return (
    <tr>
      <td>
        {f.item}
        {f.aboveRange ? <strong style="color:#b00">（高于指导价上限）</strong> : null}
      </td>
      <td>{f.payer}</td>
      <td class="num">
        {formatFen(f.rateFen)} {FEE_BASIS_UNIT[f.basis]}
      </td>
      <td>
        {f.regime === 'guided' ? '政府指导价' : '市场调节价'}
        {f.reference ? `：基准 ${formatFen(f.reference.baseFen)}，范围 ${formatFen(f.reference.minFen)}–${formatFen(f.reference.maxFen)}` : ''}
      </td>
      <td>{f.startsOn}</td>
    </tr>
  )
}

const FeeTable = (props: { lines: z.infer<typeof FeeLine>[] }) => (
  <table>
    <thead>
      <tr>
        <th>项目</th>
        <th>缴费人</th>
        <th class="num">收费标准</th>
        <th>定价方式</th>
        <th>执行日期</th>
      </tr>
    </thead>
    <tbody>
      {props.lines.map((f) => (
        <FeeRow f={f} />
      ))}
    </tbody>
  </table>
)

/** The firm's standing profile and fee schedule (明码标价 第六条; seed 002 (四)2): posted at all times, public. */
export function FeesPage(props: { communityId: string; profile: z.infer<typeof FirmProfileReply> | null; schedule: z.infer<typeof FeeScheduleReply>; signedIn: boolean }) {
  const p = props.profile
  const s = props.schedule
  return (
    <Page title="物业服务与收费公示" nav={{ communityId: props.communityId, signedIn: props.signedIn }}>
      <h1>物业服务与收费公示</h1>
      {!s.firm ? <p class="meta">本小区目前没有在合同期内的物业服务企业。</p> : null}
      {s.firm ? (
        <div class="card">
          <p>
            <strong>{s.firm.name}</strong>
          </p>
          <p class="meta">统一社会信用代码：{s.firm.uscc}</p>
          {p ? (
            <div>
              <p>营业执照有效期：{p.content.licenceValidUntil ?? '长期'}</p>
              <p>服务等级：{p.content.serviceGrade}</p>
              <p>
                项目经理：{p.content.projectManager.name}　<a href={`tel:${p.content.projectManager.phone}`}>{p.content.projectManager.phone}</a>
              </p>
              <p>
                投诉电话：<a href={`tel:${p.content.complaintPhone}`}>{p.content.complaintPhone}</a>　价格举报：<a href={`tel:${p.content.priceHotline}`}>{p.content.priceHotline}</a>
              </p>
              {p.content.contractors.map((c) => (
                <p>
                  {c.kind === 'elevator' ? '电梯维保' : '消防维保'}：{c.name}　<a href={`tel:${c.phone}`}>{c.phone}</a>
                </p>
              ))}
              <p class="meta">公示于 {beijing(p.postedAt)}（第 {p.versions} 版）</p>
            </div>
          ) : (
            <p class="meta">物业尚未公示项目经理、投诉电话等信息。</p>
          )}
        </div>
      ) : null}
      {s.flagged.length ? <p class="card bad">有 {s.flagged.length} 项收费高于政府指导价上限，已提示业委会。</p> : null}
      <h2>现行收费标准</h2>
      {s.inForce.length ? <FeeTable lines={s.inForce} /> : <p class="meta">暂无。</p>}
      {s.upcoming.length ? (
        <div>
          <h2>已公示的收费调整（尚未执行）</h2>
          <FeeTable lines={s.upcoming} />
        </div>
      ) : null}
    </Page>
  )
}
