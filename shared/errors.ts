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
  OTP_SPENT: { status: 400, message: '这条验证码已输错5次或已经用过，已作废，请重新获取验证码' },
  RATE_LIMITED: { status: 429, message: '操作过于频繁，请稍后再试' },
  WECHAT_CODE_INVALID: { status: 400, message: '微信登录凭证无效或已使用，请重新进入小程序' },
  WECHAT_RISKY_USER: { status: 403, message: '微信判定该账号存在风险，暂不能登录' },
  WECHAT_UNAVAILABLE: { status: 503, message: '微信服务暂时不可用，请稍后再试' },
  SMS_UNAVAILABLE: { status: 503, message: '短信服务暂时不可用，请稍后再试' },
  PHONE_INVALID: { status: 400, message: '手机号格式不正确' },
  WRITTEN_PROXY_OWNER_ONLINE: { status: 409, message: '这一户的业主已在本服务绑定，请业主本人在网上委托代投，业委会不代为录入' },
  PROXY_PHONE_MISMATCH: { status: 400, message: '两次输入的受托人手机号不一致，请核对后重新填写' },
  // roster and bindings
  ROSTER_INVALID: { status: 422, message: '业主名册存在错误，未导入任何数据' },
  ROSTER_EMPTY: { status: 422, message: '业主名册没有任何房屋' },
  ROSTER_NOT_IMPORTED: { status: 409, message: '该小区尚未导入业主名册' },
  SPREADSHEET_UNREADABLE: { status: 422, message: '无法读取上传的表格文件' },
  SPREADSHEET_TOO_LARGE: { status: 413, message: '表格超出本系统对一份表格的上限' },
  BINDING_DUPLICATE: { status: 409, message: '已提交过该房屋的绑定申请' },
  BINDING_NOT_PENDING: { status: 409, message: '该申请已处理' },
  BINDING_OWN_CLAIM: { status: 403, message: '不能审核自己的绑定申请，请由其他业委会委员或社区工作人员审核' },
  UNIT_NOT_IN_ROSTER: { status: 422, message: '业主名册中没有这个房屋，请核对楼栋、单元和房号' },
  OWNER_NOT_OF_UNIT: { status: 422, message: '所选业主不属于该房屋' },
  USCC_INVALID: { status: 400, message: '统一社会信用代码校验不通过' },
  USER_NOT_FOUND: { status: 404, message: '找不到该用户' },
  // polls and ballots
  POLL_NOT_DRAFT: { status: 409, message: '公告后议题内容不得修改，如需更正请发布更正公告' },
  NOTICE_TOO_SHORT: { status: 422, message: '公告须在投票开始15日前发布；如确需缩短，须填写理由并公示' },
  POLL_WINDOW_INVALID: { status: 422, message: '投票时间不合理：结束须晚于开始，且开始须晚于公告' },
  EXTENSION_TOO_LONG: { status: 422, message: '延长后的表决期累计不得超过3个月' },
  POLL_NOT_OPEN: { status: 409, message: '当前不在投票时间内' },
  POLL_NOT_CLOSABLE: { status: 409, message: '投票截止时间未到，不能结束表决' },
  NOT_IN_ELECTORATE: { status: 403, message: '您不在本次表决的投票权人名单中' },
  NOT_REPRESENTATIVE: { status: 403, message: '共有房屋只能由登记的代表人投票' },
  VOTER_AMBIGUOUS: { status: 422, message: '您代表多个投票权人，请选择以哪一位的名义投票' },
  BALLOT_FINAL: { status: 409, message: '本小区规定首次投票即为最终结果，不能修改' },
  PROXY_LIMIT: { status: 409, message: '该受托人代理的业主人数已达本小区上限' },
  PROXY_NOT_ACTIVE: { status: 409, message: '该委托已使用或已撤销' },
  PROXY_EXISTS: { status: 409, message: '这一户已经委托了代投人；如要换人，请先由委托的人撤销原来的委托' },
  OWNER_ALREADY_VOTED: { status: 409, message: '您已经亲自投票，不能再委托他人代投；如需改投，请您自己改投' },
  RECEIPT_NOT_FOUND: { status: 404, message: '找不到该投票回执' },
  RESULT_NOT_PUBLISHED: { status: 409, message: '表决结果尚未公布' },
  EXTENSION_TOO_LATE: { status: 409, message: '投票已截止，不能再延长表决期（延期须在截止前公告）' },
  VOTING_CLOSED: { status: 409, message: '投票已截止：不能再登记送达、发放纸质票、变更投票权人，不能再委托或撤销委托，也不能取消表决' },
  COUNTING_INVALID: { status: 422, message: '计票登记有误，未登记任何选票' },
  COUNTING_REQUIRED: { status: 409, message: '本次表决发放了纸质票，须公开计票并经监票人确认后公布结果' },
  // disclosure
  STATEMENT_INVALID: { status: 422, message: '报表存在错误，未发布' },
  STATEMENT_EXISTS: { status: 409, message: '该期报表已发布；如需更正，请发布更正版本并说明理由' },
  NOTICE_NOT_YOURS: { status: 403, message: '只能更正本方发布的公告；报表的公示随报表更正，不能单独更改' },
  STATEMENT_NOT_YOURS: { status: 403, message: '该期报表由另一方发布，只能由发布方更正；如有异议，请对该报表提出质询' },
  // official-account callback
  WECHAT_SIGNATURE_INVALID: { status: 401, message: '微信消息签名无效' },
  WECHAT_TIMESTAMP_STALE: { status: 401, message: '微信消息时间戳与当前时间相差过大' },
  WECHAT_MESSAGE_INVALID: { status: 400, message: '微信消息格式无效' },
  // generic
  RESOURCE_STATE: { status: 409, message: '当前状态下不能执行此操作' },
  SERVICE_UNAVAILABLE: { status: 503, message: '服务暂时不可用' },
  INTERNAL: { status: 500, message: '服务器内部错误' },
} as const satisfies Record<string, { status: number; message: string }>

export type ErrorCode = keyof typeof ErrorCodes

export interface ErrorBody {
  error: { code: ErrorCode; message: string; requestId: string; details?: unknown }
}
