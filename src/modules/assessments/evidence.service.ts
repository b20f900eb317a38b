import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import mongoose, { Types } from 'mongoose';
import { GridFSBucket } from 'mongodb';
import { AppError } from '../../http/errors';

const notOfType = (type: string) => new AppError(415, 'unsupported_media_type', { en: `The file content is not ${type}`, vi: `Nội dung tệp không phải ${type}` });

/** Content types accepted as evidence, with the leading bytes the file must start with (if any). */
export const EVIDENCE_TYPES: Record<string, Buffer[] | null> = {
  'application/pdf': [Buffer.from('%PDF-')],
  'image/png': [Buffer.from([0x89, 0x50, 0x4e, 0x47])],
  'image/jpeg': [Buffer.from([0xff, 0xd8, 0xff])],
  'text/plain': null,
  'text/csv': null,
  'application/json': null,
  'application/zip': [Buffer.from('PK\x03\x04')],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': [Buffer.from('PK\x03\x04')],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': [Buffer.from('PK\x03\x04')],
};

export const EVIDENCE_MAX_BYTES = 10 * 1024 * 1024;

const bucket = () => {
  const db = mongoose.connection.db;
  if (!db) throw new Error('database not connected');
  return new GridFSBucket(db as never, { bucketName: 'evidence' });
};

export interface StoredFile { fileId: Types.ObjectId; name: string; size: number; sha256: string; contentType: string }

/** Checks the declared type against the allow-list and the file's first bytes. */
export function checkContent(contentType: string, data: Buffer): void {
  const type = contentType.split(';')[0].trim().toLowerCase();
  if (!(type in EVIDENCE_TYPES)) {
    throw new AppError(415, 'unsupported_media_type', { en: `Evidence of type ${type || 'unknown'} is not accepted`, vi: `Không chấp nhận minh chứng loại ${type || 'không xác định'}` }, { allowed: Object.keys(EVIDENCE_TYPES) });
  }
  const magic = EVIDENCE_TYPES[type];
  if (magic && !magic.some((m) => data.subarray(0, m.length).equals(m))) {
    throw notOfType(type);
  }
  if (!magic && data.includes(0)) throw notOfType(type);
}

/** The extensions a stored file of each accepted type may carry. */
const EXTENSIONS: Record<string, string[]> = {
  'application/pdf': ['pdf'], 'image/png': ['png'], 'image/jpeg': ['jpg', 'jpeg'], 'text/plain': ['txt', 'log'], 'text/csv': ['csv'],
  'application/json': ['json'], 'application/zip': ['zip'],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['docx'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['xlsx'],
};

/**
 * The name a file is stored and downloaded under: no path, no control or bidirectional-override
 * characters (which make `txt.exe` read as `exe.txt`), no characters file systems refuse, and an
 * extension that agrees with the checked content type — `evil.html` uploaded as text is stored as
 * `evil_html.txt`, so no browser or desktop ever opens it as something else.
 */
export function safeName(name: string, contentType: string): string {
  const type = contentType.split(';')[0].trim().toLowerCase();
  let base = name.replace(/^.*[\\/]/, '')
    .replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '')
    .replace(/["<>|:*?]/g, '_').trim().replace(/^\.+/, '');
  const allowed = EXTENSIONS[type] ?? [];
  const ext = /\.([A-Za-z0-9]{1,10})$/.exec(base)?.[1]?.toLowerCase();
  if (!ext || !allowed.includes(ext)) base = `${base.replace(/\./g, '_') || 'evidence'}.${allowed[0] ?? 'bin'}`;
  return base.slice(-200);
}

export async function store(data: Buffer, name: string, contentType: string, metadata: Record<string, unknown>): Promise<StoredFile> {
  checkContent(contentType, data);
  const sha256 = crypto.createHash('sha256').update(data).digest('hex');
  const type = contentType.split(';')[0].trim().toLowerCase();
  const stored = safeName(name, type);
  const upload = bucket().openUploadStream(stored, { metadata: { ...metadata, sha256, contentType: type } });
  await new Promise<void>((resolve, reject) => {
    upload.once('finish', () => resolve());
    upload.once('error', reject);
    Readable.from([data]).pipe(upload);
  });
  return { fileId: upload.id as Types.ObjectId, name: stored, size: data.length, sha256, contentType: type };
}

export async function findFile(fileId: string, assessmentId: string) {
  const [f] = await bucket().find({ _id: new Types.ObjectId(fileId), 'metadata.assessment': assessmentId }).limit(1).toArray();
  return f;
}

export function openDownload(fileId: Types.ObjectId) {
  return bucket().openDownloadStream(fileId);
}

export async function remove(fileId: Types.ObjectId): Promise<void> {
  try {
    await bucket().delete(fileId);
  } catch (err) {
    // already gone: removal is idempotent so an interrupted clean-up can be re-run
    if (!/File not found/i.test((err as Error).message)) throw err;
  }
}

export async function removeAllFor(assessmentId: string): Promise<number> {
  const files = await bucket().find({ 'metadata.assessment': assessmentId }, { projection: { _id: 1 } }).toArray();
  for (const f of files) await remove(f._id as Types.ObjectId);
  return files.length;
}
