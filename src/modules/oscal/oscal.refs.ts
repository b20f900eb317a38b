import { FILES, MEDIA, iso, line, prop, uuidFor, type Party, type Resource } from './oscal.common';

/** The plain data the per-system documents are made of (read, scoped, by oscal.service.ts). */
export interface OrgData { id: string; code: string; name: string; type?: string; updatedAt?: Date | string }
export interface SystemData {
  id: string; code: string; name: string; level: number; status: string; description?: string; category?: string; hosting?: string;
  endpoints: string[]; allowedPorts?: number[]; levelApproval?: { reference?: string; date?: Date | string };
  compliance?: { state?: string; score?: number }; version?: number; updatedAt: Date | string;
}
export interface CertificateData {
  id: string; number: string; status: string; verifyUrl: string; issuedAt: Date | string; expiresAt: Date | string;
  assessment?: string; pdf?: { sha256?: string };
}

export const orgParty = (o: OrgData): Party => ({
  uuid: uuidFor('organization', o.id, 'party'), type: 'organization', name: line(o.name), 'short-name': o.code,
  ...(o.type && { props: [prop('organization-type', o.type)] }),
});

export const personParty = (id: string, name: string): Party => ({ uuid: uuidFor('user', id, 'party'), type: 'person', name: line(name) });

/**
 * The certificate as a back-matter resource: its public verification page (anyone may open it)
 * and the signed PDF with the SHA-256 the register keeps, so a copy can be checked offline.
 */
export function certificateResource(c: CertificateData, base: string): Resource {
  return {
    uuid: uuidFor('certificate', c.id, 'resource'),
    title: line(`Certificate ${c.number}`),
    description: `Certificate of compliance ${c.number}, issued ${iso(c.issuedAt).slice(0, 10)}, expires ${iso(c.expiresAt).slice(0, 10)}, status ${c.status}. Verify it at ${c.verifyUrl}.`,
    props: [prop('type', 'certificate'), prop('certificate-number', c.number), prop('certificate-status', c.status), prop('expires', iso(c.expiresAt))],
    rlinks: [
      { href: c.verifyUrl, 'media-type': 'text/html' },
      { href: `${base}/api/v1/certificates/${c.id}/pdf`, 'media-type': 'application/pdf', ...(c.pdf?.sha256 && { hashes: [{ algorithm: 'SHA-256', value: c.pdf.sha256 }] }) },
    ],
  };
}

/** The system security plan a POA&M belongs to, on the server and beside an exported file set. */
export function sspResource(s: SystemData, base: string): Resource {
  return {
    uuid: uuidFor('system', s.id, 'ssp-resource'),
    title: line(`System security plan of ${s.code} ${s.name}`),
    rlinks: [
      { href: `${base}/api/v1/systems/${s.id}/oscal/ssp`, 'media-type': MEDIA.ssp },
      { href: FILES.ssp, 'media-type': MEDIA.ssp },
    ],
  };
}

export const systemIdOf = (s: SystemData) => ({ 'identifier-type': 'urn:attest:system-code', id: s.code });
