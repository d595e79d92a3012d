/**
 * Machine error codes shared with the mini-program: the client switches on `code`,
 * people read `message` (Chinese). Every API error is `{ error: { code, message, requestId, details? } }`.
 */
export const ErrorCodes = {
  // request shape
  VALIDATION_FAILED: { status: 400, message: '请求内容不符合要求' },
  INVALID_JSON: { status: 400, message: '请求体不是有效的 JSON' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: '不支持的文件或内容类型' },
  PAYLOAD_TOO_LARGE: { status: 413, message: '请求内容过大' },
  NOT_FOUND: { status: 404, message: '未找到请求的资源' },
  METHOD_NOT_ALLOWED: { status: 405, message: '不支持该请求方法' },
  CONFLICT: { status: 409, message: '与现有数据冲突' },
  IDEMPOTENCY_CONFLICT: { status: 409, message: '幂等键已用于内容不同的请求' },
  // identity
  UNAUTHENTICATED: { status: 401, message: '请先登录' },
  TOKEN_INVALID: { status: 401, message: '登录凭证无效' },
  TOKEN_EXPIRED: { status: 401, message: '登录已过期，请重新登录' },
  REFRESH_TOKEN_REUSED: { status: 401, message: '登录凭证已被使用，为安全起见已注销该设备的全部会话' },
  FORBIDDEN: { status: 403, message: '没有权限执行此操作' },
  OTP_INVALID: { status: 400, message: '验证码错误或已过期' },
  RATE_LIMITED: { status: 429, message: '操作过于频繁，请稍后再试' },
  LOCKED_OUT: { status: 429, message: '失败次数过多，已暂时锁定，请稍后再试' },
  WECHAT_CODE_INVALID: { status: 400, message: '微信登录凭证无效或已使用，请重新进入小程序' },
  WECHAT_RISKY_USER: { status: 403, message: '微信判定该账号存在风险，暂不能登录' },
  WECHAT_UNAVAILABLE: { status: 503, message: '微信服务暂时不可用，请稍后再试' },
  SMS_UNAVAILABLE: { status: 503, message: '短信服务暂时不可用，请稍后再试' },
  PHONE_INVALID: { status: 400, message: '手机号格式不正确' },
  // roster and bindings
  ROSTER_INVALID: { status: 422, message: '业主名册存在错误，未导入任何数据' },
  ROSTER_EMPTY: { status: 422, message: '业主名册没有任何房屋' },
  ROSTER_NOT_IMPORTED: { status: 409, message: '该小区尚未导入业主名册' },
  SPREADSHEET_UNREADABLE: { status: 422, message: '无法读取上传的表格文件' },
  BINDING_DUPLICATE: { status: 409, message: '已提交过该房屋的绑定申请' },
  BINDING_NOT_PENDING: { status: 409, message: '该申请已处理' },
  UNIT_NOT_IN_ROSTER: { status: 422, message: '业主名册中没有这个房屋，请核对楼栋、单元和房号' },
  OWNER_NOT_OF_UNIT: { status: 422, message: '所选业主不属于该房屋' },
  USCC_INVALID: { status: 400, message: '统一社会信用代码校验不通过' },
  USER_NOT_FOUND: { status: 404, message: '找不到该用户' },
  // generic
  RESOURCE_STATE: { status: 409, message: '当前状态下不能执行此操作' },
  SERVICE_UNAVAILABLE: { status: 503, message: '服务暂时不可用' },
  INTERNAL: { status: 500, message: '服务器内部错误' },
} as const satisfies Record<string, { status: number; message: string }>

export type ErrorCode = keyof typeof ErrorCodes

export interface ErrorBody {
  error: { code: ErrorCode; message: string; requestId: string; details?: unknown }
}
