/*
 * What the document renderers are given: plain data, already scoped, computed and formatted by
 * the modules that own it (certificates, assessments, dashboard). The renderers only lay it out
 * with the wording of reports/*.yaml. Dates are Date objects; the renderer formats them.
 */
import type { Severity } from '../../shared/enums';

export interface Bilingual { vi: string; en: string }

export interface CertificateData {
  /** e.g. "ATT-2026-000123", sequential per year */
  number: string;
  status: 'valid' | 'suspended' | 'revoked' | 'expired';
  system: { code: string; name: string; level: number; organization: { code: string; name: string } };
  framework: { id: string; title: Bilingual; version: string };
  assessment: { id: string; approvedAt: Date; score: number };
  issuedAt: Date;
  expiresAt: Date;
  issuer: { name: string; title?: string };
  /** PUBLIC_BASE_URL/verify/<code>: printed as text and as a QR code */
  verifyUrl: string;
  /** SHA-256 (hex) of the certificate record (number, code, system, level, dates, assessment): printed, and shown by /verify */
  fingerprint: string;
}

export type ResultValue = 'met' | 'partial' | 'not_met' | 'not_applicable';

export interface AssessmentReportData {
  id: string;
  system: { code: string; name: string; level: number; organization: { code: string; name: string } };
  checklist: { framework: string; version: string };
  status: string;
  createdAt: Date;
  submittedAt?: Date;
  approvedAt?: Date;
  inspector?: string;
  approver?: string;
  /** the approver's role when the report was approved (admin in practice) */
  approverRole?: 'admin' | 'inspector' | 'owner';
  /** the authority that signs the document (SIGNING_AUTHORITY), printed in the approval block */
  signedBy?: string;
  summary: { total: number; answered: number; applicable: number; met: number; partial: number; not_met: number; not_applicable: number; score: number; metAllCriteria: boolean };
  /** counts by group (management | technical) and result */
  byGroup: { group: 'management' | 'technical'; met: number; partial: number; not_met: number; not_applicable: number; unanswered: number }[];
  controls: {
    id: string; ref: string; group: 'management' | 'technical'; domain: string; title: Bilingual; requirement: Bilingual;
    result?: ResultValue; note?: string;
    evidence: { kind: 'link' | 'file' | 'scan'; title?: string; url?: string; name?: string; sha256?: string }[];
  }[];
  /** `titleVi`: the finding's Vietnamese title where it has one (catalogue and scan findings; a manual finding has the inspector's words only) */
  findings: { title: string; titleVi?: string; severity: Severity; status: string; dueAt: Date; control?: string }[];
  generatedAt: Date;
}

export interface ProgrammeReportData {
  generatedAt: Date;
  /** the person who asked for the report */
  generatedBy?: { name: string; role: 'admin' | 'inspector' | 'owner' };
  signedBy?: string;
  totals: { systems: number; evaluated: number; metAllCriteria: number; metAllCriteriaPct: number; certified: number };
  byLevel: { level: number; systems: number; evaluated: number; metAllCriteria: number }[];
  byOrganization: { code: string; name: string; systems: number; evaluated: number; metAllCriteria: number }[];
  certificates: { valid: number; suspended: number; expiringWithin30Days: number };
  findings: { open: Record<Severity, number>; overdue: Record<Severity, number> };
  /** latest HTTP Observatory grade of each system's web endpoint, counted per grade (A+ … F, and "none") */
  scanGrades: Record<string, number>;
  systems: {
    code: string; name: string; organization: string; level: number; state: string; score?: number; metAllCriteria?: boolean;
    lastAssessedAt?: Date; grade?: string; openFindings: number; certificate?: string;
  }[];
}
