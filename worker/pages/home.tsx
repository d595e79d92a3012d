import { Page } from './layout'

/**
 * What someone who opens the server's bare address sees: what this is and where to go. Owners
 * reach their compound from its notices' QR codes or the link their committee gives them; the
 * service lists no compounds here.
 */
export function HomePage() {
  return (
    <Page title="共议：小区共同决策与公开">
      <h1>共议</h1>
      <p>小区业主共同决定事项（一事一议、业主大会表决）和物业收支公开的服务。</p>
      <section class="card">
        <h2>我是业主</h2>
        <p>请扫描小区公告栏上公告的二维码，或打开业委会、物业发给您的小区链接，就能查看公告、收费标准、季度账目，并参加表决。</p>
        <a class="btn" href="/h5/me">
          进入“我的”（手机号登录）
        </a>
      </section>
      <section class="card">
        <h2>开发与运维</h2>
        <ul>
          <li>
            <a href="/openapi.json">接口说明（OpenAPI）</a>
          </li>
          <li>
            <a href="/health">服务状态</a>
          </li>
        </ul>
      </section>
    </Page>
  )
}
