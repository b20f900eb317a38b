import crypto from 'node:crypto';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { api, bearer, makeActors, makeSystem, type Actors } from './helpers/factories';
import { startAssessment, type AssessmentBody } from './helpers/assessments';

const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), crypto.randomBytes(2048), Buffer.from('\n%%EOF\n')]);
const binary = (res: { body: unknown }) => res.body as Buffer;
const parseBinary = (res: NodeJS.ReadableStream & { setEncoding(e: string): void; on: Function }, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

describe('evidence files', () => {
  let a: Actors;
  let asm: AssessmentBody;
  let control: string;
  before(async () => {
    a = await makeActors();
    asm = await startAssessment(a.inspector, (await makeSystem(a.org, { level: 1 })).id);
    control = asm.results[0].controlId;
  });

  const upload = (data: Buffer, name: string, type: string, token = a.inspector, id = asm.id) =>
    api().post(`/api/v1/assessments/${id}/results/${control}/evidence`).set(bearer(token)).attach('file', data, { filename: name, contentType: type });

  it('when a PDF is uploaded, then it is linked to the result with its SHA-256 and downloads byte-identical for the org\'s owner', async () => {
    const res = await upload(pdf, 'Biên bản kiểm tra.pdf', 'application/pdf');
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body).to.include({ kind: 'file', size: pdf.length, contentType: 'application/pdf', sha256: crypto.createHash('sha256').update(pdf).digest('hex') });
    const got = await api().get(`/api/v1/assessments/${asm.id}`).set(bearer(a.inspector));
    expect(got.body.results[0].evidence.map((e: { fileId: string }) => e.fileId)).to.include(res.body.fileId);
    const dl = await api().get(`/api/v1/assessments/${asm.id}/evidence/${res.body.fileId}`).set(bearer(a.owner)).buffer(true).parse(parseBinary as never);
    expect(dl.status).to.equal(200);
    expect(dl.headers['content-type']).to.equal('application/pdf');
    expect(dl.headers['content-disposition']).to.include(encodeURIComponent('Biên bản kiểm tra.pdf'));
    expect(binary(dl).equals(pdf)).to.equal(true);
  });

  it('when someone outside the organization asks for the file, then 404', async () => {
    const res = await upload(pdf, 'x.pdf', 'application/pdf');
    expect((await api().get(`/api/v1/assessments/${asm.id}/evidence/${res.body.fileId}`).set(bearer(a.otherOwner))).status).to.equal(404);
    expect((await api().get(`/api/v1/assessments/${asm.id}/evidence/0123456789abcdef01234567`).set(bearer(a.owner))).status).to.equal(404);
  });

  it('when a file is too large, of a disallowed type, or not what it claims to be, then 413 / 415 and nothing is stored', async () => {
    const before = await mongoose.connection.db!.collection('evidence.files').countDocuments();
    expect((await upload(Buffer.alloc(10 * 1024 * 1024 + 1, 0x20), 'big.txt', 'text/plain')).status).to.equal(413);
    const exe = await upload(Buffer.from('MZ\x90\x00'), 'tool.exe', 'application/x-msdownload');
    expect(exe.status).to.equal(415);
    expect(exe.body.error.code).to.equal('unsupported_media_type');
    expect((await upload(Buffer.from('<html></html>'), 'page.html', 'text/html')).status).to.equal(415);
    expect((await upload(Buffer.from('not a png at all'), 'shot.png', 'image/png')).status).to.equal(415);
    expect(await mongoose.connection.db!.collection('evidence.files').countDocuments()).to.equal(before);
  });

  it('when no file is sent, or an owner uploads, then 400 / 403', async () => {
    const none = await api().post(`/api/v1/assessments/${asm.id}/results/${control}/evidence`).set(bearer(a.inspector)).field('x', '1');
    expect(none.status).to.equal(400);
    expect((await upload(pdf, 'x.pdf', 'application/pdf', a.owner)).status).to.equal(403);
  });

  it('when a draft assessment is deleted, then its files are removed too', async () => {
    const other = await startAssessment(a.inspector, (await makeSystem(a.org, { level: 1 })).id);
    const up = await api().post(`/api/v1/assessments/${other.id}/results/${other.results[0].controlId}/evidence`).set(bearer(a.inspector)).attach('file', Buffer.from('log line 1\nlog line 2\n'), { filename: 'review.txt', contentType: 'text/plain' });
    expect(up.status).to.equal(201);
    const files = () => mongoose.connection.db!.collection('evidence.files').countDocuments({ 'metadata.assessment': other.id });
    expect(await files()).to.equal(1);
    expect((await api().delete(`/api/v1/assessments/${other.id}`).set(bearer(a.inspector))).status).to.equal(204);
    expect(await files()).to.equal(0);
    expect(await mongoose.connection.db!.collection('evidence.chunks').countDocuments({ files_id: new mongoose.Types.ObjectId(up.body.fileId) })).to.equal(0);
  });

  it('when a file is removed from an editable assessment, then it is unlinked and gone', async () => {
    const up = await upload(Buffer.from('a,b\n1,2\n'), 'accounts.csv', 'text/csv');
    expect((await api().delete(`/api/v1/assessments/${asm.id}/evidence/${up.body.fileId}`).set(bearer(a.inspector))).status).to.equal(204);
    expect((await api().get(`/api/v1/assessments/${asm.id}/evidence/${up.body.fileId}`).set(bearer(a.inspector))).status).to.equal(404);
  });

  it('when a file name does not agree with its content or hides its extension, then it is stored under a name that does', async () => {
    const zip = Buffer.concat([Buffer.from('PK\x03\x04'), crypto.randomBytes(64)]);
    const cases: [Buffer, string, string, string][] = [
      [Buffer.from('<script>alert(1)</script>'), 'evil.html', 'text/plain', 'evil_html.txt'],
      [Buffer.from('<svg onload=alert(1)>'), 'evil.svg', 'text/plain', 'evil_svg.txt'],
      [Buffer.from('plain words'), 'report.pdf', 'text/plain', 'report_pdf.txt'],
      [zip, 'payload.exe', 'application/zip', 'payload_exe.zip'],
      [Buffer.from('năm 2026'), 'bao-cao\u202Etxt.exe', 'text/plain', 'bao-caotxt_exe.txt'],
      [Buffer.from('ok'), 'Biên bản.txt', 'text/plain', 'Biên bản.txt'],
    ];
    for (const [data, name, type, stored] of cases) {
      const res = await upload(data, name, type);
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body.name, name).to.equal(stored);
    }
  });
});
