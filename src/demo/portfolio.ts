/*
 * The demo portfolio: clearly fictional organizations (every name ends in "(mẫu)", "sample") and
 * 124 systems on reserved example domains, with a history that reproduces the programme's published
 * figures: 124 systems, 103 checked and evaluated, 96 meeting all criteria (77.4 %). Deterministic:
 * the same data on every load, so loading twice changes nothing.
 */
export const DEMO_FIGURES = { systems: 124, evaluated: 103, metAllCriteria: 96 } as const;

export interface DemoOrg { code: string; name: string; type: 'ministry' | 'sector' | 'province' | 'state_enterprise' | 'telecom_enterprise' }

export const ORGS: DemoOrg[] = [
  ...['Bộ Hành chính công', 'Bộ Kinh tế số', 'Bộ Tài nguyên Mẫu', 'Bộ Giáo dục Trực tuyến', 'Bộ Y tế Cộng đồng', 'Bộ Giao thông Thông minh',
    'Bộ Nông nghiệp Xanh', 'Bộ Văn hóa Số', 'Bộ Lao động Việc làm', 'Bộ Khoa học Ứng dụng'].map((n, i) => ({ code: `BO-${String(i + 1).padStart(2, '0')}`, name: `${n} (mẫu)`, type: 'ministry' as const })),
  ...['Ngành Bảo hiểm Xã hội', 'Ngành Thuế Điện tử', 'Ngành Hải quan Số', 'Ngành Kho bạc Trực tuyến'].map((n, i) => ({ code: `NG-${String(i + 1).padStart(2, '0')}`, name: `${n} (mẫu)`, type: 'sector' as const })),
  ...['Tỉnh An Hòa', 'Tỉnh Bắc Lâm', 'Tỉnh Cẩm Giang', 'Tỉnh Đông Sơn', 'Tỉnh Gia Minh', 'Tỉnh Hòa Phong', 'Tỉnh Kim Thủy', 'Tỉnh Lam Điền',
    'Thành phố Mỹ Hải', 'Thành phố Ngọc Xuyên'].map((n, i) => ({ code: `TI-${String(i + 1).padStart(2, '0')}`, name: `${n} (mẫu)`, type: 'province' as const })),
  { code: 'DN-01', name: 'Tổng công ty Năng lượng Sông Lam (mẫu)', type: 'state_enterprise' },
  { code: 'VT-01', name: 'Tập đoàn Viễn thông Sao Mai (mẫu)', type: 'telecom_enterprise' },
  { code: 'VT-02', name: 'Tổng công ty Viễn thông Hải Đăng (mẫu)', type: 'telecom_enterprise' },
  { code: 'VT-03', name: 'Công ty Mạng di động Ánh Dương (mẫu)', type: 'telecom_enterprise' },
];

const KINDS = [
  'Cổng dịch vụ công', 'Hệ thống quản lý văn bản và điều hành', 'Cơ sở dữ liệu chuyên ngành', 'Hệ thống thư điện tử công vụ', 'Cổng thông tin điện tử',
  'Hệ thống một cửa điện tử', 'Hệ thống quản lý hồ sơ cán bộ', 'Hệ thống thanh toán trực tuyến', 'Trung tâm dữ liệu', 'Hệ thống họp trực tuyến',
  'Hệ thống báo cáo thống kê', 'Hệ thống quản lý khách hàng',
];

export interface DemoSystem {
  code: string; name: string; org: string; level: number; endpoint: string;
  /** what its history looks like */
  plan: 'certified' | 'compliant' | 'compliant_lapsed' | 'non_compliant' | 'in_assessment' | 'not_assessed';
  /** an earlier approved assessment about 20 months ago */
  earlier: boolean;
  grade?: string;
}

const LEVELS = [...Array(10).fill(1), ...Array(30).fill(2), ...Array(50).fill(3), ...Array(26).fill(4), ...Array(8).fill(5)] as number[];
// web grades that fit each system's standing: a system meeting all criteria has only low web findings
// (a high one would block its certificate); the failing ones and those not yet assessed do worse
const GRADES = {
  meets: ['A+', 'A', 'A-', 'A', 'A+', 'A-', 'A'],
  fails: ['C', 'D', 'F', 'B', 'B-'],
  other: ['B+', 'B', 'C', 'A', 'B-', 'D'],
};

/**
 * 124 systems: the first 96 meet all criteria on their latest approved assessment (most of them
 * certified, a few compliant whose certificate lapsed or was never requested), 7 more are evaluated
 * but not meeting all criteria, 8 are being assessed now and 13 were never assessed.
 */
const pick = (xs: string[], i: number) => xs[i % xs.length];

export function systems(): DemoSystem[] {
  return Array.from({ length: DEMO_FIGURES.systems }, (_, i) => {
    const n = i + 1;
    const org = ORGS[(i * 11) % ORGS.length];
    const level = LEVELS[(i * 37) % LEVELS.length];
    const plan: DemoSystem['plan'] = i < 84 ? 'certified' : i < 92 ? 'compliant' : i < 96 ? 'compliant_lapsed' : i < DEMO_FIGURES.evaluated ? 'non_compliant' : i < 111 ? 'in_assessment' : 'not_assessed';
    return {
      code: `HT-${String(n).padStart(3, '0')}`, name: `${KINDS[i % KINDS.length]} ${org.name.replace(/ \(mẫu\)$/, '')} (mẫu ${n})`, org: org.code, level,
      endpoint: `https://ht${String(n).padStart(3, '0')}.demo.example/`, plan, earlier: i % 3 === 0 && plan !== 'not_assessed' && plan !== 'in_assessment',
      grade: plan === 'not_assessed' && i % 2 ? undefined : pick(GRADES[plan === 'non_compliant' ? 'fails' : plan === 'in_assessment' || plan === 'not_assessed' ? 'other' : 'meets'], i),
    };
  });
}

export const DEMO_USERS = {
  inspector: { email: 'inspector@attest.example', name: 'Nguyễn Thị Kiểm Tra (mẫu)' },
  owner: { email: 'owner@attest.example', name: 'Trần Văn Chủ Quản (mẫu)', org: 'TI-07' },
  approver: { email: 'approver@attest.example', name: 'Lê Minh Phê Duyệt (mẫu)' },
} as const;
