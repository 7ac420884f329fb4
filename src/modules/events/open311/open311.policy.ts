import { addMessages } from '../../../platform/i18n/i18n.js';
import { registerPermissions } from '../../../platform/policy/roles.js';

/** File service requests through Open311 (the API token's account holds it on a subtree). */
export const OPEN311_REPORT = 'events.open311.report';

registerPermissions({
  [OPEN311_REPORT]: ['api_client'],
});

// Open311 answers errors as a list of {code, description}; the descriptions come from here.
addMessages({
  'error.OPEN311_API_KEY_MISSING': { 'zh-CN': '缺少 api_key', en: 'api_key was not provided' },
  'error.OPEN311_API_KEY_INVALID': { 'zh-CN': 'api_key 无效、已吊销或已过期', en: 'Invalid api_key received (unknown, revoked or expired)' },
  'error.OPEN311_API_KEY_NOT_ALLOWED': {
    'zh-CN': '该 api_key 所属账号无权通过 Open311 上报事件',
    en: 'The account of this api_key may not create service requests',
  },
  'error.OPEN311_API_KEY_PENDING': {
    'zh-CN': '该 api_key 所属账号须先登录修改密码或绑定动态口令',
    en: 'The account of this api_key must first change its password or set up two-factor authentication',
  },
  'error.OPEN311_JURISDICTION_NOT_FOUND': { 'zh-CN': 'jurisdiction_id {id} 不存在', en: 'jurisdiction_id {id} was not found' },
  'error.OPEN311_SERVICE_CODE_MISSING': { 'zh-CN': '缺少 service_code', en: 'service_code was not provided' },
  'error.OPEN311_SERVICE_NOT_FOUND': { 'zh-CN': 'service_code {code} 不存在或未开放', en: 'service_code {code} was not found' },
  'error.OPEN311_REQUEST_NOT_FOUND': { 'zh-CN': 'service_request_id {id} 不存在', en: 'service_request_id {id} was not found' },
  'error.OPEN311_TOKEN_NOT_FOUND': { 'zh-CN': 'token {token} 不存在', en: 'token {token} was not found' },
  'error.OPEN311_LOCATION_REQUIRED': {
    'zh-CN': '须提供位置：lat 和 long、address_string 或 address_id 之一',
    en: 'A location is required: lat and long, address_string or address_id',
  },
  'error.OPEN311_LAT_LONG_PAIR': { 'zh-CN': 'lat 和 long 须同时提供', en: 'lat and long must both be sent' },
  'error.OPEN311_PARAMETER_INVALID': { 'zh-CN': '参数 {name} 的值无效', en: 'Invalid value for parameter {name}' },
  'error.OPEN311_DESCRIPTION_TOO_LONG': { 'zh-CN': 'description 不能超过 4000 个字符', en: 'description is limited to 4,000 characters' },
  'error.OPEN311_MEDIA_URL_INVALID': { 'zh-CN': 'media_url 须为 http(s) 网址', en: 'media_url must be an http(s) URL' },
  'error.OPEN311_ATTRIBUTE_REQUIRED': { 'zh-CN': '缺少必填属性 {code}（{label}）', en: 'Required attribute {code} ({label}) was not provided' },
  'error.OPEN311_ATTRIBUTE_UNKNOWN': { 'zh-CN': '服务 {service} 没有属性 {code}', en: 'Service {service} has no attribute {code}' },
  'error.OPEN311_ATTRIBUTE_VALUE': {
    'zh-CN': '属性 {code} 的值“{value}”不在服务定义的可选值中',
    en: 'Value "{value}" of attribute {code} is not one of the values in the service definition',
  },
  'error.OPEN311_ATTRIBUTE_SINGLE': { 'zh-CN': '属性 {code} 只能有一个值', en: 'Attribute {code} takes a single value' },
  'error.OPEN311_ATTRIBUTE_NUMBER': { 'zh-CN': '属性 {code} 须为数字', en: 'Attribute {code} must be a number' },
  'error.OPEN311_ATTRIBUTE_DATETIME': {
    'zh-CN': '属性 {code} 须为 ISO 8601 日期时间，如 2026-11-26T09:30:00+08:00',
    en: 'Attribute {code} must be an ISO 8601 date-time, e.g. 2026-11-26T09:30:00+08:00',
  },
  'error.OPEN311_ATTRIBUTE_STRING': { 'zh-CN': '属性 {code} 不能包含换行', en: 'Attribute {code} may not contain line breaks' },
  'error.OPEN311_ATTRIBUTE_TOO_LONG': { 'zh-CN': '属性 {code} 的值过长', en: 'The value of attribute {code} is too long' },
  'error.OPEN311_DATE_INVALID': {
    'zh-CN': '{name} 须为 W3C 日期时间，如 2026-11-01T00:00:00+08:00',
    en: '{name} must be a W3C date-time, e.g. 2026-11-01T00:00:00Z',
  },
  'error.OPEN311_DATE_ORDER': { 'zh-CN': 'end_date 不能早于 start_date', en: 'end_date must not be before start_date' },
  'error.OPEN311_DATE_SPAN': {
    'zh-CN': 'start_date 与 end_date 的跨度不能超过 90 天',
    en: 'start_date and end_date may not span more than 90 days',
  },
  'error.OPEN311_STATUS_INVALID': { 'zh-CN': 'status 只能是 open 或 closed', en: 'status must be open or closed' },
  'error.OPEN311_FORMAT': { 'zh-CN': '不支持的格式，请用 .xml 或 .json', en: 'Unsupported format; use .xml or .json' },
  'error.OPEN311_RESOURCE_NOT_FOUND': { 'zh-CN': '没有这个 Open311 资源：{url}', en: 'No such Open311 resource: {url}' },
  'error.OPEN311_MEDIA_NOT_FOUND': { 'zh-CN': '没有这张图片', en: 'No such media' },
  'error.OPEN311_BAD_BODY': {
    'zh-CN': '请求体须为 application/x-www-form-urlencoded',
    en: 'The request body must be application/x-www-form-urlencoded',
  },
  'open311.notice': { 'zh-CN': '已收到“{service}”上报，事件编号 {code}。', en: 'Received ({service}) as {code}.' },
  'open311.notice.due': {
    'zh-CN': '已收到“{service}”上报，事件编号 {code}，将于 {due}（北京时间）前受理响应。',
    en: 'Received ({service}) as {code}; it will be taken up by {due} (Beijing time).',
  },
  'open311.note.merged': { 'zh-CN': '与事件 {code} 为同一问题，已合并办理', en: 'Same problem as {code}; merged into it' },
  'open311.note.withdrawn': { 'zh-CN': '上报人已撤回', en: 'Withdrawn by the reporter' },
  'open311.note.voided': { 'zh-CN': '经审核已作废', en: 'Voided after review' },
  'error.OPEN311_GENERAL': {
    'zh-CN': '服务暂时无法处理该请求，请稍后重试；如持续出现请联系我们',
    en: 'General service error: the request could not be processed; try again later and tell us if it persists',
  },
});
