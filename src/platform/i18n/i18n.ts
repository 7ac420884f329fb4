/**
 * Server-side messages in zh-CN (first) and English. The web app has its own dictionaries;
 * error codes are shared so the app can show its own words when it wants to.
 */
export type Locale = 'zh-CN' | 'en';
export const LOCALES: Locale[] = ['zh-CN', 'en'];

type Dict = Record<string, string>;
const dictionaries: Record<Locale, Dict> = { 'zh-CN': {}, en: {} };

/** Modules add their own messages; later keys must not silently replace earlier ones. */
export function addMessages(messages: Record<string, { 'zh-CN': string; en: string }>): void {
  for (const [key, m] of Object.entries(messages)) {
    if (dictionaries['zh-CN'][key] !== undefined && dictionaries['zh-CN'][key] !== m['zh-CN']) {
      throw new Error(`i18n key ${key} defined twice`);
    }
    dictionaries['zh-CN'][key] = m['zh-CN'];
    dictionaries.en[key] = m.en;
  }
}

export function t(locale: Locale, key: string, params: Record<string, string | number> = {}): string {
  const text = dictionaries[locale][key] ?? dictionaries['zh-CN'][key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, p: string) => (params[p] !== undefined ? String(params[p]) : `{${p}}`));
}

export function hasMessage(key: string): boolean {
  return dictionaries['zh-CN'][key] !== undefined;
}

/** `?lang=` wins, then the `lang` cookie, then Accept-Language; zh-CN by default. */
export function pickLocale(query: unknown, cookie: string | undefined, acceptLanguage: string | undefined): Locale {
  const q = typeof query === 'string' ? query : undefined;
  for (const candidate of [q, cookie]) {
    if (candidate === 'en' || candidate?.startsWith('en-')) return 'en';
    if (candidate === 'zh-CN' || candidate === 'zh') return 'zh-CN';
  }
  if (acceptLanguage) {
    const first = acceptLanguage.split(',')[0]?.trim().toLowerCase() ?? '';
    if (first.startsWith('en')) return 'en';
  }
  return 'zh-CN';
}

addMessages({
  'error.BAD_REQUEST': { 'zh-CN': '请求有误', en: 'Bad request' },
  'error.VALIDATION_FAILED': { 'zh-CN': '输入有误，请检查标出的字段', en: 'Invalid input; check the fields listed' },
  'error.UNAUTHENTICATED': { 'zh-CN': '请先登录', en: 'Please log in first' },
  'error.SESSION_EXPIRED': { 'zh-CN': '登录已超时，请重新登录', en: 'Your session has expired; please log in again' },
  'error.FORBIDDEN': { 'zh-CN': '无权执行此操作', en: 'You are not allowed to do this' },
  'error.CSRF_FAILED': { 'zh-CN': '缺少或错误的 CSRF 令牌', en: 'Missing or wrong CSRF token' },
  'error.NOT_FOUND': { 'zh-CN': '未找到', en: 'Not found' },
  'error.ROUTE_NOT_FOUND': { 'zh-CN': '接口不存在：{method} {url}', en: 'No such endpoint: {method} {url}' },
  'error.CONFLICT': { 'zh-CN': '数据冲突', en: 'Conflict' },
  'error.PAYLOAD_TOO_LARGE': { 'zh-CN': '内容过大', en: 'Payload too large' },
  'error.UNSUPPORTED_MEDIA_TYPE': { 'zh-CN': '不支持的文件类型', en: 'Unsupported media type' },
  'error.RATE_LIMITED': { 'zh-CN': '请求过于频繁，请稍后再试', en: 'Too many requests; try again later' },
  'error.INTERNAL': { 'zh-CN': '服务器内部错误', en: 'Internal server error' },
  'error.INVALID_CREDENTIALS': { 'zh-CN': '用户名或密码错误', en: 'Wrong username or password' },
  'error.ACCOUNT_LOCKED': {
    'zh-CN': '连续登录失败次数过多，账号已锁定，请于 {until} 后再试',
    en: 'Too many failed logins; the account is locked until {until}',
  },
  'error.ACCOUNT_DISABLED': { 'zh-CN': '账号已停用', en: 'This account is disabled' },
  'error.PASSWORD_CHANGE_REQUIRED': { 'zh-CN': '首次登录须先修改密码', en: 'You must change your password first' },
  'error.TOTP_REQUIRED': { 'zh-CN': '请输入动态口令（身份验证器）', en: 'Enter the code from your authenticator app' },
  'error.TOTP_INVALID': { 'zh-CN': '动态口令错误', en: 'Wrong authenticator code' },
  'error.TOTP_ENROLMENT_REQUIRED': {
    'zh-CN': '管理员账号须先绑定动态口令（双因素认证）',
    en: 'Admin accounts must set up two-factor authentication first',
  },
  'error.WEAK_PASSWORD': {
    'zh-CN': '密码至少 8 位，且须包含大写字母、小写字母、数字、符号中的至少三类',
    en: 'Passwords need at least 8 characters from at least three of: upper case, lower case, digits, symbols',
  },
  'error.PASSWORD_REUSED': { 'zh-CN': '新密码不能与旧密码相同', en: 'The new password must differ from the old one' },
  'error.PURPOSE_REQUIRED': { 'zh-CN': '查看完整信息须说明用途', en: 'State a purpose to see unmasked data' },
  'error.NOT_READY': { 'zh-CN': '数据库不可用', en: 'Database unavailable' },
});
