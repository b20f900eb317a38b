import type Joi from 'joi';
import { labelOf } from './field-labels';
import type { Bilingual } from '../shared/bilingual';
import { displayDate } from '../shared/display';

/*
 * Validation messages in the user's language. Every detail of a 400/422 that names a field keeps
 * what the API always returned (`field`, `in`, `reason`) and gains `label: {vi, en}` (the field as
 * people call it, field-labels.ts) and `message: {vi, en}` (a sentence naming the field that way:
 * "Hạn xử lý là bắt buộc" / "Due date is required"). joi's reasons are translated from their type;
 * the reasons services give (AppError.rule, per-row reasons of an import) from the table below.
 */

const list = (x: unknown) => (Array.isArray(x) ? x.map(String).join(', ') : String(x ?? ''));
const when = (x: unknown, lang: 'vi' | 'en') => {
  if (x === 'now') return lang === 'vi' ? 'thời điểm hiện tại' : 'now';
  const d = x instanceof Date ? x : new Date(String(x));
  return Number.isNaN(d.getTime()) ? String(x) : displayDate(d, lang);
};

type Ctx = Record<string, unknown>;
const JOI_VI: Record<string, (c: Ctx) => string> = {
  'any.required': () => 'là bắt buộc',
  'any.unknown': () => 'không được phép có',
  'object.unknown': () => 'không được phép có',
  'any.only': (c) => `phải là một trong các giá trị: ${list(c.valids)}`,
  'any.invalid': () => 'có giá trị không được phép',
  'string.base': () => 'phải là chuỗi ký tự',
  'string.empty': () => 'không được để trống',
  'string.min': (c) => `phải có ít nhất ${c.limit} ký tự`,
  'string.max': (c) => `không được dài quá ${c.limit} ký tự`,
  'string.length': (c) => `phải có đúng ${c.limit} ký tự`,
  'string.email': () => 'phải là địa chỉ thư điện tử hợp lệ',
  'string.uri': () => 'phải là một đường dẫn hợp lệ',
  'string.uriCustomScheme': () => 'phải là một đường dẫn hợp lệ',
  'string.isoDate': () => 'phải là ngày theo định dạng ISO 8601',
  'string.hex': () => 'chỉ được chứa chữ số thập lục phân',
  'string.alphanum': () => 'chỉ được chứa chữ và số',
  'string.pattern.base': () => 'không đúng định dạng',
  'string.pattern.name': () => 'không đúng định dạng',
  'number.base': () => 'phải là một số',
  'number.integer': () => 'phải là số nguyên',
  'number.min': (c) => `phải lớn hơn hoặc bằng ${c.limit}`,
  'number.max': (c) => `phải nhỏ hơn hoặc bằng ${c.limit}`,
  'number.greater': (c) => `phải lớn hơn ${c.limit}`,
  'number.less': (c) => `phải nhỏ hơn ${c.limit}`,
  'number.positive': () => 'phải là số dương',
  'number.unsafe': () => 'quá lớn',
  'number.infinity': () => 'không được là vô cực',
  'date.base': () => 'phải là một ngày hợp lệ',
  'date.format': () => 'phải là ngày theo định dạng ISO 8601',
  'date.greater': (c) => `phải sau ${when(c.limit, 'vi')}`,
  'date.min': (c) => `không được trước ${when(c.limit, 'vi')}`,
  'date.less': (c) => `phải trước ${when(c.limit, 'vi')}`,
  'date.max': (c) => `không được sau ${when(c.limit, 'vi')}`,
  'boolean.base': () => 'phải là true hoặc false',
  'array.base': () => 'phải là một danh sách',
  'array.min': (c) => `phải có ít nhất ${c.limit} mục`,
  'array.max': (c) => `không được có quá ${c.limit} mục`,
  'array.length': (c) => `phải có đúng ${c.limit} mục`,
  // the text rule (src/shared/text.ts): a control or bidirectional formatting character
  'string.controlChars': (c) => `chứa ký tự điều khiển hoặc ký tự định hướng văn bản (${c.code}) ở vị trí ${c.position}; chỉ chấp nhận văn bản thuần`,
  'array.unique': () => 'có mục bị trùng lặp',
  'array.sparse': () => 'không được có mục trống',
  'array.includes': () => 'có mục không hợp lệ',
  'object.base': () => 'phải là một đối tượng JSON',
  'object.min': (c) => `phải có ít nhất ${c.limit} trường`,
  'object.max': (c) => `không được có quá ${c.limit} trường`,
  'object.missing': (c) => `cần ít nhất một trong các trường: ${list(c.peers)}`,
  'object.xor': (c) => `chỉ được có một trong các trường: ${list(c.peers)}`,
  'object.oxor': (c) => `chỉ được có tối đa một trong các trường: ${list(c.peers)}`,
  'object.and': (c) => `phải có đủ các trường: ${list(c.peers)}`,
  'object.with': (c) => `cần có cả trường ${c.peer}`,
  'object.without': (c) => `không được có cùng trường ${c.peer}`,
  'alternatives.match': () => 'không khớp với dạng nào được phép',
  'alternatives.types': () => 'không khớp với dạng nào được phép',
  'alternatives.any': () => 'không khớp với dạng nào được phép',
  'alternatives.one': () => 'khớp với nhiều hơn một dạng',
};

const RESULT_VI: Record<string, string> = { partial: '“Đạt một phần”', not_met: '“Không đạt”', met: '“Đạt”', not_applicable: '“Không áp dụng”' };
const RESULT_EN: Record<string, string> = { partial: '“partially met”', not_met: '“not met”', met: '“met”', not_applicable: '“not applicable”' };

/** English reasons the services give, and their Vietnamese; `en` rewrites the English where it named a raw value. */
const REASONS: { re: RegExp; vi: (m: RegExpMatchArray) => string; en?: (m: RegExpMatchArray) => string }[] = [
  { re: /^is required when the result is (\w+)$/, vi: (m) => `là bắt buộc khi kết quả là ${RESULT_VI[m[1]] ?? m[1]}`, en: (m) => `is required when the result is ${RESULT_EN[m[1]] ?? m[1]}` },
  { re: /^must lie in the future$/, vi: () => 'phải là một thời điểm trong tương lai' },
  { re: /^must be later than the current deadline$/, vi: () => 'phải sau hạn xử lý hiện tại' },
  { re: /^must be an active user of the system's organization$/, vi: () => 'phải là người dùng đang hoạt động của cơ quan quản lý hệ thống' },
  { re: /^is required for owners$/, vi: () => 'là bắt buộc đối với chủ quản hệ thống' },
  { re: /^does not exist$/, vi: () => 'không tồn tại' },
  { re: /^is not the current code of this authenticator$/, vi: () => 'không phải là mã hiện tại của ứng dụng xác thực này' },
  { re: /^is not right$/, vi: () => 'không đúng' },
  { re: /^is not a valid passkey registration for this site and challenge$/, vi: () => 'không phải là một đăng ký khóa truy cập hợp lệ cho trang này' },
  { re: /^must be read-only or one of your roles$/, vi: () => 'phải là chỉ đọc (read-only) hoặc một trong các vai trò của bạn' },
  { re: /^must be at most (\d+) \(API_TOKEN_MAX_DAYS\)$/, vi: (m) => `không được quá ${m[1]} ngày (API_TOKEN_MAX_DAYS)` },
  { re: /^already exists$/, vi: () => 'đã tồn tại' },
  { re: /^is no assessment of this system$/, vi: () => 'không phải là một lần đánh giá của hệ thống này' },
  { re: /^is not a control of this assessment$/, vi: () => 'không phải là biện pháp của lần đánh giá này' },
  { re: /^(.+) is not an active owner of this organization$/, vi: (m) => `${m[1]} không phải là chủ quản hệ thống đang hoạt động của cơ quan này` },
  { re: /^not covered by (.+)$/, vi: (m) => `không có trong bộ tiêu chí ${m[1]}` },
  { re: /^duplicate of row (\d+)$/, vi: (m) => `trùng với dòng ${m[1]}` },
  { re: /^no organization with code (.+)$/, vi: (m) => `không có cơ quan, tổ chức nào mang mã ${m[1]}` },
  { re: /^unknown column; expected some of (.+)$/, vi: (m) => `là cột không xác định; các cột hợp lệ: ${m[1]}` },
  { re: /^no rows$/, vi: () => 'không có dòng nào' },
  { re: /^a report file is required/, vi: () => 'cần gửi kèm tệp báo cáo (trường multipart "report")' },
  { re: /^a file is required/, vi: () => 'cần gửi kèm một tệp (trường multipart "file")' },
  { re: /^invalid (\w+)$/, vi: () => 'không hợp lệ' },
  { re: /^Marking a finding resolved needs a comment and at least one evidence item$/, vi: () => 'Cần ghi chú và ít nhất một minh chứng để đánh dấu phát hiện đã khắc phục' },
  { re: /^Moving a finding to (\w+) needs a comment$/, vi: () => 'Cần ghi chú cho thay đổi trạng thái này' },
  { re: /must contain letters and digits$/, vi: () => 'phải có cả chữ và số' },
  { re: /must be a valid id$/, vi: () => 'phải là một mã định danh hợp lệ (24 ký tự thập lục phân)' },
  { re: /must be an http\(s\) URL$/, vi: () => 'phải là đường dẫn http(s)' },
  { re: /must be an http\(s\) URL or host:port$/, vi: () => 'phải là đường dẫn http(s) hoặc host:cổng' },
  { re: /must be 2–32 letters, digits, - or _/, vi: () => 'phải gồm 2–32 chữ cái, chữ số, - hoặc _ (ví dụ HT-001)' },
  { re: /is not a control id$/, vi: () => 'không phải là mã biện pháp (ví dụ MGT.POL.04)' },
  { re: /must have 5 fields/, vi: () => 'phải có 5 trường (phút giờ ngày tháng thứ), hoặc 6 nếu có giây ở đầu' },
  { re: /^must be at least (\d+) characters$/, vi: (m) => `phải có ít nhất ${m[1]} ký tự` },
  { re: /^must be at most (\d+) characters$/, vi: (m) => `không được dài quá ${m[1]} ký tự` },
  { re: /^must not contain the e-mail name$/, vi: () => 'không được chứa phần tên của địa chỉ thư điện tử' },
  { re: /^(.+) does not cover level (.+)$/, vi: (m) => `${m[1]} không áp dụng cho cấp độ ${m[2]}` },
  { re: /^no imported checklist (.+)$/, vi: (m) => `chưa có bộ tiêu chí ${m[1]} được nhập vào hệ thống` },
  { re: /^(\d+) is not the current version$/, vi: (m) => `${m[1]} không phải là phiên bản hiện tại` },
  { re: /^not a valid cron expression/, vi: () => 'không phải là biểu thức cron hợp lệ (phút giờ ngày tháng thứ)' },
  { re: /must match \[A-Z0-9-\]\+$/, vi: () => 'chỉ được gồm chữ in hoa, chữ số và dấu -' },
  { re: /must be a checklist version/, vi: () => 'phải là phiên bản bộ tiêu chí, ví dụ 2017.1' },
];

function ruleReason(reason: string): Bilingual {
  for (const r of REASONS) {
    const m = reason.match(r.re);
    if (m) return { vi: r.vi(m), en: r.en ? r.en(m) : reason };
  }
  return { vi: 'không hợp lệ', en: reason };
}

/** joi's reason for one detail without the label it starts with, in both languages. */
export function joiReason(d: Joi.ValidationErrorItem): Bilingual {
  const label = String(d.context?.label ?? '');
  const clean = d.message.replace(/"/g, '');
  const en = label && clean.startsWith(`${label} `) ? clean.slice(label.length + 1) : clean;
  const custom = REASONS.find((r) => r.re.test(en));
  if (custom) return ruleReason(en);
  const vi = JOI_VI[d.type]?.(d.context ?? {}) ?? 'không hợp lệ';
  const enLimit = /^date\.(greater|min|less|max)$/.test(d.type) ? en.replace(/(than|to) (\S+)$/, (_m, w: string) => `${w} ${when(d.context?.limit, 'en')}`) : en;
  return { vi, en: enLimit };
}

const sentence = (label: Bilingual, reason: Bilingual): Bilingual => {
  const vi = /^\p{Lu}/u.test(reason.vi) ? reason.vi : `${label.vi} ${reason.vi}`;
  const en = /^[A-Z]/.test(reason.en) ? reason.en : `${label.en} ${reason.en}`;
  return { vi, en };
};

/** A detail of a validation error with its field's label and message in both languages. */
export function bilingualDetail<T extends { field?: string; reason: string }>(d: T, reason?: Bilingual): T & { label?: Bilingual; message: Bilingual } {
  const r = reason ?? ruleReason(d.reason);
  if (!d.field) return { ...d, message: r };
  const label = labelOf(d.field);
  return { ...d, label, message: sentence(label, r) };
}

/** Adds label and message to every detail that has a reason and none of its own (the error handler's last step). */
export function localizeDetails(details: unknown): unknown {
  if (!Array.isArray(details)) return details;
  return details.map((d) => (d && typeof d === 'object' && typeof (d as { reason?: unknown }).reason === 'string' && !(d as { message?: unknown }).message
    ? bilingualDetail(d as { field?: string; reason: string })
    : d));
}
