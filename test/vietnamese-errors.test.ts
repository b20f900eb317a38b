import { expect } from 'chai';
import mongoose from 'mongoose';
import { api, bearer, makeActors, makeSystem, uniq, type Actors } from './helpers/factories';
import { System } from '../src/modules/systems/system.model';
import * as store from '../src/db/store';

/*
 * Vietnamese all the way (issue 17 item 4), the refusals: a 403/404/409/413/422/429 of the systems,
 * users, settings, scans and scan-import modules answers `text: {vi, en}` beside the English
 * `message` clients read before, so that the console shows the server's own words in Vietnamese
 * rather than a generic "something went wrong".
 */
type Body = { error: { code: string; message: string; text?: { vi: string; en: string } } };
const VIETNAMESE = /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹáàãéèíìóòõúùý]/i;

/** The refusal carries its English message unchanged as text.en and a Vietnamese sentence as text.vi. */
function bilingual(res: { status: number; body: Body }, status: number, vi: RegExp | string) {
  expect(res.status, JSON.stringify(res.body)).to.equal(status);
  const { message, text } = res.body.error;
  expect(text, 'text: {vi, en}').to.be.an('object');
  expect(text!.en).to.equal(message);
  expect(text!.vi).to.match(VIETNAMESE).and.not.equal(text!.en);
  if (typeof vi === 'string') expect(text!.vi).to.equal(vi);
  else expect(text!.vi).to.match(vi);
  return text!;
}

describe('Vietnamese all the way: refusals of systems, users, settings, scans and scan imports', function () {
  this.timeout(60_000);
  let a: Actors;
  before(async () => { a = await makeActors(); });

  it('when a system code is taken, then 409 says so in Vietnamese; an unknown system is 404 "Không tìm thấy hệ thống"', async () => {
    const s = await makeSystem(a.org);
    const dup = await api().post('/api/v1/systems').set(bearer(a.admin)).send({ code: s.code, name: 'Trùng mã', organization: a.org.id, level: 1 });
    bilingual(dup, 409, 'Mã này đã được dùng cho hệ thống khác');
    expect(dup.body.error.message).to.equal('A record with the same code already exists');

    const missing = await api().get(`/api/v1/systems/${new mongoose.Types.ObjectId()}`).set(bearer(a.admin));
    expect(bilingual(missing, 404, 'Không tìm thấy hệ thống').en).to.equal('System not found');
    // an owner asking for another organization's system learns no more than that it is not found
    const other = await makeSystem(a.otherOrg);
    bilingual(await api().get(`/api/v1/systems/${other.id}`).set(bearer(a.owner)), 404, 'Không tìm thấy hệ thống');
  });

  it('when an e-mail is taken (in another case), then 409 says so in Vietnamese', async () => {
    const email = `${uniq('trung').toLowerCase()}@attest.example`;
    const body = { email, name: 'Nguyễn Văn An', password: 'Strong-Passw0rd-1', roles: ['inspector'] };
    expect((await api().post('/api/v1/users').set(bearer(a.admin)).send(body)).status).to.equal(201);
    const again = await api().post('/api/v1/users').set(bearer(a.admin)).send({ ...body, email: email.toUpperCase() });
    bilingual(again, 409, 'Thư điện tử này đã được dùng cho người dùng khác');
  });

  it('when an admin saves settings from an old version, then 409 names the version in Vietnamese; deactivating oneself is 422 in Vietnamese', async () => {
    const base = (await api().get('/api/v1/settings').set(bearer(a.admin))).body as { version: number; slaDays: Record<string, number> };
    const first = await api().put('/api/v1/settings').set(bearer(a.admin)).send({ version: base.version, slaDays: { low: base.slaDays.low } });
    expect(first.status, JSON.stringify(first.body)).to.equal(200);
    const stale = await api().put('/api/v1/settings').set(bearer(a.admin)).send({ version: base.version, slaDays: { low: base.slaDays.low } });
    bilingual(stale, 409, `Thiết lập đã được người khác thay đổi sau phiên bản ${base.version}; hãy tải lại rồi thử lại`);

    const self = await api().patch(`/api/v1/users/${a.users.admin.id}`).set(bearer(a.admin)).send({ active: false });
    bilingual(self, 422, /^Bạn không thể tự khóa tài khoản/);
  });

  it('when a scan of the system is running, then a second one is 409 in Vietnamese', async () => {
    const system = await makeSystem(a.org, { endpoints: ['127.0.0.1:1'], scanPorts: [] });
    // the slot is held by a run that has just started (a claim younger than a minute is never taken over)
    await store.updateById(System, system.id, { $set: { activeScan: new mongoose.Types.ObjectId(), activeScanSince: new Date() } });
    try {
      const res = await api().post(`/api/v1/systems/${system.id}/scans`).set(bearer(a.inspector)).send({});
      bilingual(res, 409, 'Hệ thống đang được quét; hãy chờ lần quét này kết thúc');
    } finally {
      await store.updateById(System, system.id, { $set: { activeScan: null, activeScanSince: null } });
    }
  });

  it('when a scanner report cannot be imported, then 422 says why in Vietnamese, with the line when known', async () => {
    const upload = (body: string, filename: string, tool?: string) => {
      const r = api().post('/api/v1/scan-imports/preview').set(bearer(a.inspector)).attach('report', Buffer.from(body), filename);
      return tool ? r.field('tool', tool) : r;
    };
    const unknown = await upload('chỉ là một tệp văn bản\n', 'ghi-chu.txt');
    bilingual(unknown, 422, /^Không thể nhập báo cáo: Attest không nhận ra định dạng báo cáo này; các định dạng đọc được: /);

    const broken = await upload('<?xml version="1.0"?>\n<nmaprun scanner="nmap">\n<host>\n</nmaprun>\n', 'nmap.xml', 'nmap');
    const text = bilingual(broken, 422, /^Không thể nhập báo cáo: báo cáo không phải XML hợp lệ: .* \(dòng 4\)$/);
    expect(text.en).to.match(/^The report cannot be imported: the report is not well-formed XML: .* \(line 4\)$/);

    const wrongTool = await upload('[{"id":"service","ip":"127.0.0.1/127.0.0.1","port":"443","severity":"INFO","finding":"x"}]', 'testssl.json', 'nmap');
    bilingual(wrongTool, 422, /^Không thể nhập báo cáo: tệp này có vẻ là báo cáo testssl, không phải nmap$/);
  });

  it('when an owner may not do something or asks for an unknown route, then 403 and 404 are in Vietnamese too', async () => {
    bilingual(await api().post('/api/v1/systems').set(bearer(a.owner)).send({ code: uniq('X-'), name: 'Không được', organization: a.org.id, level: 1 }), 403,
      'Bạn không có quyền thực hiện thao tác này');
    bilingual(await api().get('/api/v1/khong-co'), 404, 'Không tìm thấy đường dẫn này');
    bilingual(await api().get('/api/v1/systems'), 401, 'Cần đăng nhập để tiếp tục');
  });

  it('when a login or a second-factor step is refused, then the refusal is in Vietnamese too', async () => {
    bilingual(await api().post('/api/v1/auth/login').send({ email: a.users.owner.email, password: 'not-the-password-1A' }), 401, 'Sai thư điện tử hoặc mật khẩu');
    bilingual(await api().post('/api/v1/auth/mfa/verify').send({ mfaToken: `mfa_${'x'.repeat(43)}`, code: '123456' }), 401,
      'Phiên đăng nhập đã hết hạn hoặc không tồn tại: hãy đăng nhập lại bằng mật khẩu');
    // an API token may not make another
    const made = await api().post('/api/v1/auth/tokens').set(bearer(a.owner)).send({ name: 'ci', scope: 'owner', expiresInDays: 1 });
    expect(made.status, JSON.stringify(made.body)).to.equal(201);
    bilingual(await api().post('/api/v1/auth/tokens').set(bearer(made.body.token as string)).send({ name: 'ci-2', scope: 'read-only', expiresInDays: 1 }), 403,
      'Mã truy cập API chỉ được tạo từ một phiên đăng nhập, không phải bằng một mã khác');
  });
});
