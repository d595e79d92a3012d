import { raw } from 'hono/html'
import { Page } from './layout'
import { RoomField } from './counting'
import { beijing, Msg } from './parts'

/** One proxy of the poll as the committee sees it (GET /api/polls/:pid/proxies: the phone masked). */
export interface ProxyRow {
  id: string
  voterId: string
  unitLabels: string
  proxyPhone: string
  status: 'active' | 'used' | 'revoked'
  written: boolean
  createdAt: string
  endedAt: string | null
}

/** A household of the poll's electorate the typed room may mean, with the owner's name masked as the per-voter list shows it. */
export interface Household {
  voterId: string
  unitLabels: string
  maskedName: string
  /** a proxy already stands for it (the API would refuse a second) */
  hasProxy: boolean
}

export interface WrittenProxiesView {
  pollId: string
  pollNumber: number
  title: string
  /** why nothing can be recorded or withdrawn any more (the close, a cancellation); null while the poll runs */
  shut: string | null
  proxies: ProxyRow[]
  /** the proxy just recorded, read back with its undo, as the counting form reads back a ballot */
  recorded: ProxyRow | null
  withdrawn: ProxyRow | null
  /** the room typed in the first step, and the households it may mean (null: not looked up, or unreadable) */
  room: string
  households: Household[] | null
  error: string | null
  /** what was typed, kept when the API refused it; documentSha256: the photo's hash, so it need not be chosen again */
  form: { voterId?: string; proxyPhone?: string; proxyPhoneAgain?: string; documentSha256?: string }
}

const KIND_ZH = (x: ProxyRow) => (x.written ? '书面委托（业委会录入）' : '网上委托（业主本人）')
const STATE_ZH = (x: ProxyRow) =>
  x.status === 'active' ? '有效，尚未代投' : x.status === 'used' ? `已代投（${beijing(x.endedAt!)}）` : `已结束（${x.endedAt ? beijing(x.endedAt) : ''}）`
/** A written proxy the committee may still withdraw (a used one too: its ballot stands, the proxy casts no more). */
const withdrawable = (x: ProxyRow) => x.written && x.status !== 'revoked'

/**
 * The photo's SHA-256, computed on the phone (crypto.subtle) when the committee member picks the
 * photo, so that only the hash is sent and the signed sheet (names, signatures) never leaves the
 * phone. Without script, or where crypto.subtle is missing (it needs https or localhost: a LAN test
 * over http), the photo goes up with the form and the server hashes it and keeps nothing else: the
 * same hash either way. Plain ES5 with FileReader: WeChat's browser on an older phone runs it too.
 * The page's CSP allows exactly this text by its hash (routes/h5/proxies.routes.tsx).
 */
export const PHOTO_HASH_SCRIPT = `(function () {
  var file = document.getElementById('photo'), hash = document.getElementById('documentSha256'), said = document.getElementById('photo-state');
  if (!file || !hash || !said || !window.crypto || !window.crypto.subtle || !window.FileReader) return;
  file.addEventListener('change', function () {
    var f = file.files && file.files[0];
    hash.value = '';
    if (!f) return;
    said.textContent = '正在计算照片指纹……';
    var r = new FileReader();
    r.onerror = function () { said.textContent = '本机算不出指纹：照片将随表单上传，由服务器计算后丢弃。'; };
    r.onload = function () {
      window.crypto.subtle.digest('SHA-256', r.result).then(function (d) {
        if (file.files[0] !== f) return;
        hash.value = Array.prototype.map.call(new Uint8Array(d), function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
        said.textContent = '照片已选好（指纹 ' + hash.value.slice(0, 8) + '…），提交时只发送指纹，照片留在本机。';
      }, r.onerror);
    };
    r.readAsArrayBuffer(f);
  });
  file.form.addEventListener('submit', function () {
    // the hash goes, the photo stays: a disabled field is not sent
    if (hash.value && file.files && file.files.length) file.disabled = true;
  });
  window.addEventListener('pageshow', function () { file.disabled = false; });
})();`

/**
 * 授权委托书 (指导规则 第26条) at the committee's desk, on a phone or a PC: an owner who never signs
 * in hands in a signed sheet naming someone to vote for them; a committee member finds the
 * household by its room as at the count, checks the owner's name against the sheet, types the
 * proxy's phone twice, photographs the sheet, and records it. Below, every proxy of the poll
 * (written or named by the owner in the app), and the withdrawal of a written one.
 */
export function WrittenProxiesPage(v: WrittenProxiesView) {
  const base = `/h5/polls/${v.pollId}/proxies/written`
  const f = v.form
  const found = v.households?.length ? v.households : null
  const voterChecked = (h: Household) => (f.voterId ? f.voterId === h.voterId : found!.length === 1)
  return (
    <Page title={`授权委托书 · 第${v.pollNumber}号`}>
      <h1>
        授权委托书 · 第{v.pollNumber}号 {v.title}
      </h1>
      {v.recorded ? (
        <div class="card ok" role="status">
          <p class="big-outcome">
            {v.recorded.unitLabels} 书面委托已录入
          </p>
          <p>受托人 {v.recorded.proxyPhone} 会收到短信，用这个手机号登录即可代投。</p>
          {withdrawable(v.recorded) && !v.shut ? (
            <a class="btn warn" href={`/h5/polls/${v.pollId}/proxies/${v.recorded.id}/withdrawal`}>
              录错了，收回这份委托
            </a>
          ) : null}
        </div>
      ) : null}
      {v.withdrawn ? (
        <p class="card ok" role="status">
          已收回 {v.withdrawn.unitLabels} 的书面委托：受托人不能再代投。
        </p>
      ) : null}
      {v.error ? (
        <div class="card bad" role="alert">
          <p>未办理：{v.error}</p>
        </div>
      ) : null}
      {v.shut ? (
        <p class="card">{v.shut}</p>
      ) : (
        <>
          <p class="meta">
            不用手机的业主可以签署授权委托书，交给业委会在这里录入：受托人会收到短信，用这个手机号登录即可为这一户投票，只限本次表决。原件由业委会留存。已在本服务绑定房屋的业主请本人在网上委托。
          </p>
          <form method="get" action={base} class="panel">
            <RoomField name="room" label="第一步：委托人的房号" value={v.room} autofocus={!found} />
            <button type="submit" class={found ? 'secondary' : undefined}>
              查找这一户
            </button>
          </form>
          {found ? (
            <form method="post" action={base} enctype="multipart/form-data" class="panel" id="written-proxy">
              <input type="hidden" name="room" value={v.room} />
              <fieldset>
                <legend>第二步：核对委托人，须与委托书上的业主一致</legend>
                {found.map((h) => (
                  <label class="choice">
                    <input type="radio" name="voterId" value={h.voterId} required checked={voterChecked(h)} />
                    {h.unitLabels}　业主 {h.maskedName}
                    {h.hasProxy ? '（已有委托，见下方名单）' : ''}
                  </label>
                ))}
              </fieldset>
              <label for="proxyPhone">受托人的手机号</label>
              <input id="proxyPhone" name="proxyPhone" type="tel" inputmode="numeric" autocomplete="off" maxlength={20} required autofocus value={f.proxyPhone ?? ''} />
              <label for="proxyPhoneAgain">再输一遍，核对号码</label>
              <input id="proxyPhoneAgain" name="proxyPhoneAgain" type="tel" inputmode="numeric" autocomplete="off" maxlength={20} required value={f.proxyPhoneAgain ?? ''} />
              <label for="photo">委托书照片（拍照或从相册选择）</label>
              <input id="photo" name="photo" type="file" accept="image/*" required={!f.documentSha256} />
              <input type="hidden" id="documentSha256" name="documentSha256" value={f.documentSha256 ?? ''} />
              <p class="meta" id="photo-state" aria-live="polite">
                {f.documentSha256
                  ? `已收到照片的指纹（${f.documentSha256.slice(0, 8)}…），不必重新选择；换一张照片则以新照片为准。`
                  : '照片只用来计算指纹（SHA-256）存档，不保存照片本身；请拍清委托人和受托人的签名。'}
              </p>
              <button type="submit">录入授权委托书</button>
            </form>
          ) : null}
          {found ? <script>{raw(PHOTO_HASH_SCRIPT)}</script> : null}
        </>
      )}
      <h2>本次表决的委托（{v.proxies.length}）</h2>
      {v.proxies.length === 0 ? <p class="meta">还没有委托。</p> : null}
      <ul class="cells">
        {v.proxies.map((x) => (
          <li>
            <strong>{x.unitLabels}</strong>
            <p>
              受托人 <span class="num">{x.proxyPhone}</span>　{KIND_ZH(x)}
            </p>
            <p>{STATE_ZH(x)}</p>
            <p class="meta">{x.written ? '录入' : '委托'}时间：{beijing(x.createdAt)}</p>
            {withdrawable(x) && !v.shut ? (
              <a class="btn warn" href={`/h5/polls/${v.pollId}/proxies/${x.id}/withdrawal`}>
                收回这份委托
              </a>
            ) : null}
          </li>
        ))}
      </ul>
      <p class="meta">委托在业委会收回、业主撤销或业主本人投票后结束；网上委托由业主本人在表决页撤销。</p>
      <p>
        <a href={`/h5/polls/${v.pollId}`}>回到表决页</a>
      </p>
    </Page>
  )
}

/** The confirmation step before a written proxy is withdrawn: whose, whom, and what it means. */
export function WithdrawProxyPage(props: { pollId: string; proxy: ProxyRow }) {
  const x = props.proxy
  const back = `/h5/polls/${props.pollId}/proxies/written`
  return (
    <Page title="收回书面委托">
      <Msg icon="warn" title="收回这份书面委托？" lead={x.unitLabels}>
        <dl class="kv">
          <div>
            <dt>受托人</dt>
            <dd class="num">{x.proxyPhone}</dd>
          </div>
          <div>
            <dt>录入时间</dt>
            <dd>{beijing(x.createdAt)}</dd>
          </div>
          <div>
            <dt>现在</dt>
            <dd>{STATE_ZH(x)}</dd>
          </div>
        </dl>
        <p>收回后受托人不能再为这一户投票。{x.status === 'used' ? '受托人已经投出的票仍然有效，业主本人投票可以取代它。' : ''}请在业主本人到场或交来书面收回通知时办理。</p>
        <form method="post" action={`/h5/polls/${props.pollId}/proxies/${x.id}/withdrawal`}>
          <button type="submit" class="warn">
            确认收回
          </button>
        </form>
        <a class="btn secondary" href={back}>
          不收回，返回
        </a>
      </Msg>
    </Page>
  )
}
