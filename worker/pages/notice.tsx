import type { SignatureCheck } from '../services/results/check'
import { Page } from './layout'
import { beijingDate, ContactsTable } from './parts'
import { SignatureBlock } from './result'

export interface NoticeView {
  kind: string
  title: string
  body: string
  contacts: { department: string; handles: string; phone: string }[] | null
  issuerLabel: string
  startsAt: string
  endsAt: string | null
  version: number
  supersededBy: string | null
  communityId: string
  /** the poll a poll or result notice is about */
  pollId: string | null
  statementId: string | null
  qrSvg?: string
  /** result notices: the signed result checked against the published keys */
  signature?: SignatureCheck
}

const KIND_ZH: Record<string, string> = {
  general: '通知',
  poll_announcement: '表决公告',
  result: '表决结果公告',
  disclosure: '信息公开',
  fee_change: '收费调整公示',
  enforcement_contacts: '执法部门联系公示',
}

/** The page a scanned notice opens: readable with no JavaScript and no sign-in. */
export function NoticePage(props: { notice: NoticeView; poster?: boolean }) {
  const n = props.notice
  return (
    <Page title={n.title} nav={props.poster ? undefined : { communityId: n.communityId, signedIn: false }}>
      <p>
        <span class="tag">{KIND_ZH[n.kind] ?? '公告'}</span>
        {n.version > 1 ? <span class="meta">　第{n.version}版（更正）</span> : null}
      </p>
      {n.supersededBy ? <p class="superseded">本公告已被更正，请以新版本为准：{n.supersededBy}</p> : null}
      <h1>{n.title}</h1>
      <p class="meta">
        发布：{n.issuerLabel}　展示期：{beijingDate(n.startsAt)} 至 {n.endsAt ? beijingDate(n.endsAt) : '长期'}
      </p>
      {n.signature ? <SignatureBlock check={n.signature} /> : null}
      <div class="body">{n.body}</div>
      {n.pollId && n.kind === 'poll_announcement' && !props.poster ? (
        <p>
          <a href={`/h5/polls/${n.pollId}`}>查看表决详情、参与讨论、投票 →</a>
        </p>
      ) : null}
      {n.statementId && !props.poster ? (
        <p>
          <a href={`/h5/statements/${n.statementId}`}>查看报表明细、各版本差异、异议与答复 →</a>
        </p>
      ) : null}
      {n.pollId && n.kind === 'result' && !props.poster ? (
        <p>
          <a href={`/h5/polls/${n.pollId}/result`}>查看完整结果、核验本人选票 →</a>
        </p>
      ) : null}
      {n.contacts?.length ? (
        <ContactsTable contacts={n.contacts} />
      ) : null}
      {props.poster && n.qrSvg ? (
        <div class="poster-foot">
          <div>
            {/* the SVG is our own output (lib/qr.ts) from the notice's URL, not user text */}
            <div class="poster-qr" dangerouslySetInnerHTML={{ __html: n.qrSvg }} />
            <p class="meta">手机扫码查看全文、更正记录{n.kind === 'poll_announcement' ? '，并参与表决' : ''}</p>
          </div>
          <div class="poster-seal">
            <p>{n.issuerLabel}</p>
            <div class="seal-box">（盖章）</div>
            <p>{beijingDate(n.startsAt)}</p>
          </div>
        </div>
      ) : null}
    </Page>
  )
}
