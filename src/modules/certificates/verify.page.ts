import { STATUS_TEXT, type PublicView } from './verify.view';
import { CHECK_SCRIPT_VERSION } from './verify.script';

/*
 * The public verification page: both languages at once (Vietnamese first, English beside it, each
 * marked with its lang), the certificate's facts with the dates as the PDF prints them, and a
 * "check this file" drop zone / file picker answered by verify.script.ts.
 */
const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
const en = (s: string) => `<span class="en" lang="en">${s}</span>`;

const STYLE = `body{font-family:system-ui,"DejaVu Sans",sans-serif;max-width:42rem;margin:1.5rem auto;padding:0 1rem;color:#222;line-height:1.45}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}.en{color:#555}dt .en,h1 .en,h2 .en{font-weight:400;font-size:.9em}
.st{font-size:1.4rem;font-weight:700}.st .en{color:inherit;font-weight:700}dl{margin:0}dt{font-weight:600;margin-top:.7rem}dd{margin:0;overflow-wrap:anywhere}
.num{font-family:ui-monospace,"DejaVu Sans Mono",monospace;white-space:nowrap}.reason{border-left:4px solid currentColor;padding:.3rem .8rem;margin:1rem 0}
.drop{border:2px dashed #666;border-radius:.5rem;padding:1.2rem;text-align:center;background:#fafafa}.drop.over{background:#e8f0fe;border-color:#1a4fa0}
.drop label{display:inline-block;margin-top:.6rem;padding:.45rem .9rem;border:1px solid #1a4fa0;border-radius:.3rem;color:#1a4fa0;cursor:pointer;font-weight:600}
.drop input{position:absolute;width:1px;height:1px;opacity:0}.drop input:focus-visible+label{outline:3px solid #1a4fa0;outline-offset:2px}
.answer{margin-top:1rem;font-weight:600}.answer p{margin:.2rem 0}.answer.good{color:#1b5e20}.answer.bad{color:#b71c1c}.answer .en{color:inherit;font-weight:400}`;

const row = (vi: string, english: string, value: string) => `<dt>${vi} ${en(`/ ${english}`)}</dt><dd>${value}</dd>`;

/** `base`: where the verify router is mounted (req.baseUrl, /verify), so links hold with or without a trailing slash. */
export function verifyPage(v: PublicView, code: string, base: string, maxBytes: number): string {
  const st = STATUS_TEXT[v.status];
  const reason = v.reason
    ? `<div class="reason" style="color:${st.colour}"><strong>Lý do ${en('/ Reason')}:</strong> <span>${esc(v.reason.vi)}</span>${v.reason.en !== v.reason.vi ? `<br>${en(esc(v.reason.en))}` : ''}</div>`
    : '';
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Xác minh giấy chứng nhận ${esc(v.number)} — Certificate verification</title>
<style>${STYLE}</style></head>
<body><main>
<h1>Xác minh giấy chứng nhận<br>${en('Certificate verification')}</h1>
<p class="st" style="color:${st.colour}">${st.vi}<br>${en(st.en)}</p>
${reason}
<dl>
${row('Số giấy chứng nhận', 'Certificate number', `<span class="num">${esc(v.number)}</span>`)}
${row('Hệ thống thông tin', 'Information system', esc(v.system))}
${row('Chủ quản hệ thống thông tin', 'Information system owner', esc(v.organization))}
${row('Cấp độ an toàn', 'Security level', `Cấp độ ${v.level} ${en(`/ Level ${v.level}`)}`)}
${row('Ngày cấp', 'Date of issue', `<time datetime="${v.issuedAt}">${v.display.issuedAt}</time>`)}
${row('Có hiệu lực đến ngày', 'Valid until', `<time datetime="${v.expiresAt}">${v.display.expiresAt}</time>`)}
</dl>
<h2>Kiểm tra tệp giấy chứng nhận ${en('/ Check a certificate file')}</h2>
<p>Chọn hoặc kéo thả tệp PDF bạn nhận được để biết đó có phải bản gốc của giấy chứng nhận này không.<br>
${en('Choose or drop the PDF you were given to learn whether it is the genuine file of this certificate.')}</p>
<div id="drop" class="drop" data-check="${esc(`${base}/${code}/check`)}" data-max="${maxBytes}">
<p>Kéo thả tệp PDF vào đây ${en('/ Drop the PDF here')}</p>
<input id="file" type="file" accept="application/pdf,.pdf"><label for="file">Chọn tệp… ${en('/ Choose a file…')}</label>
<noscript><p>Cần bật JavaScript để kiểm tra tệp. ${en('/ Checking a file needs JavaScript.')}</p></noscript>
</div>
<div id="answer" class="answer" role="status" aria-live="polite"></div>
<p><small>Ngày giờ theo múi giờ ${esc(v.display.timeZone)} ${en(`/ Dates in the ${esc(v.display.timeZone)} time zone`)}</small></p>
</main>
<script src="${esc(base)}/check.js?v=${CHECK_SCRIPT_VERSION}"></script>
</body></html>`;
}
