import { beijingDeadline } from '../../shared/time'
import { Page } from './layout'
import { beijing, Msg } from './parts'

export interface BindingView {
  id: string
  communityId: string
  communityName: string
  unitKey: string
  status: 'verified' | 'pending' | 'rejected' | 'revoked' | 'ended'
  reason: string | null
  createdAt: string
  decidedAt: string | null
}

/** "1栋|1单元|101" → "1栋1单元101", as the roster writes it. */
export const unitLabel = (unitKey: string) => unitKey.split('|').filter(Boolean).join('')

const STATUS_ZH: Record<BindingView['status'], string> = { verified: '已绑定', pending: '等待审核', rejected: '未通过', revoked: '已解除', ended: '已终止' }

export interface BindChoices {
  buildings: string[]
  building: string | null
  units: string[] | null
  unit: string | null
  rooms: { room: string; unitType: string }[] | null
}

const UNIT_TYPE_ZH: Record<string, string> = { parking: '（车位）', commercial: '（商铺）', other: '' }

/**
 * Binding my flat: the building, then the unit, then the room, each picked from the roster's own
 * list by a plain GET form (no JavaScript), then my name and ID number. What is picked is spelled
 * as the roster spells it, so "1号楼" against "1栋" cannot fail the match.
 */
export function BindPage(props: { communityId: string; communityName: string; choices: BindChoices; name?: string; error?: string | null }) {
  const ch = props.choices
  const action = `/h5/c/${props.communityId}/bind`
  const restart = (
    <a class="btn secondary" href={action}>
      重新选择楼栋
    </a>
  )
  return (
    <Page title="绑定我的房屋" nav={{ communityId: props.communityId, signedIn: true, current: 'me' }}>
      <h1>绑定我的房屋</h1>
      <p class="meta">{props.communityName}。绑定后可以参与本小区的表决、查看账目。姓名和证件号码须与业主名册（房产登记）一致；证件号码只用于核对，不以明文保存。</p>
      {props.error ? (
        <p class="error" role="alert">
          {props.error}
        </p>
      ) : null}
      {ch.building === null ? (
        <form method="get" action={action} class="panel">
          <label for="building">第一步：选择楼栋</label>
          <select id="building" name="building" required>
            {ch.buildings.map((b) => (
              <option value={b}>{b}</option>
            ))}
          </select>
          <button type="submit">下一步</button>
        </form>
      ) : ch.unit === null ? (
        <form method="get" action={action} class="panel">
          <p>楼栋：<strong>{ch.building}</strong></p>
          <input type="hidden" name="building" value={ch.building} />
          <label for="unit">第二步：选择单元</label>
          <select id="unit" name="unit" required>
            {(ch.units ?? []).map((u) => (
              <option value={u}>{u}</option>
            ))}
          </select>
          <button type="submit">下一步</button>
          {restart}
        </form>
      ) : (
        <form method="post" action={action} class="panel">
          <p>
            楼栋：<strong>{ch.building}</strong>
            {ch.unit ? (
              <span>
                {'　'}单元：<strong>{ch.unit}</strong>
              </span>
            ) : null}
          </p>
          <input type="hidden" name="building" value={ch.building} />
          <input type="hidden" name="unit" value={ch.unit} />
          <label for="room">第三步：选择房号</label>
          <select id="room" name="room" required>
            {(ch.rooms ?? []).map((r) => (
              <option value={r.room}>
                {r.room}
                {UNIT_TYPE_ZH[r.unitType] ?? ''}
              </option>
            ))}
          </select>
          <label for="name">业主姓名（与房产证一致）</label>
          <input id="name" name="name" value={props.name ?? ''} maxlength={50} autocomplete="name" required />
          <label for="idNumber">身份证号码（单位业主填统一社会信用代码）</label>
          <input id="idNumber" name="idNumber" maxlength={20} autocomplete="off" required />
          <button type="submit">提交绑定</button>
          {restart}
        </form>
      )}
    </Page>
  )
}

/** What a binding's state means and what happens next, in words. */
function StateMsg(props: { b: BindingView; justSubmitted: boolean }) {
  const b = props.b
  const unit = unitLabel(b.unitKey)
  const bindAgain = { href: `/h5/c/${b.communityId}/bind`, label: '重新填写绑定申请' }
  const mine = { href: '/h5/me/bindings', label: '我的房屋', secondary: true }
  switch (b.status) {
    case 'verified':
      return (
        <Msg icon="success" title={props.justSubmitted ? '绑定成功' : '已绑定'} lead={`${b.communityName} ${unit}`} actions={[{ href: `/h5/c/${b.communityId}`, label: '去小区首页看表决' }, mine]}>
          <p>您的姓名和证件号码与业主名册一致，已核实。现在可以参与本小区的表决、发表意见、查看账目。</p>
        </Msg>
      )
    case 'pending':
      return (
        <Msg icon="wait" title="等待审核" lead={`${b.communityName} ${unit}`} actions={[bindAgain, mine]}>
          <p>
            <strong>为什么要审核：</strong>您填写的姓名或证件号码与业主名册中这套房屋的登记不一致（例如房屋登记在家人名下，或名册尚未更新），系统无法自动核实。
          </p>
          <p>
            <strong>接下来：</strong>业委会或社区工作人员会对照业主名册核实。通过后即可参与表决；如未通过，这里会写明理由。结果请回到“我的房屋”查看。
          </p>
          <p>如果是填错了，可以重新填写提交，新的申请会取代这一份。</p>
        </Msg>
      )
    case 'rejected':
      return (
        <Msg icon="warn" title="绑定未通过" lead={`${b.communityName} ${unit}`} actions={[bindAgain, mine]}>
          <p>
            <strong>理由：</strong>
            {b.reason ?? '审核人未填写理由'}
          </p>
          <p>请按理由准备材料（如房产证、购房合同），联系业委会或物业核实后重新申请。</p>
        </Msg>
      )
    case 'revoked':
      return (
        <Msg icon="info" title={b.reason ? '申请已被取代' : '已解除绑定'} lead={`${b.communityName} ${unit}`} actions={[mine]}>
          <p>{b.reason ? `${b.reason}。` : '您已解除这套房屋的绑定，不能再以这套房屋的名义投票。需要时可以重新绑定。'}</p>
        </Msg>
      )
    case 'ended':
      return (
        <Msg icon="info" title="绑定已终止" lead={`${b.communityName} ${unit}`} actions={[mine]}>
          <p>业主名册更新后，名册中已没有您在这套房屋的登记，绑定随之终止。如有疑问，请联系业委会。</p>
        </Msg>
      )
  }
}

/** One binding: its state in words, and the button that ends it while it is in force or pending. */
export function BindingPage(props: { binding: BindingView; justSubmitted: boolean }) {
  const b = props.binding
  return (
    <Page title={`${unitLabel(b.unitKey)} ${STATUS_ZH[b.status]}`} nav={{ communityId: b.communityId, signedIn: true, current: 'me' }}>
      <StateMsg b={b} justSubmitted={props.justSubmitted} />
      <div class="panel">
        <dl class="kv">
          <div>
            <dt>提交时间</dt>
            <dd>{beijing(b.createdAt)}</dd>
          </div>
          {b.decidedAt ? (
            <div>
              <dt>处理时间</dt>
              <dd>{beijing(b.decidedAt)}</dd>
            </div>
          ) : null}
        </dl>
      </div>
      {b.status === 'verified' || b.status === 'pending' ? (
        <form method="post" action={`/h5/me/bindings/${b.id}/end`} class="actions">
          <p class="meta">{b.status === 'verified' ? '房屋已出售或绑定错了，可以解除。解除后不能再以这套房屋的名义投票；已投的票不受影响。' : '不想再申请了，可以撤回。'}</p>
          <button type="submit" class="warn">
            {b.status === 'verified' ? '解除绑定' : '撤回申请'}
          </button>
        </form>
      ) : null}
    </Page>
  )
}

/** My bindings, in every community, each a cell leading to its page. */
export function MyBindingsPage(props: { bindings: BindingView[]; notice?: string | null; communityId: string | null }) {
  return (
    <Page title="我的房屋" nav={props.communityId ? { communityId: props.communityId, signedIn: true, current: 'me' } : undefined}>
      <h1>我的房屋</h1>
      {props.notice ? (
        <p class="card ok" role="status">
          {props.notice}
        </p>
      ) : null}
      {props.bindings.length === 0 ? <p class="meta">您还没有绑定房屋。请从小区公告栏的二维码或小区首页进入，点“绑定我的房屋”。</p> : null}
      <div class="cells">
        {props.bindings.map((b) => (
          <a class="cell" href={`/h5/me/bindings/${b.id}`}>
            <span class="title">
              {b.communityName} {unitLabel(b.unitKey)}
            </span>
            <span class="meta">
              {STATUS_ZH[b.status]}
              {b.status === 'rejected' && b.reason ? `：${b.reason}` : ''}　{beijing(b.createdAt)}
            </span>
          </a>
        ))}
      </div>
      {props.communityId ? (
        <div class="actions">
          <a class="btn" href={`/h5/c/${props.communityId}/bind`}>
            绑定我的房屋
          </a>
        </div>
      ) : null}
    </Page>
  )
}

/** "我的": who is signed in, their communities and roles, and where to go next. */
export function MePage(props: {
  phoneMasked: string | null
  justSignedIn: boolean
  communities: { communityId: string; name: string; roles: string[] }[]
  /** polls this person votes in for an owner (指导规则 第26条), owner here or not */
  proxyPolls: { pollId: string; number: number | null; title: string; communityName: string; closesAt: string }[]
  pending: number
}) {
  const ROLE_ZH: Record<string, string> = { owner: '业主', committee: '业委会', firm_staff: '物业', community_staff: '社区工作人员', admin: '平台管理员' }
  const first = props.communities[0]?.communityId ?? null
  return (
    <Page title="我的" nav={first ? { communityId: first, signedIn: true, current: 'me' } : undefined}>
      {props.justSignedIn ? (
        <Msg icon="success" title="登录成功" lead={props.phoneMasked ? `手机号 ${props.phoneMasked}` : undefined}>
          <p>{props.communities.length ? '请选择要进入的小区。' : props.proxyPolls.length ? '您受业主委托代为投票，议题见下。' : '您还没有绑定房屋：请从小区公告栏的二维码或小区首页进入，点“绑定我的房屋”。'}</p>
        </Msg>
      ) : (
        <h1>我的</h1>
      )}
      {props.communities.length ? (
        <div class="cells">
          {props.communities.map((c) => (
            <a class="cell" href={`/h5/c/${c.communityId}`}>
              <span class="title">{c.name}</span>
              <span class="meta">{c.roles.map((r) => ROLE_ZH[r] ?? r).join('、')}</span>
            </a>
          ))}
        </div>
      ) : null}
      {props.proxyPolls.length ? (
        <>
          <h2>受托代为投票</h2>
          <div class="cells">
            {props.proxyPolls.map((p) => (
              <a class="cell" href={`/h5/polls/${p.pollId}`}>
                <span class="title">
                  {p.number ? `第${p.number}号 ` : ''}
                  {p.title}
                </span>
                <span class="meta">
                  {p.communityName}，{beijingDeadline(new Date(p.closesAt))} 截止
                </span>
              </a>
            ))}
          </div>
        </>
      ) : null}
      <div class="cells">
        <a class="cell" href="/h5/me/bindings">
          <span class="title">我的房屋</span>
          <span class="meta">{props.pending ? `${props.pending} 份申请等待审核` : '查看、解除房屋绑定'}</span>
        </a>
      </div>
      {props.justSignedIn ? null : <p class="meta">{props.phoneMasked ? `已登录：${props.phoneMasked}` : null}</p>}
      {/* signing out is in the top bar of every page that has one; this page may have none */}
      {first ? null : (
        <form method="post" action="/h5/logout" class="actions">
          <button type="submit" class="secondary">
            退出登录
          </button>
        </form>
      )}
    </Page>
  )
}
