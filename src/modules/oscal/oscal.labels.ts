import type { Bilingual, Domain, Group } from '../checklists/checklist.schemas';

/** The requirement groups of TCVN 11930 (x.1 management, x.2 technical), as the catalog's top-level groups. */
export const GROUP_TITLES: Record<Group, Bilingual & { clause: string }> = {
  management: { clause: '1', vi: 'Yêu cầu quản lý', en: 'Management requirements' },
  technical: { clause: '2', vi: 'Yêu cầu kỹ thuật', en: 'Technical requirements' },
};

/** The requirement areas (checklist domains) with their clause below the level digit, as in the checklist file. */
export const DOMAIN_TITLES: Record<Domain, Bilingual & { clause: string }> = {
  'security-policy': { clause: '1.1', vi: 'Chính sách an toàn thông tin', en: 'Security policy' },
  'organising-security': { clause: '1.2', vi: 'Tổ chức bảo đảm an toàn thông tin', en: 'Organising security' },
  'human-resources': { clause: '1.3', vi: 'Bảo đảm nguồn nhân lực', en: 'Human resources' },
  'design-build': { clause: '1.4', vi: 'Quản lý thiết kế, xây dựng hệ thống', en: 'Design and build' },
  'operations-network': { clause: '1.5', vi: 'Quản lý vận hành: an toàn mạng', en: 'Operations: network' },
  'operations-servers-apps': { clause: '1.5', vi: 'Quản lý vận hành: máy chủ và ứng dụng', en: 'Operations: servers and applications' },
  'operations-data': { clause: '1.5', vi: 'Quản lý vận hành: dữ liệu', en: 'Operations: data' },
  'operations-endpoints': { clause: '1.5', vi: 'Quản lý vận hành: thiết bị đầu cuối', en: 'Operations: endpoints' },
  'operations-malware': { clause: '1.5', vi: 'Quản lý vận hành: phòng chống phần mềm độc hại', en: 'Operations: malware protection' },
  'operations-monitoring': { clause: '1.5', vi: 'Quản lý vận hành: giám sát an toàn', en: 'Operations: security monitoring' },
  'operations-vulnerability': { clause: '1.5', vi: 'Quản lý vận hành: điểm yếu an toàn thông tin', en: 'Operations: vulnerability management' },
  'operations-incident': { clause: '1.5', vi: 'Quản lý vận hành: sự cố an toàn thông tin', en: 'Operations: incident management' },
  'operations-end-users': { clause: '1.5', vi: 'Quản lý vận hành: người sử dụng đầu cuối', en: 'Operations: end users' },
  'risk-management': { clause: '1.6', vi: 'Quản lý rủi ro an toàn thông tin', en: 'Risk management' },
  'end-of-operation': { clause: '1.7', vi: 'Kết thúc vận hành, khai thác, thanh lý, hủy bỏ', en: 'End of operation' },
  network: { clause: '2.1', vi: 'Bảo đảm an toàn mạng', en: 'Network security' },
  server: { clause: '2.2', vi: 'Bảo đảm an toàn máy chủ', en: 'Server security' },
  application: { clause: '2.3', vi: 'Bảo đảm an toàn ứng dụng', en: 'Application security' },
  data: { clause: '2.4', vi: 'Bảo đảm an toàn dữ liệu', en: 'Data security' },
};
