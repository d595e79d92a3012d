import { Page } from './layout'

/**
 * Phone sign-in for owners without the mini-program: step one asks for the phone and sends the
 * code; step two asks for the code. Two plain forms, no JavaScript.
 */
export function LoginPage(props: { next: string; phone?: string; codeSent?: boolean; error?: string }) {
  return (
    <Page title="手机号登录">
      <h1>手机号登录</h1>
      <p class="meta">用已在物业或业委会登记的手机号登录，登录后可以查看表决、投票和查看账目。</p>
      {props.error ? <p class="error" role="alert">{props.error}</p> : null}
      {props.codeSent ? (
        <form method="post" action="/h5/login">
          <input type="hidden" name="step" value="verify" />
          <input type="hidden" name="next" value={props.next} />
          <input type="hidden" name="phone" value={props.phone ?? ''} />
          <p>验证码已发送到 {props.phone}，5分钟内有效。</p>
          <label>
            短信验证码
            <input name="code" inputmode="numeric" autocomplete="one-time-code" maxlength={6} required />
          </label>
          <button type="submit">登录</button>
        </form>
      ) : (
        <form method="post" action="/h5/login">
          <input type="hidden" name="step" value="send" />
          <input type="hidden" name="next" value={props.next} />
          <label>
            手机号
            <input type="tel" name="phone" value={props.phone ?? ''} inputmode="tel" autocomplete="tel" maxlength={20} required />
          </label>
          <button type="submit">获取验证码</button>
        </form>
      )}
    </Page>
  )
}
