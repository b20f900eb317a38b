import { expect } from 'chai';
import { api, bearer, makeActors, makeUser, tokenFor, type Actors } from './helpers/factories';
import { alterOneByte, certified, type Issued } from './helpers/certificates';
import { pdfText } from './helpers/pdf';
import { raise } from './helpers/findings';

/** The day of an ISO instant in Asia/Ho_Chi_Minh (UTC+7, no daylight saving), written dd/mm/yyyy. */
const vnDay = (iso: string) => new Date(new Date(iso).getTime() + 7 * 3_600_000).toISOString().slice(0, 10).split('-').reverse().join('/');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** The same day as English writes it: "6 Dec 2026". */
const enDay = (iso: string) => { const [d, m, y] = vnDay(iso).split('/'); return `${Number(d)} ${MONTHS[Number(m) - 1]} ${y}`; };
const json = (code: string) => api().get(`/verify/${code}`).set('Accept', 'application/json');
const html = (code: string) => api().get(`/verify/${code}`).set('Accept', 'text/html');
const check = (code: string, body: Buffer) => api().post(`/verify/${code}/check`).set('Content-Type', 'application/pdf').send(body);

describe('public verification: the page a citizen reads, its dates equal to the PDF\'s, and the file check', function () {
  this.timeout(120_000);
  let a: Actors;
  let admin2: string;
  let one: Issued;
  before(async () => {
    a = await makeActors();
    admin2 = await tokenFor(await makeUser('admin'));
    one = await certified(a, admin2, 'Hệ thống Một cửa điện tử — Sở Tư pháp tỉnh Bình Định');
  });

  it('when the certificate PDF is read with pdftotext, then its issue and expiry dates are the ones the verification page and its JSON show', async () => {
    const text = pdfText(one.pdf);
    const v = (await json(one.cert.code)).body;
    expect(v.display.issuedAt).to.equal(vnDay(one.cert.issuedAt));
    expect(v.display.expiresAt).to.equal(vnDay(one.cert.expiresAt));
    // the dates as the PDF prints them: dd/mm/yyyy, and "Hà Nội, ngày dd tháng mm năm yyyy" for the issue
    const printed = [...text.matchAll(/\b(\d{2}\/\d{2}\/\d{4})\b/g)].map((m) => m[1]);
    expect(printed).to.include(v.display.issuedAt).and.include(v.display.expiresAt);
    const [d, m, y] = v.display.issuedAt.split('/');
    expect(text.replace(/\s+/g, ' ')).to.include(`ngày ${d} tháng ${m} năm ${y}`);
    const page = (await html(one.cert.code)).text;
    expect(page).to.include(`>${v.display.issuedAt}</time>`).and.include(`>${v.display.expiresAt}</time>`);
    // the ISO instant is only machine-readable (<time datetime>), never what the reader sees
    expect(page.replace(/<[^>]+>/g, ' ')).to.not.include(one.cert.issuedAt.slice(0, 10));
  });

  it('when the certificate PDF is read with pdftotext, then the verification code stands unbroken on a line of its own after the address', () => {
    const lines = pdfText(one.pdf).split('\n').map((l) => l.trim()).filter(Boolean);
    const at = lines.indexOf(one.cert.code);
    expect(at, lines.join('\n')).to.be.greaterThan(0);
    expect(lines[at - 1]).to.match(/\/verify\/$/);
    expect(`${lines[at - 1]}${lines[at]}`).to.equal(one.cert.verifyUrl);
  });

  it('when the page is opened, then it shows number, system, organization, level, status and validity in Vietnamese first and English, and loads its check script from the same origin', async () => {
    const res = await html(one.cert.code);
    expect(res.status).to.equal(200);
    const page = res.text;
    for (const s of [one.cert.number, 'Hệ thống Một cửa điện tử — Sở Tư pháp tỉnh Bình Định', 'CÒN HIỆU LỰC', 'VALID', 'Cấp độ 2', 'Level 2',
      'Số giấy chứng nhận', 'Certificate number', 'Chủ quản hệ thống thông tin', 'Information system owner', 'Có hiệu lực đến ngày', 'Valid until']) expect(page).to.include(s);
    expect(page.indexOf('Số giấy chứng nhận')).to.be.lessThan(page.indexOf('Certificate number'));
    const org = (await api().get(`/api/v1/organizations/${a.org.id}`).set(bearer(a.admin))).body.name as string;
    expect(page).to.include(org.replace(/&/g, '&#38;'));
    expect(page).to.not.match(/<script>/);
    const src = /<script src="([^"]+)"/.exec(page)![1];
    expect(src).to.match(/^\/verify\/check\.js\?v=[0-9a-f]{12}$/);
    const script = await api().get(src);
    expect(script.status).to.equal(200);
    expect(script.headers['content-type']).to.match(/javascript/);
    expect(script.headers['cache-control']).to.include('immutable');
    expect(script.text).to.include('data-check');
    expect(page).to.include(`data-check="/verify/${one.cert.code}/check"`);
  });

  it('when the genuine file, a file with one byte changed and another certificate\'s file are checked, then each answer is one unambiguous sentence per language', async () => {
    const genuine = await check(one.cert.code, one.pdf);
    expect(genuine.status).to.equal(200);
    expect(genuine.body).to.include({ genuine: true, match: true });
    expect(genuine.body.message).to.deep.equal({
      vi: `Tệp này là bản gốc của giấy chứng nhận ${one.cert.number} cấp ngày ${vnDay(one.cert.issuedAt)}.`,
      en: `This file is the genuine certificate ${one.cert.number} issued on ${enDay(one.cert.issuedAt)}.`,
    });
    const other = await certified(a, admin2, 'Cổng thông tin điện tử tỉnh Bình Định');
    for (const file of [alterOneByte(one.pdf), other.pdf]) {
      const res = await check(one.cert.code, file);
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ genuine: false, match: false });
      expect(res.body).to.not.have.any.keys('status', 'certificate');
      expect(res.body.message).to.deep.equal({
        vi: 'Tệp này không phải là giấy chứng nhận do cơ quan đăng ký này cấp, hoặc đã bị sửa đổi.',
        en: 'This file is not a certificate issued by this register, or it was altered.',
      });
    }
    expect((await api().post(`/verify/${one.cert.code}/check`).set('Content-Type', 'application/pdf').send(Buffer.alloc(0))).status).to.equal(400);
    const tooBig = await api().post(`/verify/${one.cert.code}/check`).set('Content-Type', 'application/pdf').send(Buffer.alloc(10 * 1024 * 1024 + 1));
    expect(tooBig.status).to.equal(413);
    expect(JSON.stringify(tooBig.body)).to.not.match(/stack|node_modules|PayloadTooLargeError/);
  });

  it('when the certificate is suspended by a critical finding, then page and JSON give the reason in both languages and a genuine file is said to be genuine but suspended', async () => {
    const s = await certified(a, admin2, 'Hệ thống Thư điện tử công vụ tỉnh Bình Định');
    await raise(a, { system: s.system.id, title: 'Lộ khóa quản trị', severity: 'critical' });
    const v = (await json(s.cert.code)).body;
    expect(v.status).to.equal('suspended');
    expect(v.reason.vi).to.match(/^Hệ thống còn 1 phát hiện mức nghiêm trọng hoặc cao chưa được khắc phục/);
    expect(v.reason.en).to.match(/^The system has 1 open critical or high finding;/);
    const page = (await html(s.cert.code)).text;
    expect(page).to.include('ĐANG BỊ ĐÌNH CHỈ').and.include('SUSPENDED').and.include('Lý do').and.include(v.reason.vi).and.include(v.reason.en);
    const res = (await check(s.cert.code, s.pdf)).body;
    expect(res).to.include({ genuine: true });
    expect(res.message.vi).to.match(/, nhưng giấy chứng nhận hiện đang bị đình chỉ\.$/);
    expect(res.message.en).to.match(/, but the certificate is now suspended\.$/);
  });

  it('when a certificate is revoked with a reason, then the page shows it; the valid one shows no reason', async () => {
    const r = await certified(a, admin2, 'Hệ thống Quản lý hồ sơ cán bộ tỉnh Bình Định');
    await api().post(`/api/v1/certificates/${r.cert.id}/revoke`).set(bearer(a.admin)).send({ reason: 'Hệ thống đã ngừng vận hành' }).expect(200);
    const v = (await json(r.cert.code)).body;
    expect(v).to.include({ status: 'revoked' });
    expect(v.reason).to.deep.equal({ vi: 'Hệ thống đã ngừng vận hành', en: 'Hệ thống đã ngừng vận hành' });
    expect((await html(r.cert.code)).text).to.include('ĐÃ BỊ THU HỒI').and.include('Hệ thống đã ngừng vận hành');
    expect((await json(one.cert.code)).body).to.not.have.property('reason');
  });
});
