import { expect } from 'chai';
import Joi from 'joi';
import { labelOf } from '../../src/http/field-labels';
import { bilingualDetail, joiReason, localizeDetails } from '../../src/http/messages';

/* Field labels and validation reasons in both languages (src/http/field-labels.ts, messages.ts). */
describe('unit: validation messages in Vietnamese and English', () => {
  it('when a path names an array item or a per-level map, then its label says which item or level', () => {
    expect(labelOf('dueAt')).to.deep.equal({ vi: 'Hạn xử lý', en: 'Due date' });
    expect(labelOf('evidence.2.url')).to.deep.equal({ vi: 'Đường dẫn minh chứng (mục 3)', en: 'Evidence link (item 3)' });
    expect(labelOf('slaDaysByLevel.3.high')).to.deep.equal({ vi: 'Thời hạn xử lý theo cấp độ (ngày) (cấp độ 3, mức cao)', en: 'Days to fix by level (level 3, high)' });
    expect(labelOf('results.0.note').vi).to.equal('Ghi chú của người đánh giá (mục 1)');
    // a key the API does not know is the user's own: named as it was sent
    expect(labelOf('$where')).to.deep.equal({ vi: 'Trường “$where”', en: 'Field “$where”' });
  });

  it('when joi refuses values, then each reason is worded in Vietnamese by its type and in English without the API name', () => {
    const { error } = Joi.object({ dueAt: Joi.date().greater('now').required(), level: Joi.number().max(5), title: Joi.string().max(3) })
      .validate({ dueAt: '2001-01-01', level: 9, title: 'long', extra: 1 }, { abortEarly: false, errors: { wrap: { label: false } } });
    const out = error!.details.map((d) => bilingualDetail({ field: d.path.join('.'), reason: d.message }, joiReason(d)).message);
    expect(out).to.deep.equal([
      { vi: 'Hạn xử lý phải sau thời điểm hiện tại', en: 'Due date must be greater than now' },
      { vi: 'Cấp độ phải nhỏ hơn hoặc bằng 5', en: 'Level must be less than or equal to 5' },
      { vi: 'Tiêu đề không được dài quá 3 ký tự', en: 'Title length must be less than or equal to 3 characters long' },
      { vi: 'Trường “extra” không được phép có', en: 'Field “extra” is not allowed' },
    ]);
  });

  it('when a service states a rule, then a known reason is translated and an unknown one is never shown in English to Vietnamese readers', () => {
    const [known, unknown, other] = localizeDetails([
      { field: 'note', in: 'body', reason: 'is required when the result is partial' },
      { field: 'cron', in: 'body', reason: 'fires more often than every 5 minutes' },
      { code: 'x', message: 'kept as it is' },
    ]) as { message: { vi: string; en: string } }[];
    expect(known.message.vi).to.equal('Ghi chú của người đánh giá là bắt buộc khi kết quả là “Đạt một phần”');
    expect(unknown.message).to.deep.equal({ vi: 'Lịch chạy (cron) không hợp lệ', en: 'Schedule (cron) fires more often than every 5 minutes' });
    expect(other).to.deep.equal({ code: 'x', message: 'kept as it is' });
  });
});
