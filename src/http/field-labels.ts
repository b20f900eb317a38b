import type { Bilingual } from '../shared/bilingual';

/*
 * What people call the fields of the API, in both languages: validation messages name the field
 * as the console's forms do ("Hạn xử lý" / "Due date"), never by its API path ("dueAt"). A path
 * of an array item or a per-level map (evidence.0.url, reassessmentMonths.3) uses the label of
 * its pattern with the item or level added.
 */
const LABELS: Record<string, [vi: string, en: string]> = {
  id: ['Mã định danh', 'Identifier'],
  page: ['Trang', 'Page'], limit: ['Số mục mỗi trang', 'Items per page'], sort: ['Thứ tự sắp xếp', 'Sort order'], q: ['Từ khóa tìm kiếm', 'Search text'],
  // findings
  system: ['Hệ thống', 'System'], organization: ['Cơ quan, tổ chức', 'Organization'], title: ['Tiêu đề', 'Title'], description: ['Mô tả', 'Description'],
  severity: ['Mức độ', 'Severity'], control: ['Biện pháp', 'Control'], assignee: ['Người xử lý', 'Assignee'], status: ['Trạng thái', 'Status'],
  source: ['Nguồn', 'Source'], overdue: ['Quá hạn', 'Overdue'], pending: ['Yêu cầu chờ duyệt', 'Pending requests'],
  to: ['Trạng thái mới', 'New status'], comment: ['Ghi chú', 'Comment'], evidence: ['Minh chứng', 'Evidence'],
  'evidence.url': ['Đường dẫn minh chứng', 'Evidence link'], 'evidence.title': ['Tên minh chứng', 'Evidence title'], 'evidence.kind': ['Loại minh chứng', 'Evidence kind'],
  version: ['Phiên bản', 'Version'], justification: ['Lý do chấp nhận rủi ro', 'Justification'], compensatingControls: ['Biện pháp bù đắp', 'Compensating controls'],
  expiresAt: ['Ngày hết hạn chấp nhận', 'Acceptance expiry date'], dueAt: ['Hạn xử lý', 'Due date'], reason: ['Lý do', 'Reason'], approve: ['Quyết định', 'Decision'],
  filter: ['Bộ lọc', 'Filter'], action: ['Thao tác', 'Action'],
  // the second factor, sessions and API tokens (modules/auth)
  mfaToken: ['Mã phiên đăng nhập chờ xác thực', 'Pending login handle'], recoveryCode: ['Mã khôi phục', 'Recovery code'],
  scope: ['Phạm vi quyền', 'Scope'], expiresInDays: ['Số ngày hiệu lực', 'Days valid'], mfaRequiredRoles: ['Vai trò bắt buộc xác thực hai yếu tố', 'Roles that must use a second factor'],
  // assessments
  basedOn: ['Lần đánh giá làm cơ sở', 'Based on assessment'], controlId: ['Mã biện pháp', 'Control id'], result: ['Kết quả', 'Result'], note: ['Ghi chú của người đánh giá', 'Inspector\'s note'],
  results: ['Kết quả', 'Results'], 'results.controlId': ['Mã biện pháp', 'Control id'], 'results.result': ['Kết quả', 'Result'], 'results.note': ['Ghi chú của người đánh giá', 'Inspector\'s note'],
  'results.version': ['Phiên bản kết quả', 'Result version'], fileId: ['Tệp minh chứng', 'Evidence file'], file: ['Tệp', 'File'], report: ['Tệp báo cáo', 'Report file'],
  // systems and inventory
  code: ['Mã', 'Code'], name: ['Tên', 'Name'], level: ['Cấp độ', 'Level'], levelApproval: ['Phê duyệt cấp độ', 'Level approval'],
  'levelApproval.reference': ['Số quyết định phê duyệt cấp độ', 'Level approval reference'], 'levelApproval.date': ['Ngày phê duyệt cấp độ', 'Level approval date'],
  levelApprovalReference: ['Số quyết định phê duyệt cấp độ', 'Level approval reference'], levelApprovalDate: ['Ngày phê duyệt cấp độ', 'Level approval date'],
  category: ['Loại hệ thống', 'Category'], hosting: ['Hình thức lưu trữ', 'Hosting'], endpoints: ['Địa chỉ truy cập', 'Endpoints'], scanPorts: ['Cổng cần rà quét', 'Ports to scan'],
  allowedPorts: ['Cổng được phép mở', 'Allowed ports'], owners: ['Chủ quản hệ thống', 'System owners'], tags: ['Nhãn', 'Tags'], tag: ['Nhãn', 'Tag'], state: ['Tình trạng tuân thủ', 'Compliance state'],
  grade: ['Điểm rà quét web', 'Web scan grade'], rows: ['Các dòng', 'Rows'], row: ['Dòng', 'Row'],
  // users, organizations, auth
  email: ['Thư điện tử', 'E-mail'], password: ['Mật khẩu', 'Password'], roles: ['Vai trò', 'Roles'], role: ['Vai trò', 'Role'], active: ['Đang hoạt động', 'Active'], type: ['Loại', 'Type'],
  // scans and settings
  cron: ['Lịch chạy (cron)', 'Schedule (cron)'], enabled: ['Bật lịch', 'Enabled'], checks: ['Các phép kiểm tra', 'Checks'], kind: ['Loại', 'Kind'],
  reassessmentMonths: ['Chu kỳ đánh giá lại (tháng)', 'Re-assessment period (months)'], slaDays: ['Thời hạn xử lý (ngày)', 'Days to fix'],
  slaDaysByLevel: ['Thời hạn xử lý theo cấp độ (ngày)', 'Days to fix by level'], scanCron: ['Lịch rà quét theo cấp độ', 'Scan schedule by level'],
  activeChecklist: ['Bộ tiêu chí đang dùng', 'Active checklist'], framework: ['Bộ tiêu chí', 'Framework'],
  subject: ['Tiêu đề thư', 'Subject'], text: ['Nội dung', 'Text'], url: ['Đường dẫn', 'Link'],
};

const SEVERITY: Record<string, [string, string]> = { critical: ['nghiêm trọng', 'critical'], high: ['cao', 'high'], medium: ['trung bình', 'medium'], low: ['thấp', 'low'] };
const LEVEL_MAPS = new Set(['reassessmentMonths', 'scanCron', 'slaDaysByLevel']);

/** The label of an API field path (`dueAt`, `evidence.0.url`, `slaDaysByLevel.3.high`). */
export function labelOf(path: string): Bilingual {
  const exact = LABELS[path];
  if (exact) return { vi: exact[0], en: exact[1] };
  const parts = path.split('.').filter(Boolean);
  const names = parts.filter((p) => !/^\d+$/.test(p) && !SEVERITY[p]);
  const base = LABELS[names.join('.')] ?? LABELS[names[names.length - 1] ?? ''] ?? (names.length ? undefined : LABELS[parts[0]]);
  if (!base) return { vi: `Trường “${path}”`, en: `Field “${path}”` };
  const vi: string[] = [];
  const en: string[] = [];
  parts.forEach((p, i) => {
    if (/^\d+$/.test(p)) {
      if (LEVEL_MAPS.has(parts[i - 1])) { vi.push(`cấp độ ${p}`); en.push(`level ${p}`); } else { vi.push(`mục ${Number(p) + 1}`); en.push(`item ${Number(p) + 1}`); }
    } else if (SEVERITY[p] && i > 0) { vi.push(`mức ${SEVERITY[p][0]}`); en.push(SEVERITY[p][1]); }
  });
  return vi.length ? { vi: `${base[0]} (${vi.join(', ')})`, en: `${base[1]} (${en.join(', ')})` } : { vi: base[0], en: base[1] };
}
