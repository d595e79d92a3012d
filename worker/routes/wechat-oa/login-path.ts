/** Where WeChat's browser comes back to after 网页授权 for signing in (login.routes.tsx); the login page sends it there. */
export const WECHAT_LOGIN_PATH = '/h5/login/wechat'
