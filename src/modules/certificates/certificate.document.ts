import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import mongoose, { Types } from 'mongoose';
import { GridFSBucket } from 'mongodb';
import { renderCertificate } from '../reports/certificate.pdf';
import { signDocument } from '../reports/signing';
import type { CertificateData } from '../reports/types';
import { canonicalJson, sha256 } from '../../shared/canonical';

/*
 * The certificate as a document: rendered once at issue, signed with the issuing authority's key
 * (PAdES), stored in GridFS and served as those exact bytes ever after, so the SHA-256 in the
 * register matches every download. The key comes from SIGNING_P12 / SIGNING_P12_PASSWORD; the
 * embedded default generates a self-signed trial identity once into DATA_DIR.
 */
// the signing identity is the register's, shared with the reports (reports/signing.ts)
export { configureSigning } from '../reports/signing';

const bucket = () => new GridFSBucket(mongoose.connection.db as never, { bucketName: 'certificate_pdfs' });

/** 24 base32 characters: 120 random bits, nothing to guess, easy to read aloud or type from paper. */
export function newVerificationCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return [...crypto.randomBytes(24)].map((b) => alphabet[b % 32]).join('');
}

/** The record a certificate's fingerprint is taken over (what the paper and the register agree on). */
export function fingerprintOf(d: Pick<CertificateData, 'number' | 'system' | 'framework' | 'assessment' | 'issuedAt' | 'expiresAt'> & { code: string }): string {
  return sha256(canonicalJson({
    number: d.number, code: d.code, system: d.system, framework: { id: d.framework.id, version: d.framework.version },
    assessment: { id: d.assessment.id, approvedAt: d.assessment.approvedAt.toISOString(), score: d.assessment.score },
    issuedAt: d.issuedAt.toISOString(), expiresAt: d.expiresAt.toISOString(),
  }));
}

/** Renders, signs and stores the PDF; returns where it is and its SHA-256. */
export async function produce(data: CertificateData, meta: { certificate: string }): Promise<{ fileId: Types.ObjectId; sha256: string; size: number }> {
  const unsigned = await renderCertificate(data);
  const signed = await signDocument(unsigned, `Certificate ${data.number}: ${data.system.code} meets TCVN 11930:2017 level ${data.system.level}`);
  const hash = sha256(signed);
  const upload = bucket().openUploadStream(`${data.number}.pdf`, { metadata: { ...meta, sha256: hash, contentType: 'application/pdf' } });
  await new Promise<void>((resolve, reject) => {
    upload.once('finish', () => resolve());
    upload.once('error', reject);
    Readable.from([signed]).pipe(upload);
  });
  return { fileId: upload.id as Types.ObjectId, sha256: hash, size: signed.length };
}

export function open(fileId: Types.ObjectId) {
  return bucket().openDownloadStream(fileId);
}
