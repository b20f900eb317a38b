/** Enumerations shared by joi schemas, mongoose models and the OpenAPI document. */
export const ROLES = ['admin', 'inspector', 'owner'] as const;
export type Role = (typeof ROLES)[number];

export const ORGANIZATION_TYPES = ['ministry', 'sector', 'province', 'state_enterprise', 'telecom_enterprise', 'other'] as const;
export type OrganizationType = (typeof ORGANIZATION_TYPES)[number];

export const LEVELS = [1, 2, 3, 4, 5] as const;
export type Level = (typeof LEVELS)[number];

export const SYSTEM_STATUSES = ['active', 'decommissioned'] as const;
export const HOSTING_TYPES = ['on_premises', 'government_cloud', 'commercial_cloud', 'data_center', 'hybrid', 'other'] as const;

export const COMPLIANCE_STATES = ['not_assessed', 'in_assessment', 'non_compliant', 'compliant', 'certified'] as const;
export type ComplianceState = (typeof COMPLIANCE_STATES)[number];

/** HTTP Observatory grades, best first */
export const GRADES = ['A+', 'A', 'A-', 'B+', 'B', 'B-', 'C+', 'C', 'C-', 'D+', 'D', 'D-', 'F'] as const;

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const ASSESSMENT_STATUSES = ['draft', 'in_progress', 'submitted', 'approved', 'returned'] as const;
export type AssessmentStatus = (typeof ASSESSMENT_STATUSES)[number];

export const RESULTS = ['met', 'partial', 'not_met', 'not_applicable'] as const;
export type ResultValue = (typeof RESULTS)[number];

export const FINDING_STATUSES = ['open', 'in_remediation', 'resolved', 'verified', 'reopened', 'risk_accepted'] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];
/** States in which a finding still counts against its system. */
export const OPEN_FINDING_STATUSES: FindingStatus[] = ['open', 'in_remediation', 'resolved', 'reopened'];

export const FINDING_SOURCES = ['assessment', 'scan', 'import', 'manual'] as const;
export type FindingSource = (typeof FINDING_SOURCES)[number];

/** What an audit event can be about (the `entity` of /audit). */
export const AUDIT_ENTITIES = ['assessment', 'auth', 'certificate', 'checklist', 'demo', 'finding', 'organization', 'scan_import', 'settings', 'system', 'user'] as const;
export type AuditEntity = (typeof AUDIT_ENTITIES)[number];
