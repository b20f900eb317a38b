import crypto from 'node:crypto';

/*
 * The public page's "check this file" script, served as a same-origin file (the content security
 * policy allows no inline script). It sends the chosen or dropped file to <code>/check and shows
 * the register's one-sentence answer in both languages. Plain ES5: any browser a citizen has.
 */
export const CHECK_SCRIPT = `(function () {
  'use strict';
  var zone = document.getElementById('drop');
  var input = document.getElementById('file');
  var out = document.getElementById('answer');
  if (!zone || !input || !out) return;
  var max = Number(zone.getAttribute('data-max'));
  var url = zone.getAttribute('data-check');
  function say(kind, vi, en) {
    out.className = 'answer ' + kind;
    out.textContent = '';
    var a = document.createElement('p'); a.setAttribute('lang', 'vi'); a.textContent = vi;
    var b = document.createElement('p'); b.setAttribute('lang', 'en'); b.className = 'en'; b.textContent = en;
    out.appendChild(a); out.appendChild(b);
  }
  function failed(status) {
    if (status === 429) say('bad', 'Quá nhiều lần kiểm tra; vui lòng thử lại sau một phút.', 'Too many checks; please try again in a minute.');
    else if (status === 413) say('bad', 'Tệp quá lớn để là một giấy chứng nhận.', 'The file is too large to be a certificate.');
    else say('bad', 'Không kiểm tra được tệp; vui lòng thử lại.', 'The file could not be checked; please try again.');
  }
  function check(file) {
    if (!file) return;
    if (!file.size) { say('bad', 'Tệp trống.', 'The file is empty.'); return; }
    if (max && file.size > max) { failed(413); return; }
    say('busy', 'Đang kiểm tra tệp…', 'Checking the file…');
    var xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('Content-Type', 'application/pdf');
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.onload = function () {
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
      if (xhr.status !== 200 || !body || !body.message) { failed(xhr.status); return; }
      say(body.genuine === true ? 'good' : 'bad', body.message.vi, body.message.en);
    };
    xhr.onerror = function () { failed(0); };
    xhr.send(file);
  }
  input.addEventListener('change', function () { check(input.files && input.files[0]); input.value = ''; });
  zone.addEventListener('dragover', function (e) { e.preventDefault(); zone.className = 'drop over'; });
  zone.addEventListener('dragleave', function () { zone.className = 'drop'; });
  zone.addEventListener('drop', function (e) {
    e.preventDefault();
    zone.className = 'drop';
    check(e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0]);
  });
})();
`;

/** Changes whenever the script does: the page asks for check.js?v=<this>, cached for a year. */
export const CHECK_SCRIPT_VERSION = crypto.createHash('sha256').update(CHECK_SCRIPT).digest('hex').slice(0, 12);
