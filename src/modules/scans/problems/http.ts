import type { Bilingual, ProblemTable } from './types';

type Entry = { titles: Record<string, Bilingual>; fix: Bilingual };

/** Observatory outcomes by the test they belong to (the problem), with a title per failing outcome. */
const TESTS: Record<string, Entry> = {
  'content-security-policy': {
    titles: {
      'csp-not-implemented': { vi: 'Thiếu Content-Security-Policy', en: 'No Content-Security-Policy' },
      'csp-not-implemented-but-reporting-enabled': { vi: 'Content-Security-Policy chỉ báo cáo, không được áp dụng', en: 'Content-Security-Policy is report-only, not enforced' },
      'csp-header-invalid': { vi: 'Content-Security-Policy không đọc được', en: 'Content-Security-Policy cannot be parsed' },
      'csp-implemented-with-unsafe-inline': { vi: 'Content-Security-Policy cho phép mã nội tuyến không an toàn', en: 'Content-Security-Policy allows unsafe inline scripts' },
      'csp-implemented-with-unsafe-eval': { vi: "Content-Security-Policy cho phép 'unsafe-eval'", en: "Content-Security-Policy allows 'unsafe-eval'" },
      'csp-implemented-with-insecure-scheme': { vi: 'Content-Security-Policy cho phép tải tài nguyên qua HTTP', en: 'Content-Security-Policy allows resources over plain HTTP' },
      'csp-implemented-with-insecure-scheme-in-passive-content-only': { vi: 'Content-Security-Policy cho phép tải ảnh, media qua HTTP', en: 'Content-Security-Policy allows images and media over plain HTTP' },
    },
    fix: { vi: "Gửi header Content-Security-Policy với default-src 'none' hoặc 'self', không dùng 'unsafe-inline', 'unsafe-eval' hay nguồn http:.", en: "Send a Content-Security-Policy header with default-src 'none' or 'self', without 'unsafe-inline', 'unsafe-eval' or http: sources." },
  },
  cookies: {
    titles: {
      'cookies-session-without-secure-flag': { vi: 'Cookie phiên thiếu thuộc tính Secure', en: 'Session cookie without the Secure flag' },
      'cookies-session-without-httponly-flag': { vi: 'Cookie phiên thiếu thuộc tính HttpOnly', en: 'Session cookie without the HttpOnly flag' },
      'cookies-anticsrf-without-samesite-flag': { vi: 'Cookie chống CSRF thiếu thuộc tính SameSite', en: 'Anti-CSRF cookie without the SameSite flag' },
      'cookies-samesite-flag-invalid': { vi: 'Cookie có thuộc tính SameSite không hợp lệ', en: 'Cookie with an invalid SameSite flag' },
      'cookies-without-secure-flag': { vi: 'Cookie thiếu thuộc tính Secure', en: 'Cookies without the Secure flag' },
      'cookies-session-without-secure-flag-but-protected-by-hsts': { vi: 'Cookie phiên thiếu Secure (HSTS đang che chắn)', en: 'Session cookie without Secure (HSTS covers it)' },
      'cookies-without-secure-flag-but-protected-by-hsts': { vi: 'Cookie thiếu Secure (HSTS đang che chắn)', en: 'Cookies without Secure (HSTS covers them)' },
    },
    fix: { vi: 'Đặt Secure, HttpOnly và SameSite=Lax hoặc Strict cho mọi cookie phiên đăng nhập.', en: 'Set Secure, HttpOnly and SameSite=Lax or Strict on every session cookie.' },
  },
  'cross-origin-resource-sharing': {
    titles: { 'cross-origin-resource-sharing-implemented-with-universal-access': { vi: 'CORS cho phép mọi trang web đọc dữ liệu đã đăng nhập', en: 'CORS lets any website read logged-in responses' } },
    fix: { vi: 'Chỉ trả Access-Control-Allow-Origin cho các nguồn tin cậy được liệt kê; không phản chiếu Origin khi cho phép credentials.', en: 'Answer Access-Control-Allow-Origin only for listed trusted origins; never echo the Origin when credentials are allowed.' },
  },
  redirection: {
    titles: {
      'redirection-missing': { vi: 'HTTP không chuyển hướng sang HTTPS', en: 'HTTP does not redirect to HTTPS' },
      'redirection-not-to-https': { vi: 'HTTP chuyển hướng nhưng không đến HTTPS', en: 'HTTP redirects but never reaches HTTPS' },
      'redirection-not-to-https-on-initial-redirection': { vi: 'Lần chuyển hướng đầu tiên từ HTTP không sang HTTPS', en: 'The first redirect from HTTP does not go to HTTPS' },
      'redirection-off-host-from-http': { vi: 'HTTP chuyển sang máy chủ khác trước khi sang HTTPS', en: 'HTTP redirects to another host before HTTPS' },
      'redirection-invalid-cert': { vi: 'Chuyển hướng sang HTTPS dừng ở chứng thư số không hợp lệ', en: 'The redirect to HTTPS ends at an invalid certificate' },
    },
    fix: { vi: 'Chuyển hướng mọi yêu cầu http:// (cổng 80) thẳng sang https:// trên cùng tên miền, mã 301.', en: 'Redirect every http:// request (port 80) straight to https:// on the same host with a 301.' },
  },
  'referrer-policy': {
    titles: {
      'referrer-policy-unsafe': { vi: 'Referrer-Policy làm lộ địa chỉ trang cho trang web khác', en: 'Referrer-Policy leaks page addresses to other sites' },
      'referrer-policy-header-invalid': { vi: 'Giá trị Referrer-Policy không hợp lệ', en: 'Referrer-Policy value not recognised' },
    },
    fix: { vi: 'Đặt Referrer-Policy: strict-origin-when-cross-origin (hoặc no-referrer).', en: 'Set Referrer-Policy: strict-origin-when-cross-origin (or no-referrer).' },
  },
  'strict-transport-security': {
    titles: {
      'hsts-not-implemented': { vi: 'Thiếu Strict-Transport-Security (HSTS)', en: 'No Strict-Transport-Security (HSTS)' },
      'hsts-implemented-max-age-less-than-six-months': { vi: 'HSTS có thời hạn dưới sáu tháng', en: 'HSTS max-age is under six months' },
      'hsts-header-invalid': { vi: 'Header HSTS không đọc được', en: 'The HSTS header cannot be parsed' },
      'hsts-not-implemented-no-https': { vi: 'Trang không chạy trên HTTPS nên không có HSTS', en: 'The site is not served over HTTPS, so it has no HSTS' },
      'hsts-invalid-cert': { vi: 'Chứng thư số không hợp lệ nên HSTS không có tác dụng', en: 'An invalid certificate makes HSTS ineffective' },
    },
    fix: { vi: 'Phục vụ trang qua HTTPS với chứng thư hợp lệ và gửi Strict-Transport-Security: max-age=31536000; includeSubDomains.', en: 'Serve the site over HTTPS with a valid certificate and send Strict-Transport-Security: max-age=31536000; includeSubDomains.' },
  },
  'subresource-integrity': {
    titles: {
      'sri-not-implemented-but-external-scripts-loaded-securely': { vi: 'Script từ nguồn ngoài không có kiểm tra toàn vẹn (SRI)', en: 'Scripts from other origins without Subresource Integrity' },
      'sri-implemented-but-external-scripts-not-loaded-securely': { vi: 'Script từ nguồn ngoài được tải qua HTTP', en: 'Scripts from other origins loaded over plain HTTP' },
      'sri-not-implemented-and-external-scripts-not-loaded-securely': { vi: 'Script từ nguồn ngoài tải qua HTTP, không có SRI', en: 'Scripts from other origins over plain HTTP without integrity' },
    },
    fix: { vi: 'Tải script bên ngoài qua HTTPS kèm thuộc tính integrity (SRI), hoặc tự lưu trữ chúng.', en: 'Load third-party scripts over HTTPS with an integrity attribute, or host them yourself.' },
  },
  'x-content-type-options': {
    titles: {
      'x-content-type-options-not-implemented': { vi: 'Thiếu X-Content-Type-Options: nosniff', en: 'No X-Content-Type-Options: nosniff' },
      'x-content-type-options-header-invalid': { vi: 'X-Content-Type-Options không phải nosniff', en: 'X-Content-Type-Options is not nosniff' },
    },
    fix: { vi: 'Gửi X-Content-Type-Options: nosniff trên mọi phản hồi.', en: 'Send X-Content-Type-Options: nosniff on every response.' },
  },
  'x-frame-options': {
    titles: {
      'x-frame-options-not-implemented': { vi: 'Trang có thể bị trang khác nhúng khung (clickjacking)', en: 'Pages can be framed by other sites (clickjacking)' },
      'x-frame-options-header-invalid': { vi: 'Giá trị X-Frame-Options không hợp lệ', en: 'X-Frame-Options value not recognised' },
    },
    fix: { vi: "Gửi Content-Security-Policy: frame-ancestors 'self' (hoặc X-Frame-Options: DENY).", en: "Send Content-Security-Policy: frame-ancestors 'self' (or X-Frame-Options: DENY)." },
  },
  'cross-origin-resource-policy': {
    titles: { 'cross-origin-resource-policy-header-invalid': { vi: 'Giá trị Cross-Origin-Resource-Policy không hợp lệ', en: 'Cross-Origin-Resource-Policy value not recognised' } },
    fix: { vi: 'Đặt Cross-Origin-Resource-Policy: same-origin hoặc same-site.', en: 'Set Cross-Origin-Resource-Policy: same-origin or same-site.' },
  },
  html: {
    titles: { 'html-not-parseable': { vi: 'Trang HTML không phân tích được', en: 'The HTML page cannot be parsed' } },
    fix: { vi: 'Sửa mã HTML của trang để trình duyệt và công cụ kiểm tra đọc được.', en: 'Fix the page HTML so that browsers and checkers can parse it.' },
  },
  'server-version-disclosed': {
    titles: { 'server-version-disclosed': { vi: 'Header Server để lộ phiên bản phần mềm', en: 'The Server header discloses the software version' } },
    fix: { vi: 'Bỏ số phiên bản khỏi header Server (ví dụ server_tokens off trong nginx, ServerTokens Prod trong Apache).', en: 'Remove the version from the Server header (e.g. nginx server_tokens off, Apache ServerTokens Prod).' },
  },
  'x-powered-by-version-disclosed': {
    titles: { 'x-powered-by-version-disclosed': { vi: 'Header X-Powered-By để lộ phiên bản phần mềm', en: 'The X-Powered-By header discloses the software version' } },
    fix: { vi: 'Bỏ header X-Powered-By (ví dụ expose_php = Off trong PHP).', en: 'Remove the X-Powered-By header (e.g. expose_php = Off in PHP).' },
  },
};

const PREFIXES: [string, string][] = [
  ['csp-', 'content-security-policy'], ['cookies-', 'cookies'], ['cross-origin-resource-sharing-', 'cross-origin-resource-sharing'],
  ['redirection-', 'redirection'], ['referrer-policy-', 'referrer-policy'], ['hsts-', 'strict-transport-security'],
  ['sri-', 'subresource-integrity'], ['x-content-type-options-', 'x-content-type-options'], ['x-frame-options-', 'x-frame-options'],
  ['cross-origin-resource-policy-', 'cross-origin-resource-policy'], ['html-', 'html'],
];

/** http.headers and http.redirect: one problem per Observatory test, and one per disclosing header. */
export const httpProblems: ProblemTable = {
  keyOf(code) {
    if (code in TESTS) return code;
    const key = PREFIXES.find(([p]) => code.startsWith(p))?.[1];
    return key && TESTS[key].titles[code] ? key : undefined;
  },
  describe(key, codes) {
    const e = TESTS[key];
    const code = codes.find((c) => e.titles[c]) ?? Object.keys(e.titles)[0];
    return { title: e.titles[code], fix: e.fix };
  },
};

/** Every failing outcome has words (a test checks this against MODIFIERS). */
export const httpTitled = (code: string) => httpProblems.keyOf(code) !== undefined;
