import { Page } from './layout'

/**
 * Phone sign-in for owners without the mini-program: step one asks for the phone and sends the
 * code; step two asks for the code. Two plain forms, no JavaScript.
 */
/** `challenge`: the code was sent (its challenge goes back with the code); absent, the phone form. */
export function LoginPage(props: { next: string; phone?: string; challenge?: string; error?: string; notice?: string; offerWeChatLink?: boolean }) {
  return (
    <Page title="手机号登录">
      <h1>手机号登录</h1>
      <p class="meta">用您的手机号接收短信验证码登录。登录后可以绑定房屋、参与表决、查看账目。</p>
      {props.notice ? <p class="panel">{props.notice}</p> : null}
      {props.error ? (
        <p class="error" role="alert">
          {props.error}
        </p>
      ) : null}
      {props.challenge ? (
        <form method="post" action="/h5/login" class="panel">
          <input type="hidden" name="step" value="verify" />
          <input type="hidden" name="next" value={props.next} />
          <input type="hidden" name="phone" value={props.phone ?? ''} />
          <input type="hidden" name="challenge" value={props.challenge} />
          <p>验证码已发送到 {props.phone}，5分钟内有效。收到几条时，请填最新的一条。</p>
          <label for="code">短信验证码</label>
          <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength={6} required />
          {props.offerWeChatLink ? (
            <label class="choice">
              <input type="checkbox" name="linkWeChat" value="1" checked />
              同时绑定本微信，以后在微信里打开不用再输验证码
            </label>
          ) : null}
          <button type="submit">登录</button>
          <a class="btn secondary" href={`/h5/login?sms=1&next=${encodeURIComponent(props.next)}`}>
            没收到？换个手机号或重新获取
          </a>
        </form>
      ) : (
        <form method="post" action="/h5/login" class="panel">
          <input type="hidden" name="step" value="send" />
          <input type="hidden" name="next" value={props.next} />
          <label for="phone">手机号</label>
          <input id="phone" type="tel" name="phone" value={props.phone ?? ''} inputmode="tel" autocomplete="tel" maxlength={20} required />
          <button type="submit">获取验证码</button>
        </form>
      )}
    </Page>
  )
}
